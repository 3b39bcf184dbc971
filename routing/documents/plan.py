"""Plan documents: written complete and flat (ids only), read back with their shape checked
(whether a plan is feasible is `routing.verify`'s job)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from routing.documents.checked import (
    FORMAT_VERSION,
    MISSING,
    Checker,
    DocumentError,
    check_format,
    parse_json,
    read_text,
    show,
)
from routing.documents.pretty import dumps, jsonable
from routing.errors import FormatError
from routing.result import (
    Action,
    ActionKind,
    Plan,
    PlanStatus,
    Route,
    RouteBreak,
    Unassigned,
    UnassignedReason,
    Visit,
    VisitKind,
)

_PLAN_REQUIRED = ("format", "status", "summary", "routes", "unassigned")
_PLAN_OPTIONAL = ("problem", "solver", "runtime_s")
_SUMMARY_KEYS = ("cost", "distance_m", "vehicles", "unassigned", "duration_s", "driving_s",
                 "service_s", "waiting_s")
_ROUTE_REQUIRED = ("vehicle", "distance_m", "driving_s", "service_s", "waiting_s", "duration_s",
                   "cost", "visits")
_ROUTE_OPTIONAL = ("lunch_break",)
_ROUTE_BREAK_KEYS = ("start_s", "duration_s")
_VISIT_REQUIRED = ("site", "kind", "arrival_s", "start_s", "departure_s", "waiting_s",
                   "load_after")
_VISIT_OPTIONAL = ("actions",)
_ACTION_KEYS = ("task", "kind")
_UNASSIGNED_REQUIRED = ("task", "reason")
_UNASSIGNED_OPTIONAL = ("detail",)


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The plan document of a `Plan`: complete and flat, ids only.

    Parameters
    ----------
    plan
        The plan to write.

    Returns
    -------
    dict
        A JSON-ready format-1 plan document; `plan_from_dict` reads it back to an equal
        `Plan`.
    """
    routes = plan.routes
    return {
        "format": FORMAT_VERSION,
        "problem": plan.problem_name,
        "status": plan.status.value,
        "summary": {
            "cost": plan.cost,
            "distance_m": sum(int(r.distance_m) for r in routes),
            "vehicles": plan.vehicles_used,
            "unassigned": len(plan.unassigned),
            "duration_s": sum(int(r.duration_s) for r in routes),
            "driving_s": sum(int(r.driving_s) for r in routes),
            "service_s": sum(int(r.service_s) for r in routes),
            "waiting_s": sum(int(r.waiting_s) for r in routes),
        },
        "routes": [_route_to_dict(r) for r in routes],
        "unassigned": [{"task": u.task_id, "reason": u.reason.value, "detail": u.detail}
                       for u in plan.unassigned],
        "solver": jsonable(plan.solver),
        "runtime_s": plan.runtime_s,
    }


def _route_to_dict(route: Route) -> dict[str, Any]:
    lunch = route.lunch_break
    return {
        "vehicle": route.vehicle_id,
        "distance_m": int(route.distance_m),
        "driving_s": int(route.driving_s),
        "service_s": int(route.service_s),
        "waiting_s": int(route.waiting_s),
        "duration_s": int(route.duration_s),
        "cost": route.cost,
        "lunch_break": None if lunch is None else {"start_s": int(lunch.start_s),
                                                   "duration_s": int(lunch.duration_s)},
        "visits": [{
            "site": v.site_id,
            "kind": v.kind.value,
            "arrival_s": int(v.arrival_s),
            "start_s": int(v.start_s),
            "departure_s": int(v.departure_s),
            "waiting_s": int(v.waiting_s),
            "load_after": {k: int(units) for k, units in v.load_after.items()},
            "actions": [{"task": a.task_id, "kind": a.kind.value} for a in v.actions],
        } for v in route.visits],
    }


def plan_from_dict(data: Mapping[str, Any]) -> Plan:
    """Build a `Plan` from a plan document, e.g. one written by another tool.

    Only the shape is checked here (keys, types, enum values, the summary agreeing with
    the routes); whether the plan is feasible for a problem is `routing.verify`'s job.

    Parameters
    ----------
    data
        A format-1 plan document.

    Returns
    -------
    Plan
        The plan; ``plan_from_dict(plan_to_dict(plan)) == plan``.

    Raises
    ------
    DocumentError
        (a `FormatError`) naming the JSON path of each bad field.
    """
    if not isinstance(data, Mapping):
        raise DocumentError([FormatError(
            "", f"a plan document must be a JSON object, got {show(data)}")])
    if "sites" in data and "routes" not in data:
        raise DocumentError([FormatError(
            "", "this is a problem document (it has 'sites'), not a plan document")])
    check = Checker()
    check_format(check, data)
    check.obj("", data, _PLAN_REQUIRED, _PLAN_OPTIONAL)
    problem_name = check.string("problem", data.get("problem", ""))
    status = check.choice("status", data.get("status", MISSING), [s.value for s in PlanStatus])
    solver = check.obj("solver", data.get("solver", {}), any_keys=True)
    runtime_s = check.number("runtime_s", data.get("runtime_s", 0.0))
    routes = [_read_route(check, f"routes[{i}]", entry)
              for i, entry in enumerate(check.array("routes", data.get("routes", MISSING))
                                        or ())]
    unassigned = [_read_unassigned(check, f"unassigned[{i}]", entry)
                  for i, entry in enumerate(check.array("unassigned",
                                                        data.get("unassigned", MISSING)) or ())]
    cost = _check_summary(check, data.get("summary", MISSING), routes, unassigned)
    check.raise_if_any()
    assert status is not None and cost is not None  # reported otherwise
    return Plan(status=PlanStatus(status), routes=tuple(r for r in routes if r is not None),
                unassigned=tuple(u for u in unassigned if u is not None), cost=float(cost),
                runtime_s=float(runtime_s or 0.0), problem_name=problem_name or "",
                solver=dict(solver or {}))


def _read_route(check: Checker, path: str, raw: Any) -> Route | None:
    before = len(check.found)
    obj = check.obj(path, raw, _ROUTE_REQUIRED, _ROUTE_OPTIONAL)
    if obj is None:
        return None
    vehicle_id = check.ident(f"{path}.vehicle", obj.get("vehicle", MISSING))
    totals = {key: check.integer(f"{path}.{key}", obj.get(key, MISSING), maximum=None)
              for key in ("distance_m", "driving_s", "service_s", "waiting_s", "duration_s")}
    cost = check.number(f"{path}.cost", obj.get("cost", MISSING))
    lunch: RouteBreak | None = None
    if obj.get("lunch_break") is not None:
        lb = check.obj(f"{path}.lunch_break", obj["lunch_break"], _ROUTE_BREAK_KEYS)
        if lb is not None:
            start_s = check.integer(f"{path}.lunch_break.start_s", lb.get("start_s", MISSING))
            duration_s = check.integer(f"{path}.lunch_break.duration_s",
                                       lb.get("duration_s", MISSING))
            if start_s is not None and duration_s is not None:
                lunch = RouteBreak(start_s=start_s, duration_s=duration_s)
    visits = [_read_visit(check, f"{path}.visits[{j}]", entry)
              for j, entry in enumerate(check.array(f"{path}.visits", obj.get("visits", MISSING),
                                                    min_len=2) or ())]
    if len(check.found) > before:
        return None
    return Route(vehicle_id=vehicle_id or "", visits=tuple(v for v in visits if v is not None),
                 distance_m=totals["distance_m"] or 0, driving_s=totals["driving_s"] or 0,
                 service_s=totals["service_s"] or 0, waiting_s=totals["waiting_s"] or 0,
                 duration_s=totals["duration_s"] or 0, cost=float(cost or 0.0),
                 lunch_break=lunch)


def _read_visit(check: Checker, path: str, raw: Any) -> Visit | None:
    before = len(check.found)
    obj = check.obj(path, raw, _VISIT_REQUIRED, _VISIT_OPTIONAL)
    if obj is None:
        return None
    site_id = check.ident(f"{path}.site", obj.get("site", MISSING))
    kind = check.choice(f"{path}.kind", obj.get("kind", MISSING), [k.value for k in VisitKind])
    times = {key: check.integer(f"{path}.{key}", obj.get(key, MISSING))
             for key in ("arrival_s", "start_s", "departure_s", "waiting_s")}
    load_after = check.amount(f"{path}.load_after", obj.get("load_after", MISSING))
    actions: list[Action] = []
    action_kinds = [k.value for k in ActionKind]
    for k, entry in enumerate(check.array(f"{path}.actions", obj.get("actions", [])) or ()):
        action = check.obj(f"{path}.actions[{k}]", entry, _ACTION_KEYS)
        if action is None:
            continue
        task_id = check.ident(f"{path}.actions[{k}].task", action.get("task", MISSING))
        action_kind = check.choice(f"{path}.actions[{k}].kind", action.get("kind", MISSING),
                                   action_kinds)
        if task_id is not None and action_kind is not None:
            actions.append(Action(task_id=task_id, kind=ActionKind(action_kind)))
    if len(check.found) > before or kind is None:
        return None
    return Visit(site_id=site_id or "", kind=VisitKind(kind), arrival_s=times["arrival_s"] or 0,
                 start_s=times["start_s"] or 0, departure_s=times["departure_s"] or 0,
                 waiting_s=times["waiting_s"] or 0, load_after=load_after or {},
                 actions=tuple(actions))


def _read_unassigned(check: Checker, path: str, raw: Any) -> Unassigned | None:
    obj = check.obj(path, raw, _UNASSIGNED_REQUIRED, _UNASSIGNED_OPTIONAL)
    if obj is None:
        return None
    task_id = check.ident(f"{path}.task", obj.get("task", MISSING))
    reason = check.choice(f"{path}.reason", obj.get("reason", MISSING),
                          [r.value for r in UnassignedReason])
    detail = check.string(f"{path}.detail", obj.get("detail", ""))
    if task_id is None or reason is None or detail is None:
        return None
    return Unassigned(task_id=task_id, reason=UnassignedReason(reason), detail=detail)


def _check_summary(check: Checker, raw: Any, routes: Sequence[Route | None],
                   unassigned: Sequence[Unassigned | None]) -> float | None:
    """Check the summary agrees with the routes; return its cost."""
    obj = check.obj("summary", raw, _SUMMARY_KEYS)
    if obj is None:
        return None
    cost = check.number("summary.cost", obj.get("cost", MISSING))
    if any(r is None for r in routes) or any(u is None for u in unassigned):
        return cost  # the totals cannot be judged against broken routes
    done = [r for r in routes if r is not None]
    expected = {
        "distance_m": sum(r.distance_m for r in done),
        "vehicles": sum(1 for r in done if r.stops),
        "unassigned": len(unassigned),
        "duration_s": sum(r.duration_s for r in done),
        "driving_s": sum(r.driving_s for r in done),
        "service_s": sum(r.service_s for r in done),
        "waiting_s": sum(r.waiting_s for r in done),
    }
    for key, total in expected.items():
        value = check.integer(f"summary.{key}", obj.get(key, MISSING), maximum=None)
        if value is not None and value != total:
            what = "the number of unassigned entries" if key == "unassigned" else \
                "the number of routes with stops" if key == "vehicles" else \
                "the sum over the routes"
            check.fail(f"summary.{key}", f"must equal {what} ({total}), got {value}")
    return cost


def plan_from_json(text: str) -> Plan:
    """Parse a plan document from JSON text (see `plan_from_dict`)."""
    return plan_from_dict(parse_json(text))


def load_plan(path: str | os.PathLike[str]) -> Plan:
    """Read a plan document from a UTF-8 JSON file.

    Parameters
    ----------
    path
        The file to read.

    Returns
    -------
    Plan
        The plan.

    Raises
    ------
    OSError
        If the file cannot be read.
    DocumentError
        If it is not JSON or not a valid plan document.
    """
    return plan_from_json(read_text(path))


def plan_to_json(plan: Plan) -> str:
    """The plan document of a `Plan` as indented JSON text ending in a newline."""
    return dumps(plan_to_dict(plan))
