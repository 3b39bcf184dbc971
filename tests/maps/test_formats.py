"""The clock, date and amount formats every renderer shares."""

from __future__ import annotations

import datetime as dt

from maps._common import amount_text, date_ja, hhmm, iso_local, whole_minutes


def test_clock_times_drop_seconds_and_count_on_past_midnight() -> None:
    assert hhmm(0) == "00:00"
    assert hhmm(37_559) == "10:25"
    assert hhmm(86_400 + 60) == "24:01"


def test_iso_times_carry_the_japan_offset_and_roll_over_midnight() -> None:
    day = dt.date(2023, 11, 15)

    assert iso_local(day, 36_300) == "2023-11-15T10:05:00+09:00"
    assert iso_local(day, 86_400 + 5) == "2023-11-16T00:00:05+09:00"


def test_dates_are_written_the_japanese_way_with_the_weekday() -> None:
    assert date_ja(dt.date(2023, 11, 15)) == "2023年11月15日(水)"
    assert date_ja(dt.date(2024, 1, 7)) == "2024年1月7日(日)"


def test_amounts_name_the_usual_dimensions_in_japanese_and_skip_zeros() -> None:
    dims = ("crates", "items", "bags")

    assert amount_text({"crates": 2, "items": 61, "bags": 0}, dims) == "2 箱 crates · 61 冊 items"
    assert amount_text({"bags": 3}, dims) == "3 bags"
    assert amount_text({}, dims) == ""


def test_waiting_minutes_round_half_up() -> None:
    assert [whole_minutes(s) for s in (0, 29, 30, 89, 90)] == [0, 0, 1, 1, 2]
