"""Flags on collections: typos, overflows and overdue posts on made-up series with known
answers, and what the FY2023 bundled history raises."""

from __future__ import annotations

import datetime as dt
import random
import statistics
from collections import Counter
from zoneinfo import ZoneInfo

from api.services.planning import bundled_history
from drops.flags import FlagKind, _leave_one_out_median, flag_collections
from drops.records import CollectionRecord, PostRules
from scenarios.loader import load_network

TOKYO = ZoneInfo("Asia/Tokyo")
POST = "post-a"
RULES = {POST: PostRules(POST, capacity_items=100, max_interval_days=7)}
#: Twenty days of a steady post: 18..22 items each morning.
STEADY = (20, 22, 18, 21, 19, 20, 22, 18, 21, 19, 20, 22, 18, 21, 19, 20, 22, 18, 21, 19)


def series(counts: tuple[int, ...] | list[int], *, post_id: str = POST,
           first: dt.date = dt.date(2023, 6, 1), every_days: int = 1) -> list[CollectionRecord]:
    """One collection every ``every_days`` days at 09:00 Tokyo, ids 1, 2, ..."""
    return [CollectionRecord(post_id, dt.datetime.combine(
        first + dt.timedelta(days=k * every_days), dt.time(9), tzinfo=TOKYO), items,
        collection_id=k + 1) for k, items in enumerate(counts)]


def test_a_steady_series_raises_nothing() -> None:
    assert flag_collections(series(STEADY), RULES) == []
    assert flag_collections(series(STEADY, every_days=7), RULES) == []  # 7 days: allowed


def test_ten_times_the_usual_is_a_likely_typo_and_not_also_an_overflow() -> None:
    counts = list(STEADY)
    counts[9] = 200  # 20 keyed in as 200
    flags = flag_collections(series(counts), RULES)
    assert [(f.kind, f.collection_id, f.items) for f in flags] == [
        (FlagKind.LIKELY_TYPO, 10, 200)]
    assert "10.0x the usual 20" in flags[0].detail and "入力誤り" in flags[0].detail
    assert flags[0].collected_at == dt.datetime(2023, 6, 10, 9, tzinfo=TOKYO)


def test_four_times_the_usual_is_a_possible_overflow() -> None:
    counts = list(STEADY)
    counts[4] = 80  # under the capacity of 100, but 4x the usual 20
    flags = flag_collections(series(counts), RULES)
    assert [(f.kind, f.collection_id) for f in flags] == [(FlagKind.POSSIBLE_OVERFLOW, 5)]
    assert "4.0x the usual 20" in flags[0].detail and "あふれた" in flags[0].detail


def test_more_than_the_capacity_is_a_possible_overflow() -> None:
    counts = [90, 95, 88, 92, 120, 91, 89]  # usual about 90: 120 is only 1.3x, but > 100
    flags = flag_collections(series(counts), RULES)
    assert [(f.kind, f.items) for f in flags] == [(FlagKind.POSSIBLE_OVERFLOW, 120)]
    assert "capacity of 100" in flags[0].detail and "容量100冊" in flags[0].detail


def test_a_nine_day_gap_is_overdue_with_at_most_seven() -> None:
    records = series(STEADY[:5])
    later = series(STEADY[:3], first=dt.date(2023, 6, 5 + 9))  # 9 days after 5 June
    flags = flag_collections(records + later, RULES)
    assert [(f.kind, f.collected_at.date()) for f in flags] == [
        (FlagKind.OVERDUE, dt.date(2023, 6, 14))]
    assert "9 days since the previous collection on 2023-06-05 (max 7)" in flags[0].detail
    assert "9日" in flags[0].detail


def test_gaps_are_counted_between_tokyo_dates() -> None:
    # 23:30 on 1 June to 00:30 on 9 June (Tokyo): 7 days and 1 hour, but 8 dates apart.
    records = [
        CollectionRecord(POST, dt.datetime(2023, 6, 1, 14, 30, tzinfo=dt.UTC), 20),
        CollectionRecord(POST, dt.datetime(2023, 6, 8, 15, 30, tzinfo=dt.UTC), 20),
    ]
    flags = flag_collections(records, RULES)
    assert [f.kind for f in flags] == [FlagKind.OVERDUE] and "8 days" in flags[0].detail


def test_the_usual_leaves_the_collection_out_and_needs_enough_others() -> None:
    # With only two other collections there is no usual: 200 is judged by capacity alone.
    flags = flag_collections(series([20, 20, 200]), RULES)
    assert [f.kind for f in flags] == [FlagKind.POSSIBLE_OVERFLOW]
    assert flag_collections(series([20, 20, 20, 200]), RULES)[0].kind is FlagKind.LIKELY_TYPO
    for seed in range(50):
        rng = random.Random(seed)
        values = sorted(rng.randint(0, 60) for _ in range(rng.randint(2, 12)))
        for value in values:
            others = list(values)
            others.remove(value)
            assert _leave_one_out_median(values, value) == statistics.median(others)


def test_thresholds_are_parameters() -> None:
    counts = list(STEADY)
    counts[9] = 100  # 5x the usual
    assert [f.kind for f in flag_collections(series(counts), RULES)] == [
        FlagKind.POSSIBLE_OVERFLOW]
    assert [f.kind for f in flag_collections(series(counts), RULES, typo_ratio=5.0)] == [
        FlagKind.LIKELY_TYPO]
    assert flag_collections(series(counts), RULES, overflow_ratio=6.0) == []


def test_since_flags_only_later_collections_but_reads_the_earlier_ones() -> None:
    counts = list(STEADY)
    counts[2] = 200
    records = series(counts) + series([20], first=dt.date(2023, 7, 1))
    since = dt.datetime(2023, 6, 10, tzinfo=TOKYO)
    flags = flag_collections(records, RULES, since=since)
    # The typo of 3 June is before `since`; the gap of 1 July counts from 20 June.
    assert [(f.kind, f.collected_at.date()) for f in flags] == [
        (FlagKind.OVERDUE, dt.date(2023, 7, 1))]


def test_a_post_without_rules_gets_the_defaults() -> None:
    flags = flag_collections(series([50, 60, 101, 55], post_id="post-x"), {})
    assert [(f.post_id, f.kind, f.items) for f in flags] == [
        ("post-x", FlagKind.POSSIBLE_OVERFLOW, 101)]


def test_fy2023_bundled_history_has_no_likely_typo() -> None:
    """With the default rules (100 items, 7 days) for every post, FY2023 raises:

    - possible_overflow: the 26 August collections of サンリブ (2,639 items in 26
      collections: 101 or 102 each, over a box of 100), and nothing else;
    - overdue: every collection of the three community-centre posts after their first
      (13 + 5 + 4 collections a year, weeks apart: 12 + 4 + 3 = 19), and nothing else.

    (The scenario's own rules may differ: see sites.csv, post_capacity_items.)
    """
    records = bundled_history(load_network("munakata"))
    rules = {post_id: PostRules(post_id) for post_id in {r.post_id for r in records}}
    flags = flag_collections(records, rules)
    kinds = Counter(f.kind for f in flags)
    assert kinds[FlagKind.LIKELY_TYPO] == 0
    overflows = [f for f in flags if f.kind is FlagKind.POSSIBLE_OVERFLOW]
    assert {f.post_id for f in overflows} == {"munakata-sunlive"}
    assert {(f.collected_at.year, f.collected_at.month) for f in overflows} == {(2023, 8)}
    assert len(overflows) == 26 and all(f.items in (101, 102) for f in overflows)
    overdue = Counter(f.post_id for f in flags if f.kind is FlagKind.OVERDUE)
    assert overdue == {"munakata-yoshitake-cc": 12, "munakata-ikeno-cc": 4,
                       "munakata-misaki-cc": 3}
