"""A planned day as files and text: the route map, the sheet, the plan and problem JSON,
the GeoJSON and the stops CSV (`write_outputs`), and the terminal summary
(`summary_table`). The renderers are `maps`'; this module only feeds them a `DayPlan`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from api.services.planning import DayPlan
from maps import (
    NotVisited,
    PlanDocument,
    SiteLabel,
    StopDone,
    TaskLabel,
    plan_geojson,
    render_map,
    render_sheet,
)
from maps import stops_csv as render_stops_csv
from routing.documents import plan_to_json, problem_to_dict
from scenarios.calendar import WEEKDAY_JA
from scenarios.day import request_task_id, task_purpose

#: The word that marks an estimated task on the sheet, the map and in the notes.
ESTIMATE_MARK = "推計"

#: The files `write_outputs` writes, in the order the command line lists them.
OUTPUT_FILES = ("map.html", "sheet.html", "plan.json", "plan.geojson", "stops.csv",
                "problem.json")


def plan_document(day_plan: DayPlan, stops_done: Sequence[StopDone] = ()) -> PlanDocument:
    """Everything the renderers need: site labels, what each task carries, not-visited
    sites, notes, and the stops marked done so far."""
    network = day_plan.network
    labels = {
        s.site_id: SiteLabel(s.site_id, name_ja=s.name_ja, lat=s.lat, lon=s.lon,
                             name_en=s.name_en, address_ja=s.address_ja, kind=s.kind.value,
                             accuracy_m=s.accuracy_m, short_name=s.short_name)
        for s in network.sites
    }
    notes = list(day_plan.notes.notes)
    if day_plan.notes.deferred:
        notes.append(f"持ち越し deferred: {len(day_plan.notes.deferred)} requests wait for "
                     f"another day (closed sites)")
    notes.extend(estimate_lines(day_plan))
    title = f"{network.name_ja} {network.name_en}".strip()
    estimates = day_plan.notes.estimates
    task_labels = {}
    for task in day_plan.problem.tasks:
        words = task_purpose(task.task_id)
        marks = (ESTIMATE_MARK,) if task.task_id in estimates else ()
        # What people recorded (a consignment, a school request) is named to the driver.
        reference = task.note if task.task_id.startswith(request_task_id("")) else ""
        if words is not None or marks or reference:
            purpose_ja, purpose_en = words or (task.kind.value, task.kind.value)
            task_labels[task.task_id] = TaskLabel(purpose_ja, purpose_en, marks, reference)
    return PlanDocument(
        title=title,
        date=day_plan.day,
        problem=day_plan.problem,
        plan=day_plan.plan,
        sites=labels,
        hub_site_id=network.hub_site_id,
        not_visited=tuple(NotVisited(site_id, reason)
                          for site_id, reason in day_plan.notes.not_visited.items()),
        notes=tuple(notes),
        task_labels=task_labels,
        stops_done=tuple(stops_done),
        warnings=tuple(day_plan.notes.warnings),
        mark_meanings={ESTIMATE_MARK: " / ".join(sorted(set(estimates.values())))}
        if estimates else {},
    )


def estimate_lines(day_plan: DayPlan) -> list[str]:
    """How many of the day's tasks are estimates, by what they were estimated from
    (``推計 estimate: FY2023 annual figures: 62 of 65 tasks``); none when nothing is."""
    counts: dict[str, int] = {}
    for label in day_plan.notes.estimates.values():
        counts[label] = counts.get(label, 0) + 1
    total = len(day_plan.problem.tasks)
    return [f"{ESTIMATE_MARK} {label}: {count} of {total} tasks"
            for label, count in sorted(counts.items())]


def write_outputs(day_plan: DayPlan, out_dir: Path) -> dict[str, Path]:
    """Write the map, the route sheet, the plan and problem JSON, the GeoJSON and the stops
    CSV into ``out_dir`` (created if needed); returns file name -> path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    document = plan_document(day_plan)
    problem_doc = problem_to_dict(day_plan.problem)
    contents = {
        "map.html": render_map(document),
        "sheet.html": render_sheet(document),
        "plan.json": plan_to_json(day_plan.plan),
        "plan.geojson": json.dumps(plan_geojson(document), ensure_ascii=False, indent=1) + "\n",
        "stops.csv": render_stops_csv(document),
        "problem.json": json.dumps(problem_doc, ensure_ascii=False, indent=1) + "\n",
    }
    written: dict[str, Path] = {}
    for name in OUTPUT_FILES:
        path = out_dir / name
        path.write_text(contents[name], encoding="utf-8")
        written[name] = path
    return written


def summary_table(day_plan: DayPlan) -> str:
    """The terminal report: the day's warnings, one line per van (stops, km, driving and
    working hours, crates at the peak), how many tasks are estimates and from what, then
    every unassigned task with its reason, deferred requests and notes."""
    plan, problem = day_plan.plan, day_plan.problem
    notes = day_plan.notes
    lines = [*notes.warnings,
        f"{day_plan.network.name_ja} ({day_plan.network.scenario_id}) "
        f"{day_plan.day.isoformat()} ({WEEKDAY_JA[day_plan.day.weekday()]}), mode "
        f"{notes.mode.value}; hub {'open' if notes.hub_open else 'CLOSED'}; school run "
        f"{'yes' if notes.school_run else 'no'}; {len(problem.tasks)} tasks at "
        f"{len(problem.sites) - 1} stops",
        f"{'vehicle':<10}{'stops':>6}{'km':>8}{'driving h':>11}{'working h':>11}"
        f"{'peak crates':>13}{'peak items':>12}",
    ]
    for route in plan.routes:
        if not route.stops:
            continue
        peak = route.peak_load()
        lines.append(f"{route.vehicle_id:<10}{len(route.stops):>6}"
                     f"{route.distance_m / 1000:>8.1f}{route.driving_s / 3600:>11.2f}"
                     f"{route.duration_s / 3600:>11.2f}{peak.get('crates', 0):>13}"
                     f"{peak.get('items', 0):>12}")
    lines.append(f"total: {plan.vehicles_used} vans, {plan.distance_m / 1000:.1f} km, "
                 f"status {plan.status.value}, solved in {day_plan.solve_s:.1f} s, verify: "
                 + ("feasible" if not day_plan.violations
                    else f"{len(day_plan.violations)} violations"))
    lines.extend(estimate_lines(day_plan))
    for item in plan.unassigned:
        task = problem.task(item.task_id)
        kind = "required" if task.required else "optional"
        label = notes.estimates.get(item.task_id)
        lines.append(f"unassigned {item.task_id} ({kind}"
                     + (f", {label}" if label else "") + f"): {item.reason.value}"
                     + (f" — {item.detail}" if item.detail else ""))
    grouped: dict[tuple[str, str], list[int]] = {}
    for deferred in notes.deferred:
        grouped.setdefault((deferred.site_id, deferred.reason), []).append(deferred.items)
    for (site_id, reason), items in sorted(grouped.items()):
        name = day_plan.network.site(site_id).name_ja
        lines.append(f"deferred {name} ({site_id}): {len(items)} requests, {sum(items)} items "
                     f"wait — {reason}")
    lines.extend(f"note: {note}" for note in notes.notes)
    return "\n".join(lines)
