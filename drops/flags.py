"""Collections that deserve a second look: a count that is probably a typo, a post that may
have overflowed, a post left too long without being emptied.

Each post is judged against its own history. Its *usual* count is the median of its other
collections (the one judged is left out, so a typo does not raise its own yardstick). A
post needs at least ``min_others`` other collections to have a usual; a usual of 0 says
nothing about ratios, so such a post is judged by its capacity and its gaps only.

Kinds, with the default thresholds:

- ``likely_typo``: items >= 10 x the usual (a 40 keyed in as 400). It replaces
  ``possible_overflow`` for the same collection: a count that far out is more likely
  mistyped than real.
- ``possible_overflow``: items above the post's capacity, or above 3 x the usual.
- ``overdue``: more days between a collection and the post's previous one than its
  ``max_interval_days`` (days counted between dates in Asia/Tokyo). The flag is on the
  collection that ended the gap.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from drops.records import TOKYO, CollectionRecord, PostRules

#: Flags of a fiscal year judge each collection against the post's collections of this many
#: days before the year too (its usual count, and the previous collection of a gap at the
#: start); the service and the command line read that much.
FLAG_HISTORY_DAYS = 365


class FlagKind(StrEnum):
    POSSIBLE_OVERFLOW = "possible_overflow"
    LIKELY_TYPO = "likely_typo"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class Flag:
    """One collection to check: what looks wrong, said in ``detail`` (Japanese / English)."""

    post_id: str
    collection_id: int | None
    collected_at: dt.datetime
    kind: FlagKind
    detail: str
    items: int = 0


def _leave_one_out_median(ordered: Sequence[int], value: int) -> float:
    """The median of ``ordered`` (sorted) without one copy of ``value`` (in it)."""
    removed = bisect.bisect_left(ordered, value)
    size = len(ordered) - 1

    def at(rank: int) -> int:
        return ordered[rank] if rank < removed else ordered[rank + 1]

    if size % 2:
        return float(at(size // 2))
    return (at(size // 2 - 1) + at(size // 2)) / 2


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def flag_collections(
    records: Iterable[CollectionRecord],
    rules: Mapping[str, PostRules],
    *,
    overflow_ratio: float = 3.0,
    typo_ratio: float = 10.0,
    min_others: int = 3,
    since: dt.datetime | None = None,
) -> list[Flag]:
    """Flag the collections that look wrong.

    Parameters
    ----------
    records
        Collections of any posts, in any order.
    rules
        Per post: ``capacity_items`` and ``max_interval_days``; a post without rules gets
        `PostRules` defaults (100 items, 7 days).
    overflow_ratio
        ``possible_overflow`` above this many times the usual.
    typo_ratio
        ``likely_typo`` at or above this many times the usual.
    min_others
        The usual needs at least this many other collections of the post.
    since
        When given, only collections at or after it are flagged; the earlier ones still
        count for the usual and as the previous collection of an ``overdue`` gap.

    Returns
    -------
    list[Flag]
        By time, then post, then kind.
    """
    by_post: dict[str, list[CollectionRecord]] = {}
    for record in records:
        by_post.setdefault(record.post_id, []).append(record)
    flags: list[Flag] = []
    for post_id, post_records in by_post.items():
        post_rules = rules.get(post_id) or PostRules(post_id)
        post_records.sort(key=lambda r: (r.collected_at, r.collection_id or 0))
        ordered = sorted(r.items for r in post_records)
        previous: CollectionRecord | None = None
        for record in post_records:
            if since is None or record.collected_at >= since:
                flags += _count_flags(record, post_rules, ordered, overflow_ratio,
                                      typo_ratio, min_others)
                if previous is not None:
                    flags += _gap_flags(record, previous, post_rules)
            previous = record
    return sorted(flags, key=lambda f: (f.collected_at, f.post_id, f.kind.value))


def _flag(record: CollectionRecord, kind: FlagKind, detail: str) -> Flag:
    return Flag(record.post_id, record.collection_id, record.collected_at, kind, detail,
                record.items)


def _count_flags(record: CollectionRecord, rules: PostRules, ordered: Sequence[int],
                 overflow_ratio: float, typo_ratio: float, min_others: int) -> list[Flag]:
    usual = (_leave_one_out_median(ordered, record.items)
             if len(ordered) - 1 >= min_others else None)
    items = record.items
    if usual is not None and usual > 0:
        ratio = items / usual
        if ratio >= typo_ratio:
            return [_flag(record, FlagKind.LIKELY_TYPO,
                          f"{items}冊は通常({_number(usual)}冊)の{ratio:.1f}倍: 入力誤りの"
                          f"可能性 / {items} items is {ratio:.1f}x the usual "
                          f"{_number(usual)} (median of the post's other collections): "
                          f"likely a typo")]
    if items > rules.capacity_items:
        return [_flag(record, FlagKind.POSSIBLE_OVERFLOW,
                      f"{items}冊は容量{rules.capacity_items}冊を超過: あふれた可能性 / "
                      f"{items} items exceed the post's capacity of {rules.capacity_items}: "
                      f"it may have overflowed")]
    if usual is not None and usual > 0 and items > overflow_ratio * usual:
        ratio = items / usual
        return [_flag(record, FlagKind.POSSIBLE_OVERFLOW,
                      f"{items}冊は通常({_number(usual)}冊)の{ratio:.1f}倍: あふれた可能性 / "
                      f"{items} items is {ratio:.1f}x the usual {_number(usual)}: the post "
                      f"may have overflowed")]
    return []


def _gap_flags(record: CollectionRecord, previous: CollectionRecord,
               rules: PostRules) -> list[Flag]:
    before = previous.collected_at.astimezone(TOKYO).date()
    gap_days = (record.collected_at.astimezone(TOKYO).date() - before).days
    if gap_days <= rules.max_interval_days:
        return []
    return [_flag(record, FlagKind.OVERDUE,
                  f"前回({before.isoformat()})から{gap_days}日 (上限{rules.max_interval_days}"
                  f"日) / {gap_days} days since the previous collection on "
                  f"{before.isoformat()} (max {rules.max_interval_days})")]
