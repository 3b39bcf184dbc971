"""``bookrun plan``: the contractor's command, its help, its outputs and its errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from api.cli.argtypes import plan_date
from api.cli.main import main
from api.services.plan_outputs import OUTPUT_FILES
from routing import verify
from routing.documents import load_plan, load_problem


def test_help_explains_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--help"]) == 0
    text = capsys.readouterr().out
    for option in ("--scenario", "--date", "--out", "--mode", "--vans", "--capacity-crates",
                   "--time-limit", "--seed", "--workers"):
        assert option in text
    for output in OUTPUT_FILES:
        assert output in text
    assert "hub_and_spoke" in text and "direct" in text


def test_plan_writes_every_output_and_a_summary(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    code = main(["plan", "--scenario", "munakata", "--date", "2023-11-15", "--out", str(out),
                 "--time-limit", "1"])
    assert code == 0
    text = capsys.readouterr().out
    assert "peak crates" in text and "verify: feasible" in text
    for name in OUTPUT_FILES:
        assert (out / name).is_file() and (out / name).stat().st_size > 0
    assert verify(load_problem(out / "problem.json"), load_plan(out / "plan.json")) == []


def test_a_day_on_which_nothing_can_move_says_so_and_still_writes_outputs(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 2024-01-01: every library is closed, and the rota empties no post on New Year's Day.
    code = main(["plan", "--scenario", "munakata", "--date", "2024-01-01", "--out",
                 str(tmp_path), "--time-limit", "1"])
    text = capsys.readouterr().out
    assert code == 0
    assert "hub CLOSED" in text
    assert ("nothing can move" in text) or ("only return posts" in text)
    assert (tmp_path / "map.html").is_file()


@pytest.mark.parametrize(("args", "message"), [
    (["--scenario", "atlantis", "--date", "2023-11-15"], "not a bundled scenario"),
    (["--scenario", "munakata", "--date", "2023-03-31"], "field 'date'"),
])
def test_bad_input_exits_2_with_the_field_named(args: list[str], message: str, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", *args, "--out", str(tmp_path)]) == 2
    assert message in capsys.readouterr().err


def test_a_malformed_date_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--scenario", "munakata", "--date", "15/11/2023"]) == 2
    assert "must be today, tomorrow or a date YYYY-MM-DD" in capsys.readouterr().err


@pytest.mark.parametrize(("word", "expected"), [
    ("today", dt.date(2026, 12, 7)), ("tomorrow", dt.date(2026, 12, 8)),
    ("Tomorrow", dt.date(2026, 12, 8)), ("2023-11-15", dt.date(2023, 11, 15))])
def test_today_and_tomorrow_are_dates_in_asia_tokyo(word: str, expected: dt.date) -> None:
    # 2026-12-06 23:30 UTC is already 2026-12-07 08:30 in Tokyo.
    now = dt.datetime(2026, 12, 6, 23, 30, tzinfo=dt.UTC)
    assert plan_date(word, now=now) == expected


@pytest.mark.slow
@pytest.mark.parametrize("scenario", ["munakata", "ichinoseki"])
def test_plan_today_works_with_its_estimated_tasks_labelled(
        scenario: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--scenario", scenario, "--date", "today", "--out", str(tmp_path),
                 "--time-limit", "1"]) == 0
    text = capsys.readouterr().out
    problem, plan = load_problem(tmp_path / "problem.json"), load_plan(tmp_path / "plan.json")
    assert verify(problem, plan) == []
    if problem.tasks:
        assert "推計 estimate: FY2023 annual figures" in text
        assert set(problem.meta["estimates"]) <= {t.task_id for t in problem.tasks}
        assert "推計" in (tmp_path / "sheet.html").read_text(encoding="utf-8")
