"""Check any plan against its problem by the rules of docs/semantics.md, apart from the solver.

`verify` recomputes every travel time, service time, load, distance and cost from the
problem (never trusting the plan's own numbers) and lists every rule the plan breaks as
a `Violation`. A plan may come from another tool: anything it names that the problem
does not know is reported, never raised. See `CODES` for the violation codes.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from routing.problem import Problem, Site, Task, TaskKind, Vehicle
from routing.result import ActionKind, Plan, PlanStatus, Route, RouteBreak, Visit, VisitKind

#: Every violation code, with what it means.
CODES: Mapping[str, str] = {
    "unknown_vehicle": "a route's vehicle is not in the problem",
    "vehicle_twice": "a vehicle has more than one route",
    "wrong_start": "the first visit is not a 'start' visit at the vehicle's start site, "
                   "or its arrival_s differs from start_s",
    "wrong_end": "the last visit is not an 'end' visit at the vehicle's end site, or its "
                 "arrival_s, start_s and departure_s differ",
    "unknown_site": "a visit is at a site that is not in the problem",
    "unknown_task": "an action or an unassigned entry names a task that is not in the problem",
    "wrong_site": "an action is done at a site that is not the task's",
    "wrong_action": "an action kind does not fit the task kind or the visit, or a task "
                    "misses one of its actions",
    "capacity": "the load is above the vehicle's capacity in a dimension",
    "negative_load": "the load is below zero in a dimension",
    "load_mismatch": "a visit's load_after differs from the load recomputed from its actions",
    "time_window": "a stop's service starts outside every time window of its site",
    "travel_time": "a van arrives before the previous departure plus the travel time "
                   "(plus the break when taken on that leg)",
    "time_order": "service starts before the van arrives",
    "service_time": "a van leaves before the service needed there is done",
    "waiting_mismatch": "a visit's waiting_s differs from start_s - arrival_s",
    "shift": "work starts before the shift starts or ends after the shift ends",
    "max_working": "the route's working time is above the vehicle's max_working_s",
    "break": "the lunch break is missing, outside its window, too short, outside the "
             "shift, overlapping a service, or not fitting a leg",
    "precedence": "a shipment is delivered before it is picked up",
    "same_vehicle": "a task's actions are spread over several routes",
    "served_twice": "a task's action is done more than once",
    "unassigned_twice": "a task is listed more than once as unassigned",
    "lost": "a task is neither served nor unassigned",
    "served_and_unassigned": "a task is both served and listed as unassigned",
    "empty_route": "a route has no stop",
    "distance_mismatch": "a route's distance_m differs from the matrix along its visits",
    "total_mismatch": "a route's duration_s, driving_s or waiting_s differs from its visits",
    "cost_mismatch": "a route's or the plan's cost differs from the recomputed cost",
    "status_mismatch": "the plan's status does not fit its unassigned required tasks",
}

#: Cost comparison tolerance: ``|reported - expected| <= REL * |expected| + ABS``.
COST_REL_TOLERANCE = 1e-6
COST_ABS_TOLERANCE = 1e-6

#: The actions each task kind needs, with the visit kind each must be done at.
_NEEDED: Mapping[TaskKind, Mapping[ActionKind, VisitKind]] = {
    TaskKind.DELIVERY: {ActionKind.LOAD: VisitKind.START, ActionKind.DELIVERY: VisitKind.STOP},
    TaskKind.PICKUP: {ActionKind.PICKUP: VisitKind.STOP, ActionKind.UNLOAD: VisitKind.END},
    TaskKind.SHIPMENT: {ActionKind.PICKUP: VisitKind.STOP, ActionKind.DELIVERY: VisitKind.STOP},
    TaskKind.VISIT: {ActionKind.VISIT: VisitKind.STOP},
}
_ADDS = (ActionKind.LOAD, ActionKind.PICKUP)
_REMOVES = (ActionKind.DELIVERY, ActionKind.UNLOAD)
_SERVICE_ACTIONS = (ActionKind.PICKUP, ActionKind.DELIVERY, ActionKind.VISIT)


@dataclass(frozen=True)
class Violation:
    """One broken rule: a code from `CODES`, a message naming ids and numbers, and the ids."""

    code: str
    message: str
    vehicle_id: str = ""
    task_id: str = ""
    site_id: str = ""


def verify(problem: Problem, plan: Plan) -> list[Violation]:
    """Every rule of docs/semantics.md that ``plan`` breaks for ``problem``.

    Parameters
    ----------
    problem
        The problem the plan claims to solve; its matrix gives travel times and distances.
    plan
        Any plan, from our solver or another tool.

    Returns
    -------
    list[Violation]
        Empty when the plan is feasible and its reported numbers are right; otherwise
        every violation found, in route order, then per task, then plan-wide.
    """
    return _Checker(problem, plan).run()


def is_feasible(problem: Problem, plan: Plan) -> bool:
    """Whether `verify` finds nothing wrong with ``plan``."""
    return not verify(problem, plan)


def format_violations(violations: list[Violation]) -> str:
    """One line per violation, ``code: message``; ``"no violations"`` when there are none."""
    if not violations:
        return "no violations"
    return "\n".join(f"{v.code}: {v.message}" for v in violations)


def _clock(time_s: int) -> str:
    """``36000 s (10:00)``: seconds with the time of day (hh:mm, or hh:mm:ss)."""
    hours, rest = divmod(int(time_s), 3600)
    minutes, seconds = divmod(rest, 60)
    text = f"{hours:02d}:{minutes:02d}" + (f":{seconds:02d}" if seconds else "")
    return f"{time_s} s ({text})"


def _cost_differs(reported: float, expected: float) -> bool:
    return abs(reported - expected) > COST_REL_TOLERANCE * abs(expected) + COST_ABS_TOLERANCE


@dataclass(frozen=True)
class _Occurrence:
    """Where one action of a task was done."""

    route_index: int
    vehicle_id: str
    visit_index: int
    action_index: int
    site_id: str
    kind: ActionKind


class _Checker:
    def __init__(self, problem: Problem, plan: Plan) -> None:
        self.problem = problem
        self.plan = plan
        self.sites: dict[str, Site] = {s.site_id: s for s in problem.sites}
        self.vehicles: dict[str, Vehicle] = {v.vehicle_id: v for v in problem.vehicles}
        self.tasks: dict[str, Task] = {t.task_id: t for t in problem.tasks}
        self.dims = problem.capacity_dimensions
        self.out: list[Violation] = []
        self.occurrences: dict[str, list[_Occurrence]] = {}
        self.route_costs: list[float | None] = []

    def add(self, code: str, message: str, *, vehicle_id: str = "", task_id: str = "",
            site_id: str = "") -> None:
        self.out.append(Violation(code, message, vehicle_id, task_id, site_id))

    def run(self) -> list[Violation]:
        seen: set[str] = set()
        for index, route in enumerate(self.plan.routes):
            vid = route.vehicle_id
            if vid in seen:
                self.add("vehicle_twice", f"vehicle '{vid}' has more than one route "
                         f"(again as route {index})", vehicle_id=vid)
            seen.add(vid)
            self.check_route(index, route)
        self.check_tasks()
        self.check_cost()
        self.check_status()
        return self.out

    # ----------------------------------------------------------------- one route

    def check_route(self, route_index: int, route: Route) -> None:
        vid = route.vehicle_id
        vehicle = self.vehicles.get(vid)
        if vehicle is None:
            self.add("unknown_vehicle", f"route {route_index}: vehicle '{vid}' is not in the "
                     f"problem (vehicles: {sorted(self.vehicles)})", vehicle_id=vid)
        visits = tuple(route.visits)
        for v_index, visit in enumerate(visits):
            if visit.site_id not in self.sites:
                self.add("unknown_site", f"vehicle '{vid}' visit {v_index}: site "
                         f"'{visit.site_id}' is not in the problem", vehicle_id=vid,
                         site_id=visit.site_id)
            self.check_actions(route_index, vid, v_index, visit)
        if not any(v.kind == VisitKind.STOP for v in visits):
            self.add("empty_route", f"vehicle '{vid}': route has no stop ({len(visits)} "
                     f"visits); a plan lists only vehicles that are used", vehicle_id=vid)
        if len(visits) < 2:
            self.route_costs.append(None)
            return
        self.check_structure(vid, vehicle, visits)
        break_leg = self.check_break(vid, vehicle, route, visits)
        distance_m = self.check_timing(vid, visits, route.lunch_break, break_leg)
        self.check_loads(vid, vehicle, visits)
        if vehicle is not None:
            start_s, end_s = visits[0].start_s, visits[-1].arrival_s
            if start_s < vehicle.shift_start_s:
                self.add("shift", f"vehicle '{vid}': work starts {_clock(start_s)}, before "
                         f"its shift starts {_clock(vehicle.shift_start_s)}", vehicle_id=vid)
            if end_s > vehicle.shift_end_s:
                self.add("shift", f"vehicle '{vid}': returns {_clock(end_s)}, after its shift "
                         f"ends {_clock(vehicle.shift_end_s)}", vehicle_id=vid)
            if vehicle.max_working_s is not None and end_s - start_s > vehicle.max_working_s:
                self.add("max_working", f"vehicle '{vid}': works {end_s - start_s} s "
                         f"({_clock(start_s)} to {_clock(end_s)}), above its max_working_s "
                         f"{vehicle.max_working_s}", vehicle_id=vid)
        self.check_totals(vid, vehicle, route, visits, distance_m)

    def check_structure(self, vid: str, vehicle: Vehicle | None,
                        visits: tuple[Visit, ...]) -> None:
        first, last = visits[0], visits[-1]
        if first.kind != VisitKind.START:
            self.add("wrong_start", f"vehicle '{vid}': first visit (site '{first.site_id}') "
                     f"is a '{first.kind}' visit, not 'start'", vehicle_id=vid,
                     site_id=first.site_id)
        if vehicle is not None and first.site_id != vehicle.start_site_id:
            self.add("wrong_start", f"vehicle '{vid}': starts at site '{first.site_id}', not "
                     f"at its start site '{vehicle.start_site_id}'", vehicle_id=vid,
                     site_id=first.site_id)
        if first.arrival_s != first.start_s:
            self.add("wrong_start", f"vehicle '{vid}' start visit at site '{first.site_id}': "
                     f"arrival_s {first.arrival_s} differs from start_s {first.start_s}",
                     vehicle_id=vid, site_id=first.site_id)
        for v_index, visit in enumerate(visits[1:-1], start=1):
            if visit.kind != VisitKind.STOP:
                code = "wrong_start" if visit.kind == VisitKind.START else "wrong_end"
                self.add(code, f"vehicle '{vid}' visit {v_index} at site '{visit.site_id}': a "
                         f"'{visit.kind}' visit inside the route (only stops belong there)",
                         vehicle_id=vid, site_id=visit.site_id)
        if last.kind != VisitKind.END:
            self.add("wrong_end", f"vehicle '{vid}': last visit (site '{last.site_id}') is a "
                     f"'{last.kind}' visit, not 'end'", vehicle_id=vid, site_id=last.site_id)
        if vehicle is not None and last.site_id != vehicle.end_site_id:
            self.add("wrong_end", f"vehicle '{vid}': ends at site '{last.site_id}', not at its "
                     f"end site '{vehicle.end_site_id}'", vehicle_id=vid, site_id=last.site_id)
        if not last.arrival_s == last.start_s == last.departure_s:
            self.add("wrong_end", f"vehicle '{vid}' end visit at site '{last.site_id}': "
                     f"arrival_s {last.arrival_s}, start_s {last.start_s} and departure_s "
                     f"{last.departure_s} must be equal", vehicle_id=vid, site_id=last.site_id)

    def check_actions(self, route_index: int, vid: str, v_index: int, visit: Visit) -> None:
        where = f"vehicle '{vid}' visit {v_index} at site '{visit.site_id}'"
        for a_index, action in enumerate(visit.actions):
            tid = action.task_id
            task = self.tasks.get(tid)
            if task is None:
                self.add("unknown_task", f"{where}: action '{action.kind}' names task '{tid}', "
                         f"which is not in the problem", vehicle_id=vid, task_id=tid,
                         site_id=visit.site_id)
                continue
            try:
                kind = ActionKind(action.kind)
            except ValueError:
                self.add("wrong_action", f"{where}: task '{tid}' has unknown action kind "
                         f"{action.kind!r}", vehicle_id=vid, task_id=tid, site_id=visit.site_id)
                continue
            self.occurrences.setdefault(tid, []).append(
                _Occurrence(route_index, vid, v_index, a_index, visit.site_id, kind))
            needed = _NEEDED[task.kind]
            if kind not in needed:
                self.add("wrong_action", f"{where}: action '{kind}' does not fit {task.kind} "
                         f"task '{tid}' (it needs {', '.join(needed)})", vehicle_id=vid,
                         task_id=tid, site_id=visit.site_id)
                continue
            if visit.kind != needed[kind]:
                self.add("wrong_action", f"{where}: action '{kind}' of task '{tid}' belongs at "
                         f"a '{needed[kind]}' visit, not a '{visit.kind}' visit",
                         vehicle_id=vid, task_id=tid, site_id=visit.site_id)
                continue
            if needed[kind] == VisitKind.STOP:
                expected = self._task_site(task, kind)
                if visit.site_id != expected:
                    self.add("wrong_site", f"{where}: action '{kind}' of task '{tid}' belongs "
                             f"at site '{expected}'", vehicle_id=vid, task_id=tid,
                             site_id=visit.site_id)

    @staticmethod
    def _task_site(task: Task, kind: ActionKind) -> str:
        if task.kind is TaskKind.SHIPMENT:
            return task.pickup_site_id if kind == ActionKind.PICKUP else task.delivery_site_id
        return task.site_id

    def service_needed_s(self, visit: Visit) -> tuple[int, int]:
        """(site service, task service) a visit needs, by docs/semantics.md."""
        site = self.sites.get(visit.site_id)
        site_s = site.service_s if site is not None else 0
        if visit.kind != VisitKind.STOP:
            return (site_s if visit.kind == VisitKind.START else 0), 0
        task_s = 0
        for action in visit.actions:
            task = self.tasks.get(action.task_id)
            if task is not None and action.kind in _SERVICE_ACTIONS:
                task_s += task.service_s
        return site_s, task_s

    def check_break(self, vid: str, vehicle: Vehicle | None, route: Route,
                    visits: tuple[Visit, ...]) -> int | None:
        """Check the break; return the index ``i`` of the leg ``i -> i + 1`` it is taken on."""
        taken = route.lunch_break
        if vehicle is None:
            return self._break_leg(taken, visits)
        rule = vehicle.lunch_break
        if taken is None:
            if rule is not None and any(v.kind == VisitKind.STOP for v in visits):
                self.add("break", f"vehicle '{vid}': no lunch break, but the vehicle needs "
                         f"{rule.duration_s} s starting between {_clock(rule.earliest_start_s)} "
                         f"and {_clock(rule.latest_start_s)}", vehicle_id=vid)
            return None
        start_s, end_s = taken.start_s, taken.start_s + taken.duration_s
        if rule is None:
            self.add("break", f"vehicle '{vid}': reports a lunch break at {_clock(start_s)}, "
                     f"but the vehicle has none", vehicle_id=vid)
        else:
            if not rule.earliest_start_s <= start_s <= rule.latest_start_s:
                self.add("break", f"vehicle '{vid}': lunch break starts {_clock(start_s)}, "
                         f"outside its window [{rule.earliest_start_s}, "
                         f"{rule.latest_start_s}]", vehicle_id=vid)
            if taken.duration_s < rule.duration_s:
                self.add("break", f"vehicle '{vid}': lunch break lasts {taken.duration_s} s, "
                         f"shorter than the required {rule.duration_s} s", vehicle_id=vid)
        if start_s < vehicle.shift_start_s or end_s > vehicle.shift_end_s:
            self.add("break", f"vehicle '{vid}': lunch break [{start_s}, {end_s}] is not "
                     f"inside the shift [{vehicle.shift_start_s}, {vehicle.shift_end_s}]",
                     vehicle_id=vid)
        overlapped = False
        for v_index, visit in enumerate(visits):
            if visit.start_s < visit.departure_s and start_s < visit.departure_s \
                    and visit.start_s < end_s:
                overlapped = True
                self.add("break", f"vehicle '{vid}': lunch break [{start_s}, {end_s}] overlaps "
                         f"the service at visit {v_index}, site '{visit.site_id}' "
                         f"[{visit.start_s}, {visit.departure_s}]", vehicle_id=vid,
                         site_id=visit.site_id)
        leg = self._break_leg(taken, visits)
        inside_route = end_s > visits[0].start_s and start_s < visits[-1].arrival_s
        if leg is None and inside_route and not overlapped:
            self.add("break", f"vehicle '{vid}': lunch break [{start_s}, {end_s}] does not lie "
                     f"within one leg (between a departure and the next service start) nor "
                     f"outside the route [{visits[0].start_s}, {visits[-1].arrival_s}]",
                     vehicle_id=vid)
        if leg is not None:
            before, after = visits[leg], visits[leg + 1]
            travel_s = self.travel(before.site_id, after.site_id)[1]
            gap_s = after.start_s - before.departure_s
            if travel_s is not None and gap_s < travel_s + taken.duration_s:
                self.add("break", f"vehicle '{vid}': lunch break of {taken.duration_s} s does "
                         f"not fit the leg from '{before.site_id}' to '{after.site_id}': "
                         f"{gap_s} s between departure {before.departure_s} and service start "
                         f"{after.start_s}, less than the {travel_s} s drive plus the break",
                         vehicle_id=vid, site_id=after.site_id)
                return None  # reported here; the leg's travel check then ignores the break
        return leg

    @staticmethod
    def _break_leg(taken: RouteBreak | None, visits: tuple[Visit, ...]) -> int | None:
        if taken is None:
            return None
        start_s, end_s = taken.start_s, taken.start_s + taken.duration_s
        for index in range(len(visits) - 1):
            if visits[index].departure_s <= start_s and end_s <= visits[index + 1].start_s:
                return index
        return None

    def travel(self, from_site: str, to_site: str) -> tuple[int | None, int | None]:
        """(distance_m, duration_s) from the matrix, or ``(None, None)`` for unknown sites."""
        if from_site not in self.sites or to_site not in self.sites:
            return None, None
        matrix = self.problem.matrix
        return matrix.distance(from_site, to_site), matrix.duration(from_site, to_site)

    def check_timing(self, vid: str, visits: tuple[Visit, ...], taken: RouteBreak | None,
                     break_leg: int | None) -> int | None:
        """Check every visit's times; return the route's distance, None if not computable."""
        distance_m: int | None = 0
        for v_index, visit in enumerate(visits):
            where = f"vehicle '{vid}' visit {v_index} at site '{visit.site_id}'"
            ids = {"vehicle_id": vid, "site_id": visit.site_id}
            if v_index > 0:
                before = visits[v_index - 1]
                leg_m, leg_s = self.travel(before.site_id, visit.site_id)
                if leg_m is None or leg_s is None or distance_m is None:
                    distance_m = None
                else:
                    distance_m += leg_m
                if leg_s is not None:
                    pause_s = taken.duration_s if taken and break_leg == v_index - 1 else 0
                    earliest_s = before.departure_s + leg_s + pause_s
                    if visit.arrival_s < earliest_s:
                        pause = f" plus the {pause_s} s lunch break" if pause_s else ""
                        self.add("travel_time", f"{where}: arrives {_clock(visit.arrival_s)}, "
                                 f"but it leaves '{before.site_id}' at "
                                 f"{_clock(before.departure_s)} and the drive takes {leg_s} s"
                                 f"{pause}: earliest arrival {_clock(earliest_s)}", **ids)
            if visit.start_s < visit.arrival_s:
                self.add("time_order", f"{where}: service starts {_clock(visit.start_s)}, before "
                         f"the van arrives {_clock(visit.arrival_s)}", **ids)
            if visit.waiting_s != visit.start_s - visit.arrival_s:
                self.add("waiting_mismatch", f"{where}: waiting_s {visit.waiting_s}, but service "
                         f"starts {visit.start_s - visit.arrival_s} s after arrival", **ids)
            site_s, task_s = self.service_needed_s(visit)
            if visit.kind != VisitKind.END and visit.departure_s < visit.start_s + site_s + task_s:
                self.add("service_time", f"{where}: leaves {_clock(visit.departure_s)}, but "
                         f"service starts {_clock(visit.start_s)} and needs {site_s + task_s} s "
                         f"(site {site_s} s + tasks {task_s} s): earliest departure "
                         f"{_clock(visit.start_s + site_s + task_s)}", **ids)
            site = self.sites.get(visit.site_id)
            if visit.kind == VisitKind.STOP and site is not None \
                    and not site.is_open_at(visit.start_s):
                windows = ", ".join(f"[{w.start_s}, {w.end_s}]" for w in site.time_windows)
                self.add("time_window", f"{where}: service starts {_clock(visit.start_s)}, "
                         f"outside its windows {windows}", **ids)
        return distance_m

    def check_loads(self, vid: str, vehicle: Vehicle | None, visits: tuple[Visit, ...]) -> None:
        """Recompute the load visit by visit; one violation per (code, dimension) and route.

        A load that goes wrong usually stays wrong until the route ends, so later visits
        with the same problem are named in the first one's message, not listed again.
        """
        load = dict.fromkeys(self.dims, 0)
        found: dict[tuple[str, str], list[tuple[int, str, str]]] = {}

        def note(code: str, dim: str, v_index: int, site_id: str, message: str) -> None:
            found.setdefault((code, dim), []).append((v_index, site_id, message))

        for v_index, visit in enumerate(visits):
            where = f"vehicle '{vid}' visit {v_index} at site '{visit.site_id}'"
            for action in visit.actions:
                task = self.tasks.get(action.task_id)
                if task is None:
                    continue
                sign = 1 if action.kind in _ADDS else -1 if action.kind in _REMOVES else 0
                for dim, amount in task.amount.items():
                    load[dim] = load.get(dim, 0) + sign * amount
            for dim, value in load.items():
                if value < 0:
                    note("negative_load", dim, v_index, visit.site_id,
                         f"{where}: leaves with {value} {dim}, below zero")
                capacity = vehicle.capacity.get(dim, 0) if vehicle is not None else None
                if capacity is not None and value > capacity:
                    note("capacity", dim, v_index, visit.site_id,
                         f"{where}: leaves with {value} {dim}, above the capacity {capacity}")
            reported = visit.load_after
            for dim in dict.fromkeys([*load, *reported]):
                expected = load.get(dim, 0)
                if dim not in reported:
                    note("load_mismatch", dim, v_index, visit.site_id,
                         f"{where}: load_after states no {dim} (expected {expected})")
                elif reported[dim] != expected:
                    note("load_mismatch", dim, v_index, visit.site_id,
                         f"{where}: load_after {dim} is {reported[dim]}, but the actions so "
                         f"far leave {expected}")
        for (code, _), places in found.items():
            _, site_id, message = places[0]
            if len(places) > 1:
                message += f" (likewise at visits {[p[0] for p in places[1:]]})"
            self.add(code, message, vehicle_id=vid, site_id=site_id)

    def check_totals(self, vid: str, vehicle: Vehicle | None, route: Route,
                     visits: tuple[Visit, ...], distance_m: int | None) -> None:
        if distance_m is not None and route.distance_m != distance_m:
            self.add("distance_mismatch", f"vehicle '{vid}': distance_m {route.distance_m}, but "
                     f"the matrix along its visits gives {distance_m}", vehicle_id=vid)
        driving_s: int | None = 0
        for before, after in itertools.pairwise(visits):
            leg_s = self.travel(before.site_id, after.site_id)[1]
            driving_s = None if leg_s is None or driving_s is None else driving_s + leg_s
        totals = {
            "duration_s": visits[-1].arrival_s - visits[0].start_s,
            "driving_s": driving_s,
            "waiting_s": sum(v.start_s - v.arrival_s for v in visits),
        }
        explain = {
            "duration_s": "end arrival minus start",
            "driving_s": "the matrix along its visits",
            "waiting_s": "the sum of start_s - arrival_s over its visits",
        }
        for name, expected in totals.items():
            if expected is not None and getattr(route, name) != expected:
                self.add("total_mismatch", f"vehicle '{vid}': {name} {getattr(route, name)}, "
                         f"but {explain[name]} gives {expected}", vehicle_id=vid)
        cost: float | None = None
        if vehicle is not None and distance_m is not None:
            cost = distance_m / 1000 * vehicle.cost_per_km + vehicle.fixed_cost
            if _cost_differs(route.cost, cost):
                self.add("cost_mismatch", f"vehicle '{vid}': cost {route.cost}, but "
                         f"{distance_m / 1000:g} km x {vehicle.cost_per_km:g} per km + fixed "
                         f"{vehicle.fixed_cost:g} = {cost:g}", vehicle_id=vid)
        self.route_costs.append(cost)

    # ----------------------------------------------------------------- tasks and plan

    def check_tasks(self) -> None:
        listed = Counter(u.task_id for u in self.plan.unassigned)
        for tid, count in listed.items():
            if tid not in self.tasks:
                self.add("unknown_task", f"unassigned task '{tid}' is not in the problem",
                         task_id=tid)
            elif count > 1:
                self.add("unassigned_twice", f"task '{tid}' is listed {count} times as "
                         f"unassigned", task_id=tid)
        for task in self.problem.tasks:
            tid = task.task_id
            found = self.occurrences.get(tid, [])
            if not found:
                if tid not in listed:
                    self.add("lost", f"{task.kind} task '{tid}' is neither served nor listed "
                             f"as unassigned", task_id=tid)
                continue
            if tid in listed:
                self.add("served_and_unassigned", f"task '{tid}' is served (by vehicle "
                         f"'{found[0].vehicle_id}') and also listed as unassigned", task_id=tid)
            self.check_task_actions(task, found)

    def check_task_actions(self, task: Task, found: list[_Occurrence]) -> None:
        tid = task.task_id
        needed = _NEEDED[task.kind]
        fitting = [o for o in found if o.kind in needed]
        by_kind: dict[ActionKind, list[_Occurrence]] = {}
        for occurrence in fitting:
            by_kind.setdefault(occurrence.kind, []).append(occurrence)
        twice = False
        for kind, places in by_kind.items():
            if len(places) > 1:
                twice = True
                where = "; ".join(f"vehicle '{o.vehicle_id}' visit {o.visit_index} at site "
                                  f"'{o.site_id}'" for o in places)
                self.add("served_twice", f"task '{tid}': action '{kind}' is done "
                         f"{len(places)} times ({where})", task_id=tid)
        missing = [k for k in needed if k not in by_kind]
        if missing and fitting:
            done = ", ".join(f"'{k}'" for k in by_kind)
            self.add("wrong_action", f"{task.kind} task '{tid}' has {done} but no "
                     f"{', '.join(repr(str(k)) for k in missing)}", task_id=tid,
                     vehicle_id=fitting[0].vehicle_id)
        routes = {o.route_index for o in fitting}
        if len(routes) > 1 and not twice:
            where = ", ".join(f"'{o.kind}' by vehicle '{o.vehicle_id}'" for o in fitting)
            self.add("same_vehicle", f"task '{tid}' is split over several routes: {where}",
                     task_id=tid)
        pickups = by_kind.get(ActionKind.PICKUP, [])
        deliveries = by_kind.get(ActionKind.DELIVERY, [])
        if task.kind is TaskKind.SHIPMENT and len(pickups) == 1 and len(deliveries) == 1:
            pickup, delivery = pickups[0], deliveries[0]
            if pickup.route_index == delivery.route_index and \
                    (delivery.visit_index, delivery.action_index) < \
                    (pickup.visit_index, pickup.action_index):
                self.add("precedence", f"shipment '{tid}': delivered at visit "
                         f"{delivery.visit_index} (site '{delivery.site_id}') before it is "
                         f"picked up at visit {pickup.visit_index} (site '{pickup.site_id}') "
                         f"by vehicle '{pickup.vehicle_id}'", task_id=tid,
                         vehicle_id=pickup.vehicle_id, site_id=delivery.site_id)

    def check_cost(self) -> None:
        if any(c is None for c in self.route_costs):
            return  # a route's cost cannot be recomputed; its own violation says why
        penalties = 0.0
        for tid in dict.fromkeys(u.task_id for u in self.plan.unassigned):
            task = self.tasks.get(tid)
            if task is not None and task.penalty is not None:
                penalties += task.penalty
        routes = sum(c for c in self.route_costs if c is not None)
        expected = routes + penalties
        if _cost_differs(self.plan.cost, expected):
            self.add("cost_mismatch", f"plan cost {self.plan.cost}, but routes {routes:g} + "
                     f"penalties of unassigned optional tasks {penalties:g} = {expected:g}")

    def check_status(self) -> None:
        status = self.plan.status
        required = sorted({u.task_id for u in self.plan.unassigned
                           if u.task_id in self.tasks and self.tasks[u.task_id].required})
        if status == PlanStatus.COMPLETE and required:
            self.add("status_mismatch", f"status is 'complete', but required tasks {required} "
                     f"are unassigned")
        elif status == PlanStatus.PARTIAL and not required:
            self.add("status_mismatch", "status is 'partial', but no required task is "
                     "unassigned")
        elif status == PlanStatus.NO_SOLUTION and self.plan.routes:
            self.add("status_mismatch", f"status is 'no_solution', but the plan has "
                     f"{len(self.plan.routes)} routes")
        elif status not in tuple(PlanStatus):
            self.add("status_mismatch", f"status {status!r} is not one of "
                     f"{[s.value for s in PlanStatus]}")
