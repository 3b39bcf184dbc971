"""What the renderers share: clock formats, action and reason labels, loads moved at a
visit, route colours, and the sites shown as "not visited".

Times are seconds from midnight of the document's date in Japan time (UTC+09:00, no
daylight saving, so a fixed offset is exact and needs no tz database).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from maps.document import PlanDocument
from routing.problem import Problem
from routing.result import ActionKind, Plan, Route, UnassignedReason, Visit

#: Japan Standard Time.
JST = dt.timezone(dt.timedelta(hours=9), "JST")

#: Route colours in plan order (colour-blind-friendly, dark enough for white numbers).
ROUTE_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
                 "#e377c2", "#17becf", "#bcbd22", "#393b79")
#: Colour of not-visited sites and unassigned tasks.
GREY = "#8c8c8c"
#: Colour of the hub.
HUB_COLOUR = "#222222"

#: Japanese label, English label of each action (one vocabulary for map and sheet).
ACTION_LABELS: Mapping[ActionKind, tuple[str, str]] = {
    ActionKind.LOAD: ("積込", "load"),
    ActionKind.PICKUP: ("集荷", "pickup"),
    ActionKind.DELIVERY: ("配達", "delivery"),
    ActionKind.VISIT: ("訪問", "visit"),
    ActionKind.UNLOAD: ("荷降ろし", "unload"),
}
#: Actions that put goods into the van; DELIVERY and UNLOAD take them out.
LOADING_ACTIONS = frozenset({ActionKind.LOAD, ActionKind.PICKUP})
UNLOADING_ACTIONS = frozenset({ActionKind.DELIVERY, ActionKind.UNLOAD})

#: Japanese counter and English name of the usual capacity dimensions.
DIMENSION_LABELS: Mapping[str, tuple[str, str]] = {
    "crates": ("箱", "crates"),
    "items": ("冊", "items"),
}

REASON_LABELS_JA: Mapping[UnassignedReason, str] = {
    UnassignedReason.NO_VEHICLE_IN_TIME: "時間内に行ける車両なし",
    UnassignedReason.EXCEEDS_CAPACITY: "車両の積載量を超える",
    UnassignedReason.NOT_WORTH_DETOUR: "寄り道に見合わない（任意）",
    UnassignedReason.NO_ROOM_IN_PLAN: "計画に入りきらない",
    UnassignedReason.UNREACHABLE: "到達できない",
}

WEEKDAYS_JA = ("月", "火", "水", "木", "金", "土", "日")


def hhmm(time_s: int) -> str:
    """``37_530`` -> ``"10:25"`` (seconds dropped, not rounded; 24:00 and later past
    midnight)."""
    minutes = int(time_s) // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def whole_minutes(duration_s: int) -> int:
    """Seconds to minutes, rounded half up: ``89`` -> ``1``, ``90`` -> ``2``."""
    return (int(duration_s) + 30) // 60


def iso_local(date: dt.date, time_s: int) -> str:
    """ISO-8601 local time with offset: ``"2023-11-15T10:05:00+09:00"``."""
    moment = dt.datetime.combine(date, dt.time(), tzinfo=JST) + dt.timedelta(seconds=int(time_s))
    return moment.isoformat()


def date_ja(date: dt.date) -> str:
    """``2023-11-15`` -> ``"2023年11月15日(水)"``."""
    return f"{date.year}年{date.month}月{date.day}日({WEEKDAYS_JA[date.weekday()]})"


def dimension_label(dim: str) -> str:
    """``"crates"`` -> ``"箱 crates"``; an unknown dimension is shown by its name."""
    ja, en = DIMENSION_LABELS.get(dim, ("", dim))
    return f"{ja} {en}".strip()


def amount_text(amount: Mapping[str, int], dims: tuple[str, ...]) -> str:
    """``{"crates": 2, "items": 61}`` -> ``"2 箱 crates · 61 冊 items"`` (zeros left out)."""
    parts = [f"{amount[d]} {dimension_label(d)}" for d in dims if amount.get(d, 0)]
    return " · ".join(parts)


def moved_at(problem: Problem, visit: Visit) -> tuple[dict[str, int], dict[str, int]]:
    """What goes into the van (``on``) and out of it (``off``) at a visit, per dimension
    of the problem."""
    on = dict.fromkeys(problem.capacity_dimensions, 0)
    off = dict.fromkeys(problem.capacity_dimensions, 0)
    for action in visit.actions:
        target = on if action.kind in LOADING_ACTIONS else (
            off if action.kind in UNLOADING_ACTIONS else None)
        if target is None:
            continue
        for dim, value in problem.task(action.task_id).amount.items():
            target[dim] = target.get(dim, 0) + value
    return on, off


def task_text(problem: Problem, task_id: str) -> str:
    """The task's note, or its id when it has none."""
    return problem.task(task_id).note or task_id


def labelled_task_text(doc: PlanDocument, task_id: str) -> str:
    """The task's note, then the marks of its label (`TaskLabel.marks`) with their meaning,
    each in brackets: ``… 〔推計 estimate: FY2023 annual figures〕``."""
    label = doc.task_labels.get(task_id)
    marks = "".join(f" 〔{mark_text(doc, mark)}〕" for mark in label.marks) if label else ""
    return task_text(doc.problem, task_id) + marks


def mark_text(doc: PlanDocument, mark: str) -> str:
    """A mark with what it means, where there is room to say it:
    ``推計 estimate: FY2023 annual figures``."""
    meaning = doc.mark_meanings.get(mark)
    return f"{mark} {meaning}" if meaning else mark


def used_routes(plan: Plan) -> tuple[Route, ...]:
    """Routes with at least one stop, in plan order (a plan normally has no others)."""
    return tuple(r for r in plan.routes if r.stops)


def route_colour(index: int) -> str:
    return ROUTE_COLOURS[index % len(ROUTE_COLOURS)]


def reason_text(reason: UnassignedReason, detail: str) -> str:
    """``"寄り道に見合わない（任意） (not_worth_detour): 4.2 km for penalty 15"``."""
    text = f"{REASON_LABELS_JA.get(reason, '')} ({reason.value})".strip()
    return f"{text}: {detail}" if detail else text


@dataclass(frozen=True)
class GreySite:
    """A site drawn grey: not visited at all, or where an unassigned task waits.

    ``reasons`` are human sentences (not-visited reasons first, then one per unassigned
    task); ``unassigned_task_ids`` the unassigned tasks at the site.
    """

    site_id: str
    reasons: tuple[str, ...]
    unassigned_task_ids: tuple[str, ...] = ()


def grey_sites(doc: PlanDocument) -> tuple[GreySite, ...]:
    """Every `doc.not_visited` site, then the site(s) of every unassigned task, one entry
    per site in first-seen order."""
    reasons: dict[str, list[str]] = {}
    tasks: dict[str, list[str]] = {}
    for item in doc.not_visited:
        reasons.setdefault(item.site_id, []).append(item.reason)
        tasks.setdefault(item.site_id, [])
    for unassigned in doc.plan.unassigned:
        task = doc.problem.task(unassigned.task_id)
        sentence = (f"未割当 unassigned: {labelled_task_text(doc, task.task_id)} — "
                    f"{reason_text(unassigned.reason, unassigned.detail)}")
        for site_id in dict.fromkeys(task.site_ids):
            reasons.setdefault(site_id, []).append(sentence)
            tasks.setdefault(site_id, []).append(task.task_id)
    return tuple(GreySite(site_id, tuple(reasons[site_id]), tuple(tasks[site_id]))
                 for site_id in reasons)
