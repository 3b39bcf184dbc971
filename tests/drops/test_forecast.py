"""The inflow forecast recovers known profiles and reports its held-back error."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from drops.forecast import backtest, fit_inflow
from drops.records import CollectionRecord

TZ = ZoneInfo("Asia/Tokyo")
WEEKDAY = (1.0, 0.8, 0.8, 0.9, 1.0, 1.3, 1.2)
FIRST = dt.date(2023, 4, 1)


def _inflow(day: dt.date, level: float, closed: frozenset[dt.date],
            closed_factor: float) -> float:
    items = level * WEEKDAY[day.weekday()] / (sum(WEEKDAY) / 7)
    return items * closed_factor if day in closed else items


def _daily_collections(days: int, *, level: float = 50.0, step: int = 1,
                       closed: frozenset[dt.date] = frozenset(),
                       closed_factor: float = 1.0) -> list[CollectionRecord]:
    """A post emptied every ``step`` days at 09:30; each collection takes the inflow of the
    days since the previous one."""
    records = []
    for k in range(0, days + 1, step):
        day = FIRST + dt.timedelta(days=k)
        covered = [day - dt.timedelta(days=j) for j in range(1, step + 1)]
        items = sum(_inflow(d, level, closed, closed_factor) for d in covered)
        records.append(CollectionRecord("post", dt.datetime.combine(day, dt.time(9, 30),
                                                                    tzinfo=TZ), round(items)))
    return records


def test_weekday_profile_and_level_are_recovered_from_daily_collections() -> None:
    model = fit_inflow(_daily_collections(120), "post", tz=TZ)
    mean_weekday = sum(WEEKDAY) / 7
    for weekday in range(7):
        assert model.weekday_factors[weekday] == pytest.approx(WEEKDAY[weekday] / mean_weekday,
                                                               rel=0.03)
    assert model.level(dt.date(2023, 5, 10)) == pytest.approx(50.0, rel=0.03)


def test_closed_days_factor_is_recovered() -> None:
    # Every fifth day, so the closed days fall on every weekday in turn.
    closed = frozenset(FIRST + dt.timedelta(days=k) for k in range(0, 120, 5))
    records = _daily_collections(120, closed=closed, closed_factor=1.6)
    model = fit_inflow(records, "post", tz=TZ, closed_days=closed)
    assert model.closed_factor == pytest.approx(1.6, rel=0.05)


def test_a_collection_every_other_day_still_gives_the_level() -> None:
    records = _daily_collections(60, step=2)  # each collection covers two days
    model = fit_inflow(records, "post", tz=TZ)
    assert model.expected(dt.date(2023, 5, 1), dt.date(2023, 5, 7)) == pytest.approx(350,
                                                                                       rel=0.05)


def test_held_back_error_is_small_on_a_stationary_series_and_says_how_many_were_tested(
        ) -> None:
    records = _daily_collections(150)
    result = backtest(records, "post", fit_before=dt.date(2023, 8, 1), tz=TZ)
    held_back = [r for r in records if r.collected_at.date() >= dt.date(2023, 8, 1)]
    assert result.collections == len(held_back) == 29  # 1-29 August
    assert result.mae_items < 2.0
    assert result.mean_items == pytest.approx(50, rel=0.1)


def test_a_month_without_data_takes_the_same_month_or_the_recent_levels() -> None:
    model = fit_inflow(_daily_collections(90), "post", tz=TZ)
    assert model.level(dt.date(2024, 1, 15)) == pytest.approx(50.0, rel=0.05)
    assert fit_inflow([], "post", tz=TZ).rate(dt.date(2023, 4, 5)) == 0.0
