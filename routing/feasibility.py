"""Can a task be served at all? Quick checks of one task alone on each vehicle.

Used by the solver to report a clear reason for a task no plan can hold (too big for
every van, or out of every van's reach in time), before the search starts.
"""

from __future__ import annotations

from collections.abc import Sequence

from routing.problem import Problem, Task, TaskKind, TimeWindow, Vehicle
from routing.result import UnassignedReason


def earliest_service_start(windows: Sequence[TimeWindow], arrival_s: int) -> int | None:
    """The earliest service start at or after ``arrival_s`` inside ``windows`` (sorted;
    none means always open), or None when every window has closed."""
    if not windows:
        return arrival_s
    for window in windows:
        if arrival_s <= window.end_s:
            return max(arrival_s, window.start_s)
    return None


def lone_route_end_s(problem: Problem, vehicle: Vehicle, task: Task) -> int | None:
    """When ``vehicle`` would be back if it served only ``task``; None if it cannot."""
    matrix = problem.matrix
    start_site = problem.site(vehicle.start_site_id)
    time_s = vehicle.shift_start_s + start_site.service_s
    here = vehicle.start_site_id
    for site_id in task.site_ids:
        site = problem.site(site_id)
        arrival_s = time_s + matrix.duration(here, site_id)
        service_start_s = earliest_service_start(site.time_windows, arrival_s)
        if service_start_s is None:
            return None
        time_s = service_start_s + task.service_s + site.service_s
        here = site_id
    end_s = time_s + matrix.duration(here, vehicle.end_site_id)
    if end_s > vehicle.shift_end_s:
        return None
    return end_s


def _fits(vehicle: Vehicle, task: Task) -> bool:
    return all(value <= vehicle.capacity.get(dim, 0) for dim, value in task.amount.items())


def lone_task_reason(problem: Problem, task: Task) -> tuple[UnassignedReason, str] | None:
    """Why no vehicle can serve ``task`` even alone, or None when one can.

    The lunch break is not taken into account here (it can usually be placed in the
    waiting time); the solver itself enforces it.
    """
    if not problem.vehicles:
        return UnassignedReason.NO_VEHICLE_IN_TIME, "the problem has no vehicle"
    roomy = [v for v in problem.vehicles if _fits(v, task)]
    if not roomy:
        largest = {dim: max(v.capacity.get(dim, 0) for v in problem.vehicles)
                   for dim in task.amount}
        return (UnassignedReason.EXCEEDS_CAPACITY,
                f"needs {dict(task.amount)}, the largest van holds {largest}")
    for vehicle in roomy:
        end_s = lone_route_end_s(problem, vehicle, task)
        if end_s is None:
            continue
        working_s = end_s - vehicle.shift_start_s
        if vehicle.max_working_s is None or working_s <= vehicle.max_working_s or \
                _shortest_span(problem, vehicle, task) <= vehicle.max_working_s:
            return None
    sites = ", ".join(f"'{s}'" for s in task.site_ids)
    kind = "shipment" if task.kind is TaskKind.SHIPMENT else task.kind.value
    return (UnassignedReason.NO_VEHICLE_IN_TIME,
            f"no van can reach {sites} for this {kind} inside the opening hours and be back "
            "before the end of its shift")


def _shortest_span(problem: Problem, vehicle: Vehicle, task: Task) -> int:
    """Route duration if the van leaves just in time (driving and service only)."""
    matrix = problem.matrix
    here = vehicle.start_site_id
    span = problem.site(here).service_s
    for site_id in task.site_ids:
        span += matrix.duration(here, site_id) + task.service_s + problem.site(site_id).service_s
        here = site_id
    return span + matrix.duration(here, vehicle.end_site_id)
