"""The rooms of api/ keep to their rules: the command line never reaches the HTTP side nor
FastAPI, the services never import FastAPI (checked on the source, and by importing the
command line in a fresh interpreter)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.test_architecture import ROOT, package_imports, top_level

WEB = frozenset({"fastapi", "starlette"})


@pytest.mark.parametrize("room", ["api/cli", "api/services", "api/store", "api/bench"])
def test_a_room_outside_http_imports_neither_fastapi_nor_the_http_side(room: str) -> None:
    offending = [str(imp) for imp in package_imports(room)
                 if top_level(imp) in WEB or imp.module == "api.http"
                 or imp.module.startswith("api.http.")]

    assert not offending, f"{room}/ imports the HTTP side:\n  " + "\n  ".join(offending)


@pytest.mark.parametrize("code", [
    "import api.cli",
    "from api.cli.main import main; main(['--help'])",
    "from api.cli.main import build_parser; build_parser().parse_args(['drops', 'report', "
    "'--fiscal-year', '2023'])",
])
def test_the_command_line_loads_without_fastapi(code: str) -> None:
    probe = (f"import sys\ntry:\n    {code}\nexcept SystemExit:\n    pass\n"
             "print(sorted(m for m in ('fastapi', 'starlette', 'api.http') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                            text=True, check=True)

    assert result.stdout.strip().splitlines()[-1] == "[]"
