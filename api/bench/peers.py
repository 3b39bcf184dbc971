"""Optional peer solvers (PyVRP, VROOM) on a benchmark instance, for comparison.

Each peer gets the same integer data as bookrun (the `routing.Problem` read by
`routing.instances`: the same scaled distance and duration matrices, windows, service
times, capacities and fleet), the same time budget and one thread. Its routes (node
numbers) are turned into a `Plan` with `routing.instances.plan_from_routes` and checked
by `routing.verify` - the same independent check as bookrun's own plans; a route set
that `verify` rejects counts as infeasible. Distances are reported in the instance's
convention by `routing.instances.exact_distance`.

Both libraries are imported lazily; when one is missing the result says
``status="not installed"`` instead of raising.
"""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import numpy as np
import numpy.typing as npt

from routing.instance_plans import exact_distance, plan_from_routes
from routing.instances import read_instance
from routing.problem import Problem, TaskKind
from routing.result import Plan

OK = "ok"
NOT_INSTALLED = "not installed"
UNSUPPORTED = "unsupported"
NO_SOLUTION = "no solution"
ERROR = "error"


@dataclass
class PeerResult:
    """What a peer solver found, judged by bookrun's own rules.

    ``routes`` are lists of node numbers (depot left out); ``feasible`` is True only
    when `routing.verify` accepts the plan and every task is served. ``status`` is one of
    ``ok``, ``not installed``, ``unsupported``, ``no solution``, ``error`` (then
    ``message`` says why). ``peer_cost`` is the peer's own objective value, in its units.
    """

    solver: str
    status: str
    wall_s: float = 0.0
    routes: list[list[int]] = field(default_factory=list)
    vehicles: int = 0
    distance: float | None = None
    feasible: bool = False
    unassigned: int = 0
    violations: list[str] = field(default_factory=list)
    message: str = ""
    plan: Plan | None = None
    peer_cost: float | None = None


def installed(solver: str) -> bool:
    """Whether the peer's library ("pyvrp" or "vroom") can be imported."""
    module = {"pyvrp": "pyvrp", "vroom": "vroom"}.get(solver)
    return module is not None and importlib.util.find_spec(module) is not None


def _problem(problem_or_path: Problem | str | Path) -> Problem:
    if isinstance(problem_or_path, Problem):
        return problem_or_path
    return read_instance(problem_or_path)


@dataclass(frozen=True)
class _Data:
    """The problem as node-indexed arrays (node k = benchmark node k, 0 the depot)."""

    distance: npt.NDArray[np.int64]
    duration: npt.NDArray[np.int64]
    coords: tuple[tuple[float, float], ...]
    node_of_site: dict[str, int]


def _data(problem: Problem) -> _Data:
    site_ids: tuple[str, ...] = tuple(problem.meta["node_site_ids"])
    order = [problem.matrix.index_of(s) for s in site_ids]
    idx = np.ix_(order, order)
    return _Data(distance=np.asarray(problem.matrix.distance_m)[idx],
                 duration=np.asarray(problem.matrix.duration_s)[idx],
                 coords=tuple(problem.meta["coords"]),
                 node_of_site={s: k for k, s in enumerate(site_ids)})


def _check_supported(problem: Problem) -> str:
    """Empty when the peers can take the problem as it is, else the reason."""
    if "node_site_ids" not in problem.meta:
        return "the problem was not read from a benchmark file (no meta['node_site_ids'])"
    depot = problem.meta["node_site_ids"][0]
    for vehicle in problem.vehicles:
        if vehicle.start_site_id != depot or vehicle.end_site_id != depot:
            return f"vehicle {vehicle.vehicle_id} does not start and end at the depot"
        if vehicle.lunch_break is not None or vehicle.max_working_s is not None:
            return f"vehicle {vehicle.vehicle_id} has a break or a working-time limit"
    for site in problem.sites:
        if len(site.time_windows) > 1:
            return f"site {site.site_id} has several time windows"
    for task in problem.tasks:
        if task.kind not in (TaskKind.PICKUP, TaskKind.SHIPMENT, TaskKind.DELIVERY):
            return f"task {task.task_id} is a {task.kind.value}"
        if not task.required:
            return f"task {task.task_id} is optional"
    if len(problem.capacity_dimensions) != 1:
        return "the peers are set up for exactly one capacity dimension"
    return ""


def _window(problem: Problem, site_id: str) -> tuple[int, int]:
    windows = problem.site(site_id).time_windows
    if not windows:
        return 0, max(v.shift_end_s for v in problem.vehicles)
    return windows[0].start_s, windows[0].end_s


def _fixed_in_metres(problem: Problem) -> int:
    """A vehicle's fixed cost expressed in metres of driving (the peers' cost unit)."""
    vehicle = problem.vehicles[0]
    if vehicle.fixed_cost == 0:
        return 0
    if vehicle.cost_per_km == 0:
        return int(vehicle.fixed_cost)
    return round(vehicle.fixed_cost / vehicle.cost_per_km * 1000)


def judge(problem: Problem, solver: str, routes: Sequence[Sequence[int]], *, wall_s: float,
          peer_cost: float | None = None, message: str = "") -> PeerResult:
    """Turn a peer's routes into a `Plan`, verify it and measure it exactly."""
    from routing.verify import verify

    node_routes = [[int(n) for n in r] for r in routes if len(r)]
    result = PeerResult(solver=solver, status=OK, wall_s=wall_s, routes=node_routes,
                        vehicles=len(node_routes), peer_cost=peer_cost, message=message)
    try:
        plan = plan_from_routes(problem, node_routes, solver=solver)
    except ValueError as exc:
        result.violations = [f"routes cannot be timed: {exc}"]
        return result
    result.plan = plan
    result.unassigned = len(plan.unassigned)
    result.violations = [f"{v.code}: {v.message}" for v in verify(problem, plan)]
    result.distance = exact_distance(problem, plan)
    result.feasible = not result.violations and not plan.unassigned
    return result


def _guard(solver: str, problem_or_path: Problem | str | Path,
           run: Callable[[Problem, float, int], PeerResult], budget_s: float,
           seed: int) -> PeerResult:
    if not installed(solver):
        return PeerResult(solver=solver, status=NOT_INSTALLED,
                          message=f"{solver} is not installed (pip install bookrun[peers])")
    problem = _problem(problem_or_path)
    reason = _check_supported(problem)
    if reason:
        return PeerResult(solver=solver, status=UNSUPPORTED, message=reason)
    started = time.perf_counter()
    try:
        return run(problem, budget_s, seed)
    except Exception as exc:  # a peer library failing must not stop a benchmark run
        return PeerResult(solver=solver, status=ERROR, wall_s=time.perf_counter() - started,
                          message=f"{type(exc).__name__}: {exc}")


# --------------------------------------------------------------------------- PyVRP


def solve_with_pyvrp(problem_or_path: Problem | str | Path, budget_s: float,
                     seed: int = 0) -> PeerResult:
    """Solve with PyVRP (one thread, ``MaxRuntime(budget_s)``) on bookrun's own data.

    The model is built with `pyvrp.Model`: Solomon customers as clients with a pickup
    amount, Li & Lim pairs with ``Model.add_shipment`` (present in the pinned 0.14; a
    PyVRP without it reports ``unsupported``). Cost is distance in metres plus the fixed
    vehicle cost converted to metres, so the objective matches bookrun's.
    """
    return _guard("pyvrp", problem_or_path, _run_pyvrp, budget_s, seed)


def _run_pyvrp(problem: Problem, budget_s: float, seed: int) -> PeerResult:
    import pyvrp
    from pyvrp.stop import MaxRuntime

    started = time.perf_counter()  # the model build counts, the import does not

    has_shipments = any(t.kind is TaskKind.SHIPMENT for t in problem.tasks)
    if has_shipments and not hasattr(pyvrp.Model, "add_shipment"):
        return PeerResult(solver="pyvrp", status=UNSUPPORTED,
                          message="this PyVRP has no Model.add_shipment, needed for "
                                  "pickup-and-delivery pairs (0.14 has it)")
    data = _data(problem)
    dim = problem.capacity_dimensions[0]
    model = pyvrp.Model()
    locations = [model.add_location(x, y) for x, y in data.coords]
    vehicle = problem.vehicles[0]
    depot = model.add_depot(locations[0], tw_early=vehicle.shift_start_s,
                            tw_late=vehicle.shift_end_s)
    model.add_vehicle_type(num_available=len(problem.vehicles),
                           capacity=[int(vehicle.capacity[dim])], start_depot=depot,
                           end_depot=depot, fixed_cost=_fixed_in_metres(problem),
                           tw_early=vehicle.shift_start_s, tw_late=vehicle.shift_end_s)
    client_nodes: list[int] = []
    shipment_nodes: list[tuple[int, int]] = []
    for task in problem.tasks:
        amount = int(task.amount.get(dim, 0))
        if task.kind is TaskKind.SHIPMENT:
            p = data.node_of_site[task.pickup_site_id]
            d = data.node_of_site[task.delivery_site_id]
            p_early, p_late = _window(problem, task.pickup_site_id)
            d_early, d_late = _window(problem, task.delivery_site_id)
            model.add_shipment(
                locations[p], locations[d], pickup_tw_early=p_early, pickup_tw_late=p_late,
                pickup_service_duration=problem.site(task.pickup_site_id).service_s
                + task.service_s,
                delivery_tw_early=d_early, delivery_tw_late=d_late,
                delivery_service_duration=problem.site(task.delivery_site_id).service_s
                + task.service_s,
                amount=[amount])
            shipment_nodes.append((p, d))
        else:
            node = data.node_of_site[task.site_id]
            early, late = _window(problem, task.site_id)
            is_pickup = task.kind is TaskKind.PICKUP
            model.add_client(locations[node], delivery=[0 if is_pickup else amount],
                             pickup=[amount if is_pickup else 0],
                             service_duration=problem.site(task.site_id).service_s
                             + task.service_s, tw_early=early, tw_late=late)
            client_nodes.append(node)
    n = len(locations)
    for i in range(n):
        for j in range(n):
            if i != j:
                model.add_edge(locations[i], locations[j], int(data.distance[i, j]),
                               int(data.duration[i, j]))
    result = model.solve(MaxRuntime(budget_s), seed=seed, display=False, collect_stats=False)
    best = result.best
    routes: list[list[int]] = []
    client_type = pyvrp.ActivityType.CLIENT
    pickup_type = pyvrp.ActivityType.PICKUP
    delivery_type = pyvrp.ActivityType.DELIVERY
    for route in best.routes():
        nodes: list[int] = []
        for activity in route.schedule():
            if activity.type == client_type:
                nodes.append(client_nodes[activity.idx])
            elif activity.type == pickup_type:
                nodes.append(shipment_nodes[activity.idx][0])
            elif activity.type == delivery_type:
                nodes.append(shipment_nodes[activity.idx][1])
        routes.append(nodes)
    wall = time.perf_counter() - started
    note = "" if best.is_feasible() else "PyVRP reports its best solution infeasible"
    return judge(problem, "pyvrp", routes, wall_s=wall, peer_cost=float(result.cost()),
                 message=note)


# --------------------------------------------------------------------------- VROOM


def solve_with_vroom(problem_or_path: Problem | str | Path, budget_s: float,
                     seed: int = 0) -> PeerResult:
    """Solve with VROOM (pyvroom): exploration level 5, one thread, ``timeout=budget_s``.

    Integer-scaled matrices: durations as the duration matrix, distances as the cost
    matrix, the fixed vehicle cost (in metres) as ``VehicleCosts(fixed=...)``. VROOM is
    deterministic and has no seed; ``seed`` is ignored. It often stops by itself well
    before the budget.
    """
    return _guard("vroom", problem_or_path, _run_vroom, budget_s, seed)


def _run_vroom(problem: Problem, budget_s: float, seed: int) -> PeerResult:
    del seed  # VROOM has no random seed
    import vroom

    started = time.perf_counter()  # the model build counts, the import does not

    data = _data(problem)
    dim = problem.capacity_dimensions[0]
    inp = vroom.Input()
    inp.set_durations_matrix("car", data.duration.astype(np.uint32))
    inp.set_costs_matrix("car", data.distance.astype(np.uint32))
    fixed = _fixed_in_metres(problem)
    for number, vehicle in enumerate(problem.vehicles, 1):
        inp.add_vehicle(vroom.Vehicle(
            number, start=0, end=0, profile="car", capacity=[int(vehicle.capacity[dim])],
            time_window=vroom.TimeWindow(vehicle.shift_start_s, vehicle.shift_end_s),
            costs=vroom.VehicleCosts(fixed=fixed)))
    for task in problem.tasks:
        amount = [int(task.amount.get(dim, 0))]
        if task.kind is TaskKind.SHIPMENT:
            steps = []
            for site_id in (task.pickup_site_id, task.delivery_site_id):
                node = data.node_of_site[site_id]
                early, late = _window(problem, site_id)
                steps.append(vroom.ShipmentStep(
                    node, location=node,
                    default_service=problem.site(site_id).service_s + task.service_s,
                    time_windows=[vroom.TimeWindow(early, late)]))
            inp.add_job(vroom.Shipment(pickup=steps[0], delivery=steps[1], amount=amount))
        else:
            node = data.node_of_site[task.site_id]
            early, late = _window(problem, task.site_id)
            is_pickup = task.kind is TaskKind.PICKUP
            inp.add_job(vroom.Job(
                node, location=node,
                default_service=problem.site(task.site_id).service_s + task.service_s,
                delivery=[0] if is_pickup else amount, pickup=amount if is_pickup else [0],
                time_windows=[vroom.TimeWindow(early, late)]))
    solution = inp.solve(exploration_level=5, nb_threads=1,
                         timeout=timedelta(seconds=budget_s))
    output = solution.to_dict()
    routes = [[int(step["location_index"]) for step in route["steps"]
               if step["type"] in ("job", "pickup", "delivery")]
              for route in output.get("routes", [])]
    wall = time.perf_counter() - started
    unassigned = len(output.get("unassigned", []))
    note = f"VROOM left {unassigned} task(s) unassigned" if unassigned else ""
    return judge(problem, "vroom", routes, wall_s=wall,
                 peer_cost=float(output["summary"]["cost"]), message=note)


PEERS: dict[str, Callable[[Problem | str | Path, float, int], PeerResult]] = {
    "pyvrp": solve_with_pyvrp,
    "vroom": solve_with_vroom,
}
