"""``bookrun bench`` and the peer solvers, on tiny instances with short budgets."""

from __future__ import annotations

import argparse
import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from api.bench import bench, peers
from api.bench.bench import ROW_KEYS, find_instances, format_table, run_bench, summarize
from routing.instances import read_instance

DATA = Path(__file__).resolve().parents[2] / "data"
INSTANCES = DATA / "instances"
TINY_SOLOMON = INSTANCES / "tiny10.txt"
TINY_LILIM = INSTANCES / "tiny_lc4.txt"


def _solve_importable() -> bool:
    try:
        from routing.solver import solve  # noqa: F401
    except ImportError:
        return False
    return True


needs_solve = pytest.mark.skipif(not _solve_importable(),
                                 reason="routing.solve (routing/solver.py) is not "
                                        "importable yet")
needs_pyvrp = pytest.mark.skipif(importlib.util.find_spec("pyvrp") is None,
                                 reason="pyvrp not installed (optional peer)")
needs_vroom = pytest.mark.skipif(importlib.util.find_spec("vroom") is None,
                                 reason="pyvroom not installed (optional peer)")


def test_find_instances(tmp_path: Path) -> None:
    found = find_instances([INSTANCES])
    assert [p.name for p in found] == ["tiny10.txt", "tiny_lc4.txt"]
    assert find_instances([TINY_SOLOMON, INSTANCES]) == found  # no duplicates
    with pytest.raises(FileNotFoundError, match="no such file or folder"):
        find_instances([tmp_path / "missing"])


@needs_solve
def test_run_bench_bookrun_tiny_instance(tmp_path: Path) -> None:
    out = tmp_path / "rows.json"
    rows = run_bench([TINY_SOLOMON], budget_s=1.0, json_path=out)
    assert len(rows) == 1
    row = rows[0]
    assert set(ROW_KEYS) <= set(row)
    assert row["instance"] == "TINY10" and row["family"] == "solomon"
    assert row["solver"] == "bookrun" and row["status"] == "ok"
    assert row["feasible"] is True, row["message"]
    assert row["unassigned"] == 0 and row["violations"] == 0
    assert row["bks_distance"] == 58.1 and row["bks_vehicles"] == 1  # from bks.csv beside it
    assert row["distance"] >= 58.1
    assert row["gap_pct"] == pytest.approx(100 * (row["distance"] - 58.1) / 58.1)
    assert row["vehicles_vs_bks"] == row["vehicles"] - 1
    assert 0 < row["wall_s"] < 30
    assert json.loads(out.read_text()) == rows


@needs_solve
def test_run_bench_bookrun_lilim_with_user_bks(tmp_path: Path) -> None:
    bks = tmp_path / "mine.csv"
    bks.write_text("instance,distance\nTINY_LC4,50.0\n")
    (row,) = run_bench([TINY_LILIM], budget_s=1.0, bks_path=bks)
    assert row["family"] == "lilim" and row["feasible"] is True, row["message"]
    assert row["bks_distance"] == 50.0 and row["bks_vehicles"] is None
    assert row["vehicles_vs_bks"] is None and row["gap_pct"] > 0


@needs_pyvrp
@pytest.mark.parametrize("path", [TINY_SOLOMON, TINY_LILIM])
def test_pyvrp_peer(path: Path) -> None:
    result = peers.solve_with_pyvrp(path, 0.3, 1)
    assert result.status == "ok", result.message
    assert result.feasible, result.violations
    assert sorted(n for r in result.routes for n in r) == list(range(1, 11 if path ==
                                                                   TINY_SOLOMON else 9))
    assert result.vehicles == len(result.routes) and result.distance is not None
    assert result.plan is not None and result.wall_s > 0


@needs_vroom
@pytest.mark.parametrize("path", [TINY_SOLOMON, TINY_LILIM])
def test_vroom_peer(path: Path) -> None:
    problem = read_instance(path)
    result = peers.solve_with_vroom(problem, 0.5)
    assert result.status == "ok", result.message
    assert result.feasible, result.violations
    assert result.distance is not None and result.distance > 0


def test_peer_not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(peers, "installed", lambda solver: False)
    result = peers.solve_with_vroom(TINY_SOLOMON, 1.0)
    assert result.status == "not installed" and "pip install" in result.message
    assert not result.feasible and result.routes == []


def test_judge_rejects_a_bad_route_set() -> None:
    problem = read_instance(TINY_LILIM)
    result = peers.judge(problem, "x", [[2, 1], [3, 4], [5, 6], [7, 8]], wall_s=0.1)
    assert result.status == "ok" and not result.feasible
    assert any("precedence" in v or "pickup" in v or "load" in v for v in result.violations)
    result = peers.judge(problem, "x", [[1, 1]], wall_s=0.1)
    assert not result.feasible and "cannot be timed" in result.violations[0]


@needs_vroom
def test_run_bench_reports_a_malformed_instance_as_a_row() -> None:
    rows = run_bench([DATA / "malformed" / "solomon_bad_due.txt", TINY_LILIM],
                     budget_s=0.5, solvers=("vroom",))
    assert rows[0]["status"] == "error" and "DUE_DATE" in rows[0]["message"]
    assert rows[0]["feasible"] is False
    assert rows[1]["feasible"] is True


@needs_vroom
@pytest.mark.slow
def test_run_bench_parallel_jobs() -> None:
    rows = run_bench([INSTANCES], budget_s=0.5, solvers=("vroom",), jobs=2)
    assert [r["instance"] for r in rows] == ["TINY10", "tiny_lc4"]  # input order kept
    assert all(r["feasible"] for r in rows)


def test_run_bench_rejects_unknown_solver() -> None:
    with pytest.raises(ValueError, match="unknown solver"):
        run_bench([TINY_SOLOMON], solvers=("gurobi",))


def _row(**kw: Any) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(ROW_KEYS)
    row.update(instance="X", family="solomon", solver="bookrun", status="ok", feasible=True,
               vehicles=10, distance=100.0, bks_vehicles=10, bks_distance=100.0,
               gap_pct=0.0, wall_s=1.0, unassigned=0, budget_s=1.0, path="x", message="")
    row.update(kw)
    return row


def test_summary_and_table() -> None:
    rows = [_row(), _row(instance="Y", vehicles=11, gap_pct=2.0),
            _row(instance="Z", vehicles=9, gap_pct=1.0),
            _row(instance="W", feasible=False, gap_pct=None, status="ok"),
            _row(solver="vroom", gap_pct=0.004), _row(family="lilim", gap_pct=None,
                                                      bks_distance=None)]
    summary = {(s["family"], s["solver"]): s for s in summarize(rows)}
    s = summary[("solomon", "bookrun")]
    assert (s["count"], s["feasible"], s["with_gap"]) == (4, 3, 3)
    assert s["mean_gap_pct"] == pytest.approx(1.0) and s["max_gap_pct"] == 2.0
    assert s["at_bks"] == 1 and s["vehicles_le_bks"] == 2
    assert s["mean_gap_pct_vehicles_le_bks"] == pytest.approx(0.5)
    assert summary[("solomon", "vroom")]["at_bks"] == 1  # 0.004 % <= 0.005 %
    assert summary[("lilim", "bookrun")]["mean_gap_pct"] is None
    table = format_table(rows, budget_s=2.0, jobs=3)
    assert "budget 2 s" in table and "3 solves run in parallel processes" in table
    assert "single-threaded" in table
    assert "mean gap%" in table and "veh<=BKS" in table
    assert "parallel" not in format_table(rows, jobs=1)


@needs_solve
def test_cli_main_and_subcommand(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "rows.json"
    code = bench.main([str(TINY_SOLOMON), "--budget", "1", "--json", str(out)])
    printed = capsys.readouterr().out
    assert code == 0
    assert "bookrun bench: 1 instance(s)" in printed and "TINY10" in printed
    assert json.loads(out.read_text())[0]["feasible"] is True

    parser = argparse.ArgumentParser(prog="bookrun")
    sub = parser.add_subparsers(dest="command")
    bench.add_bench_subcommand(sub)
    args = parser.parse_args(["bench", "a.txt", "b", "--budget", "2.5", "--solvers",
                              "bookrun,vroom", "--jobs", "2", "--seed", "7", "--bks", "f.csv"])
    assert args.command == "bench" and args.paths == ["a.txt", "b"]
    assert (args.budget, args.solvers, args.jobs, args.seed, args.bks) == \
        (2.5, ["bookrun", "vroom"], 2, 7, "f.csv")
    assert args.func is bench.run_from_args and args.handler is bench.run_from_args


def test_cli_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main([str(tmp_path / "missing.txt")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert bench.main([str(tmp_path / "empty")]) == 2
    with pytest.raises(SystemExit):
        bench.main([str(TINY_SOLOMON), "--solvers", "gurobi"])
    with pytest.raises(SystemExit):
        bench.main([str(TINY_SOLOMON), "--budget", "0"])
