"""The import rules of DESIGN.md, checked on the source with `ast` (nothing is imported).

routing/, drops/, scenarios/ and maps/ are pure; api/ is the only composition root.
Each rule is one parametrised case; a failure names every offending file, line and import.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PURE_PACKAGES = ("routing", "drops", "scenarios", "maps")
#: The one package allowed to import ortools (every file below it may).
ORTOOLS_ADAPTER = "routing/ortools/"
#: The modules that solve: maps/ imports none of them.
SOLVING_MODULES = ("routing.solver", "routing.ortools", "routing.portfolio")


@dataclass(frozen=True)
class Import:
    """One imported module (absolute, dotted) and, for ``from m import n``, the names."""

    path: str  # relative to the repository root
    line: int
    module: str
    names: tuple[str, ...] = ()

    def __str__(self) -> str:
        what = f"from {self.module} import {', '.join(self.names)}" if self.names else (
            f"import {self.module}")
        return f"{self.path}:{self.line}: {what}"


def module_name(path: Path) -> str:
    """``routing/io.py`` -> ``routing.io``; ``routing/__init__.py`` -> ``routing``."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_in(source: str, path: str, module: str, *,
               is_package: bool = False) -> Iterator[Import]:
    """Every import in ``source`` (of ``module``), relative ones made absolute, plus
    ``importlib.import_module("...")`` and ``__import__("...")`` with a literal name."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source, filename=path)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(path, node.lineno, alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            yield Import(path, node.lineno, base, tuple(a.name for a in node.names))
        elif (isinstance(node, ast.Call) and _called_name(node.func) in {"import_module",
                                                                         "__import__"}
              and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)):
            yield Import(path, node.lineno, node.args[0].value)


def _called_name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def top_level(imp: Import) -> str:
    return imp.module.partition(".")[0]


def python_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def package_imports(package: str) -> list[Import]:
    found: list[Import] = []
    for file in python_files(package):
        rel = file.relative_to(ROOT).as_posix()
        found.extend(imports_in(file.read_text(encoding="utf-8"), rel, module_name(file),
                                is_package=file.name == "__init__.py"))
    return found


@dataclass(frozen=True)
class Rule:
    """``package`` (a folder) never imports any of ``forbidden``: top-level names
    (``fastapi``) or dotted ones (``api.http``), each with everything below it."""

    package: str
    forbidden: frozenset[str]

    def __str__(self) -> str:
        return f"{self.package}/ never imports {', '.join(sorted(self.forbidden))}"

    def breaks(self, imp: Import) -> bool:
        return any(imp.module == name or imp.module.startswith(name + ".")
                   for name in self.forbidden)


WEB = frozenset({"fastapi", "starlette"})
RULES = (
    Rule("routing", frozenset({"api", "drops", "maps", "scenarios", "fastapi", "sqlalchemy",
                               "folium", "pyvrp", "vroom"})),
    Rule("drops", frozenset({"api", "routing", "maps", "fastapi", "sqlalchemy"})),
    Rule("scenarios", frozenset({"api", "maps", "sqlalchemy", "fastapi"})),
    Rule("maps", frozenset({"api", "sqlalchemy", "fastapi"})),
    # The rooms of api/: only api/http/ speaks HTTP; the command line never reaches it.
    Rule("api/cli", WEB | {"api.http"}),
    Rule("api/services", WEB | {"api.http", "api.cli", "api.bench"}),
    Rule("api/store", WEB | {"api.http", "api.cli", "api.bench", "api.services"}),
    Rule("api/bench", WEB | {"api.http"}),
)
#: The longest a module may grow (ARCHITECTURE.md: aim for 400); generated Alembic revisions
#: and vendored assets aside.
MAX_MODULE_LINES = 600
SIZE_EXEMPT = ("api/store/migrations/versions/", "maps/assets/")


@pytest.mark.parametrize("package", PURE_PACKAGES)
def test_package_exists(package: str) -> None:
    # Guards the rules below against passing on an empty walk.
    assert (ROOT / package / "__init__.py").is_file(), f"{package}/__init__.py is missing"


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.package.replace("/", "."))
def test_forbidden_imports(rule: Rule) -> None:
    assert python_files(rule.package), f"{rule.package}/ holds no module: update the rule"
    offending = [imp for imp in package_imports(rule.package) if rule.breaks(imp)]

    assert not offending, (f"{rule}, but:\n  " + "\n  ".join(map(str, offending))
                           + "\n(see DESIGN.md, 'Layout'; api/ is the only composition root)")


def test_maps_never_calls_solve() -> None:
    offending: list[str] = []
    for imp in package_imports("maps"):
        if imp.module.startswith(SOLVING_MODULES) or (
                top_level(imp) == "routing" and "solve" in imp.names):
            offending.append(str(imp))
    for file in python_files("maps"):
        rel = file.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"), filename=rel)):
            if isinstance(node, ast.Call) and _called_name(node.func) == "solve":
                offending.append(f"{rel}:{node.lineno}: calls solve(...)")

    assert not offending, ("maps/ renders a Plan it is given and never calls solve, but:\n  "
                           + "\n  ".join(offending))


def in_the_adapter(imp: Import) -> bool:
    return imp.path.startswith(ORTOOLS_ADAPTER)


def test_only_the_adapter_imports_ortools() -> None:
    offending = [imp for package in (*PURE_PACKAGES, "api") for imp in package_imports(package)
                 if top_level(imp) == "ortools" and not in_the_adapter(imp)]

    assert not offending, (f"only the files under {ORTOOLS_ADAPTER} may import ortools, but:\n  "
                           + "\n  ".join(map(str, offending)))


def test_the_adapter_does_import_ortools() -> None:
    # If the adapter moved, the rule above would silently check nothing.
    imports = package_imports("routing")
    assert any(top_level(i) == "ortools" and in_the_adapter(i) for i in imports), (
        f"no file under {ORTOOLS_ADAPTER} imports ortools: update ORTOOLS_ADAPTER here")


@pytest.mark.parametrize(("path", "inside"), [
    ("routing/ortools/model.py", True),
    ("routing/ortools/search/x.py", True),
    ("routing/ortools.py", False),  # a module beside the package, not in it
    ("routing/ortools_extra/x.py", False),
    ("routing/solver.py", False),
])
def test_the_adapter_is_exactly_the_files_under_routing_ortools(path: str, inside: bool) -> None:
    assert in_the_adapter(Import(path, 1, "ortools")) is inside


def loaded_in_a_fresh_interpreter(code: str, watched: tuple[str, ...]) -> list[str]:
    """Which of ``watched`` are in ``sys.modules`` after ``code`` runs in a new interpreter
    (so that what other tests imported hides nothing); ``SystemExit`` is allowed."""
    probe = (f"import sys\ntry:\n    {code}\nexcept SystemExit:\n    pass\n"
             f"print(' '.join(m for m in {watched!r} if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            cwd=ROOT, check=False, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.splitlines()[-1].split() if result.stdout.strip() else []


@pytest.mark.parametrize("modules", [
    "routing.problem, routing.result",
    "maps", "scenarios", "drops", "maps.geojson, scenarios.day",
    "routing, routing.options, routing.schedule, routing.instances, routing.instance_plans, "
    "routing.documents, routing.verify",
])
def test_importing_the_pure_modules_loads_neither_ortools_nor_numba(modules: str) -> None:
    # routing/__init__.py resolves solve and compile_day_search lazily: the data types,
    # the options and what renders or assembles a day load no solver.
    loaded = loaded_in_a_fresh_interpreter(f"import {modules}", ("ortools", "numba"))

    assert loaded == [], f"import {modules} loaded {loaded}"


@pytest.mark.parametrize("code", [
    "import api.cli",
    "from api.cli.main import main; main(['--help'])",
    "from api.cli.main import main; main(['drops', 'report', '--help'])",
    "from api.cli.main import main; main(['drops', 'report', '--fiscal-year', '2023', "
    "'--source', 'bundled'])",
])
def test_the_command_line_starts_without_fastapi_or_the_solver(code: str) -> None:
    # `bookrun --help` and `bookrun drops report` must not pay for the web stack or OR-Tools.
    loaded = loaded_in_a_fresh_interpreter(
        code, ("fastapi", "starlette", "api.http", "ortools", "numba"))

    assert loaded == [], f"{code} loaded {loaded}"


def test_no_module_is_longer_than_the_limit() -> None:
    too_long = []
    for package in (*PURE_PACKAGES, "api"):
        for file in python_files(package):
            rel = file.relative_to(ROOT).as_posix()
            lines = len(file.read_text(encoding="utf-8").splitlines())
            if lines > MAX_MODULE_LINES and not rel.startswith(SIZE_EXEMPT):
                too_long.append(f"{rel}: {lines} lines")

    assert not too_long, (f"modules over {MAX_MODULE_LINES} lines (a room per job: split "
                          f"them):\n  " + "\n  ".join(too_long))


ARCHITECTURE = ROOT / "ARCHITECTURE.md"
#: A path in backquotes that starts in one of the repository's folders.
REPO_PATH = re.compile(r"`((?:routing|api|drops|maps|scenarios|tests|docs)/[\w./-]*)`")


def test_architecture_md_names_only_paths_that_exist() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    named = REPO_PATH.findall(text)
    missing = sorted({path for path in named if not (ROOT / path.rstrip("/")).exists()})

    assert len(named) > 20, "ARCHITECTURE.md should name the modules it describes"
    assert not missing, "ARCHITECTURE.md names paths that do not exist:\n  " + "\n  ".join(
        missing)


def test_no_committed_text_names_a_path_of_this_machine() -> None:
    # Paths are written relative to the repository or as ../shared (DESIGN.md).
    machine_paths = (str(ROOT) + "/", str(ROOT.parent / "shared"))
    offending = []
    for file in [ARCHITECTURE, ROOT / "README.md", *ROOT.glob("docs/*.md"),
                 *(f for package in (*PURE_PACKAGES, "api", "tests")
                   for f in python_files(package))]:
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            if any(path in line for path in machine_paths):
                offending.append(f"{file.relative_to(ROOT)}:{number}: {line.strip()}")

    assert not offending, "machine paths in committed files:\n  " + "\n  ".join(offending)


def test_the_lazy_names_resolve_to_the_solver_and_the_day_search() -> None:
    import routing
    from routing.search.day_search import compile_day_search
    from routing.solver import solve

    assert (routing.solve, routing.compile_day_search) == (solve, compile_day_search)
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        routing.no_such_name  # noqa: B018


@pytest.mark.parametrize(("source", "expected"), [
    ("import fastapi.responses", "fastapi.responses"),
    ("from sqlalchemy.orm import Session", "sqlalchemy.orm"),
    ("from ..io import load_plan", "routing.io"),  # relative, from routing/sub/x.py
    ("from . import io", "routing.sub"),
    ("def f():\n    import folium\n", "folium"),  # imports inside functions count too
    ("import importlib\nimportlib.import_module('maps.render')", "maps.render"),
])
def test_import_walker_finds(source: str, expected: str) -> None:
    found = [i.module for i in imports_in(source, "routing/sub/x.py", "routing.sub.x")]

    assert expected in found
