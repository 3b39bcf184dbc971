"""``bookrun drops report|flags``, run in-process through `api.cli.main`: the bundled
history without a database, the store when it holds the year, and the fallback said on
stderr."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from api.cli import main as cli

REPORT = ["drops", "report", "--fiscal-year", "2023"]
FLAGS = ["drops", "flags", "--fiscal-year", "2023"]


@pytest.fixture
def no_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """DATABASE_URL points to a SQLite file that does not exist."""
    path = tmp_path / "missing.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.delenv("SCENARIO", raising=False)
    return path


def test_report_from_the_bundled_history_prints_the_table(
        no_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([*REPORT, "--source", "bundled"]) == 0
    out, err = capsys.readouterr()
    assert "赤間駅" in out and "13,389" in out and "37.6" in out
    assert "サンリブ" in out and "65.9" in out
    assert "source: bundled history" in err


def test_report_as_csv(no_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([*REPORT, "--source", "bundled", "--format", "csv"]) == 0
    lines = list(csv.reader(io.StringIO(capsys.readouterr().out, newline="")))
    assert lines[0][:3] == ["post_id", "name_ja", "measure"] and lines[0][-1] == "total"
    assert lines[1][0] == "munakata-akama-station" and lines[1][-1] == "13389"


def test_auto_falls_back_to_the_bundled_history_without_a_store_and_says_so(
        no_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(REPORT) == 0
    out, err = capsys.readouterr()
    assert "13,389" in out
    assert "source: bundled history" in err and "no store at" in err and str(no_store) in err
    assert not no_store.exists()  # looking did not create the database file


def test_store_asked_for_without_a_store_is_invalid_input(
        no_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([*REPORT, "--source", "store"]) == 2
    assert "cannot use the store" in capsys.readouterr().err


def test_a_year_outside_the_bundled_history_is_invalid_input(
        no_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["drops", "report", "--fiscal-year", "2020"]) == 2
    assert "FY2020 is not in the bundled history" in capsys.readouterr().err
    assert cli.main(["drops", "report", "--fiscal-year", "1999"]) == 2  # argparse: 2000..2100


def test_auto_reads_a_store_that_holds_the_year(
        service: Any, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    # `service` empties the store but for the seeded FY2023 history.
    monkeypatch.setenv("DATABASE_URL", service.url)
    monkeypatch.delenv("SCENARIO", raising=False)
    assert cli.main(REPORT) == 0
    out, err = capsys.readouterr()
    assert "13,389" in out and "37.6" in out
    assert "source: store" in err and "collections of FY2023" in err


def test_flags_from_the_bundled_history(no_store: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([*FLAGS, "--source", "bundled"]) == 0
    out = capsys.readouterr().out
    assert "overdue" in out and out.splitlines()[-1].startswith("FY2023: ")
    assert cli.main([*FLAGS, "--source", "bundled", "--kind", "likely_typo"]) == 0
    assert capsys.readouterr().out.splitlines() == ["FY2023: 0 flags"]
    assert cli.main([*FLAGS, "--source", "bundled", "--format", "csv"]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    assert header == "collected_at,post_id,name_ja,kind,items,collection_id,detail"


def test_report_writes_the_chart(no_store: Path, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    chart = tmp_path / "fy2023.svg"
    assert cli.main([*REPORT, "--source", "bundled", "--chart", str(chart)]) == 0
    assert chart.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert f"chart written to {chart}" in capsys.readouterr().err
