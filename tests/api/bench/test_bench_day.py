"""bookrun bench-day: short against long solves of synthetic Munakata-sized days."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.bench.bench_day import run_bench_day
from api.cli.main import main


def test_bench_day_rows_compare_a_short_solve_with_a_reference_and_both_verify() -> None:
    rows = run_bench_day([3], budget_s=0.5, reference_s=1.0, n_sites=8)
    assert len(rows) == 1
    row = rows[0]
    assert row["feasible"] and row["reference_feasible"]
    best = min(row["cost"], row["reference_cost"])
    assert row["gap_pct"] == pytest.approx(100 * (row["cost"] - best) / best, abs=1e-2)
    assert row["gap_pct"] >= 0


def test_bench_day_command_prints_the_table_and_writes_json(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "day.json"
    code = main(["bench-day", "--seeds", "1", "--budget", "0.3", "--reference", "0.6",
                 "--sites", "6", "--json", str(out)])
    assert code == 0
    assert "mean gap" in capsys.readouterr().out
    assert json.loads(out.read_text())[0]["seed"] == 1


def test_bench_day_rejects_a_non_positive_budget(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench-day", "--seeds", "1", "--budget", "0"]) == 2
    assert "--budget" in capsys.readouterr().err
