"""Tests for the ``bookrun`` command line, run in-process through `api.cli.main`."""

from __future__ import annotations

import importlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from api.cli import main as cli
from routing.result import Plan, PlanStatus

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"

#: The modules `bookrun solve` calls (``routing.verify`` the attribute is the function).
SOLVER = importlib.import_module("routing.solver")
VERIFIER = importlib.import_module("routing.verify")

#: Deterministic and quick: the golden plans use the same settings.
SOLVE_ARGS = ["--solution-limit", "100", "--time-limit", "30"]


@pytest.fixture
def example_2(tmp_path: Path) -> Path:
    """A copy of the two-van example (explicit matrix, one task too large for any van)."""
    path = tmp_path / "problem.json"
    shutil.copy(EXAMPLES / "example_2.problem.json", path)
    return path


@pytest.fixture
def solved(example_2: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """The plan file `bookrun solve` writes for `example_2`."""
    out = example_2.with_name("plan.json")
    assert cli.main(["solve", str(example_2), *SOLVE_ARGS, "--out", str(out)]) == 0
    capsys.readouterr()
    return out


def _edit_json(path: Path, edit: Any) -> Path:
    doc = json.loads(path.read_text(encoding="utf-8"))
    edit(doc)
    tampered = path.with_name(f"tampered-{path.name}")
    tampered.write_text(json.dumps(doc), encoding="utf-8")
    return tampered


def test_solve_writes_a_plan_that_verify_accepts(example_2: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "plan.json"
    assert cli.main(["solve", str(example_2), *SOLVE_ARGS, "--out", str(out)]) == 0
    printed = capsys.readouterr()
    assert "total: 2 vehicles" in printed.out
    assert "verified: the plan is feasible" in printed.out
    assert f"plan written to {out}" in printed.out
    # a partial plan is a result (exit 0), and what is missing is said clearly
    assert "partial plan: 1 required task not served: book-fair-stock (exceeds_capacity)" \
        in printed.err
    assert json.loads(out.read_text(encoding="utf-8"))["status"] == "partial"

    assert cli.main(["verify", str(example_2), str(out)]) == 0
    printed = capsys.readouterr()
    assert printed.out.startswith("plan is feasible: 2 routes, ")
    assert " km\n" in printed.out


def test_solve_json_goes_to_stdout_and_the_summary_to_stderr(
        example_2: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["solve", str(example_2), *SOLVE_ARGS, "--json"]) == 0
    printed = capsys.readouterr()
    doc = json.loads(printed.out)
    assert doc["format"] == 1
    assert doc["problem"] == "two-vans-explicit-matrix"
    assert "verified: the plan is feasible" in printed.err


def test_solve_quiet_prints_only_warnings(example_2: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["solve", str(example_2), *SOLVE_ARGS, "--quiet"]) == 0
    printed = capsys.readouterr()
    assert printed.out == ""
    assert printed.err.startswith("bookrun: warning: partial plan")


def test_verify_lists_a_moved_time(example_2: Path, solved: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    def arrive_a_minute_early(doc: dict[str, Any]) -> None:
        stop = doc["routes"][0]["visits"][1]
        for key in ("arrival_s", "start_s", "departure_s"):
            stop[key] -= 60

    tampered = _edit_json(solved, arrive_a_minute_early)
    assert cli.main(["verify", str(example_2), str(tampered)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("plan is infeasible: ")
    assert "\ntravel_time: " in out


def test_verify_lists_an_exceeded_capacity(example_2: Path, solved: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    def shrink_vans(doc: dict[str, Any]) -> None:
        for vehicle in doc["vehicles"]:
            vehicle["capacity"]["crates"] = 8

    smaller = _edit_json(example_2, shrink_vans)
    assert cli.main(["verify", str(smaller), str(solved)]) == 1
    out = capsys.readouterr().out
    assert "\ncapacity: " in out
    assert len(out.splitlines()) == 1 + int(out.split()[3])  # header + one line each


def test_invalid_problem_exits_2_with_the_path_message(
        example_2: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def break_it(doc: dict[str, Any]) -> None:
        doc["tasks"][3]["amount"]["crates"] = -2
        doc["vehicles"][0]["start_site"] = "depo"

    bad = _edit_json(example_2, break_it)
    assert cli.main(["solve", str(bad)]) == 2
    printed = capsys.readouterr()
    assert printed.out == ""
    assert printed.err.splitlines() == [
        f"bookrun: invalid problem file {bad} (2 problems):",
        "  vehicles[0].start_site: unknown site 'depo'",
        "  tasks[3].amount.crates: must be >= 0, got -2",
    ]
    assert "Traceback" not in printed.err


@pytest.mark.parametrize("name", ["invalid_values", "invalid_format_version", "invalid_matrix"])
def test_invalid_examples_exit_2(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["solve", str(EXAMPLES / f"{name}.problem.json")]) == 2
    assert "bookrun: invalid problem file " in capsys.readouterr().err


def test_unreadable_files_exit_2(example_2: Path, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "missing.json"
    assert cli.main(["solve", str(missing)]) == 2
    assert f"bookrun: cannot read problem file {missing}: No such file" in capsys.readouterr().err
    assert cli.main(["verify", str(example_2), str(missing)]) == 2
    assert f"cannot read plan file {missing}" in capsys.readouterr().err
    not_json = tmp_path / "plan.json"
    not_json.write_text("{routes: []}", encoding="utf-8")
    assert cli.main(["verify", str(example_2), str(not_json)]) == 2
    assert "  not valid JSON: Expecting property name enclosed in double quotes at line 1 " \
        in capsys.readouterr().err


def test_verify_rejects_an_invalid_plan_file(example_2: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["verify", str(example_2), str(EXAMPLES / "invalid_plan.plan.json")]) == 2
    err = capsys.readouterr().err
    assert 'status: must be one of complete, partial, no_solution, got "done"' in err


def test_bad_arguments_exit_2(example_2: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["solve", str(example_2), "--time-limit", "-1"]) == 2
    assert "--time-limit: must be > 0, got -1" in capsys.readouterr().err
    assert cli.main(["solve", str(example_2), "--solution-limit", "0"]) == 2
    assert cli.main([]) == 2
    assert cli.main(["plan"]) == 2


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("bookrun ")


def test_example_lists_and_prints_paths(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["example", "--list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    names = [line.split()[0] for line in listed]
    assert {"example_1", "example_2", "invalid_values"} <= set(names)
    assert cli.main(["example", "example_1"]) == 0
    assert Path(capsys.readouterr().out.strip()) == EXAMPLES / "example_1.problem.json"
    assert cli.main(["example", "example_1", "--plan"]) == 0
    assert Path(capsys.readouterr().out.strip()) == EXAMPLES / "example_1.plan.json"
    assert cli.main(["example", "example_9"]) == 2
    assert "unknown example 'example_9'" in capsys.readouterr().err
    assert cli.main(["example", "invalid_values", "--plan"]) == 2
    assert "has no golden plan" in capsys.readouterr().err


def test_golden_examples_verify(capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("example_1", "example_2"):
        problem, plan = (EXAMPLES / f"{name}.{kind}.json" for kind in ("problem", "plan"))
        assert cli.main(["verify", str(problem), str(plan)]) == 0
    assert capsys.readouterr().out.count("plan is feasible") == 2


def test_unexpected_error_exits_1_without_traceback(
        example_2: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    def broken(*args: object, **kwargs: object) -> Plan:
        raise RuntimeError("solver crashed")

    monkeypatch.setattr(SOLVER, "solve", broken)
    assert cli.main(["solve", str(example_2)]) == 1
    err = capsys.readouterr().err
    assert "bookrun: internal error: RuntimeError: solver crashed" in err
    assert "Traceback" not in err
    with pytest.raises(RuntimeError):
        cli.main(["--debug", "solve", str(example_2)])


def test_no_solution_exits_3(example_2: Path, monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    def nothing(*args: object, **kwargs: object) -> Plan:
        return Plan(status=PlanStatus.NO_SOLUTION, routes=(), unassigned=(), cost=0.0)

    monkeypatch.setattr(SOLVER, "solve", nothing)
    assert cli.main(["solve", str(example_2), "--time-limit", "0.5"]) == 3
    assert "no plan found within the limits (time limit 0.5 s)" in capsys.readouterr().err


def test_a_plan_failing_verification_exits_1(example_2: Path, monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    from routing.verify import Violation

    def complain(problem: object, plan: object) -> list[Violation]:
        return [Violation(code="capacity", message="van-large carries 30 > 25 crates")]

    monkeypatch.setattr(VERIFIER, "verify", complain)
    out = tmp_path / "plan.json"
    assert cli.main(["solve", str(example_2), *SOLVE_ARGS, "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "the solver's plan fails verification (1 violation):\ncapacity: van-large" in err
    assert out.exists()  # kept for inspection
