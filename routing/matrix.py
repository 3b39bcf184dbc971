"""Travel matrices: geodesic (numpy haversine or geopy), road graph (networkx), fixed legs, lists.

Every builder returns a `routing.problem.TravelMatrix` of integer metres and seconds.
Floats are converted once, here, by two named rounding rules: `round_distance_m`
(nearest metre, halves up) and `round_up_duration_s` (up to the next whole second, so
a van is never planned faster than the model says).

Islands: a site listed in ``leg_only_site_ids`` cannot be reached by road from a site
outside its own group; only a `FixedLeg` (a ferry crossing) connects the groups, and
every pair is then routed along its fastest path (Floyd–Warshall on durations, with the
distance summed along the same path).
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import networkx as nx
import numpy as np
import numpy.typing as npt
from geopy.distance import geodesic

from routing.errors import ObjectKind, ProblemError
from routing.problem import MAX_TIME_S, IntMatrix, Site, TravelMatrix

#: Mean earth radius (IUGG), metres, used by the haversine formula.
EARTH_RADIUS_M = 6_371_008.8

#: Slack for float noise before rounding a duration up: 120.000000001 s is 120 s.
_DURATION_EPSILON_S = 1e-6

FloatMatrix = npt.NDArray[np.float64]


def round_distance_m(values_m: npt.ArrayLike) -> IntMatrix:
    """Round distances to whole metres, halves up (the rule for every distance built here).

    Parameters
    ----------
    values_m
        Distances in metres (floats, ``inf`` not allowed).

    Returns
    -------
    IntMatrix
        ``floor(values_m + 0.5)`` as int64.
    """
    return np.floor(np.asarray(values_m, dtype=np.float64) + 0.5).astype(np.int64)


def round_up_duration_s(values_s: npt.ArrayLike) -> IntMatrix:
    """Round durations up to whole seconds (the rule for every duration built here).

    Parameters
    ----------
    values_s
        Durations in seconds (floats, ``inf`` not allowed). Values within 1e-6 s above
        a whole second count as that second (float noise is not a second more).

    Returns
    -------
    IntMatrix
        ``ceil(values_s - 1e-6)`` as int64, never negative.
    """
    rounded = np.ceil(np.asarray(values_s, dtype=np.float64) - _DURATION_EPSILON_S)
    return np.maximum(rounded, 0).astype(np.int64)


@dataclass(frozen=True)
class FixedLeg:
    """A connection with a known distance and duration, e.g. a ferry crossing.

    It replaces whatever the road model says between the two sites (in both directions
    when ``bidirectional``); the duration should include boarding and the average wait.
    """

    from_site_id: str
    to_site_id: str
    distance_m: int
    duration_s: int
    bidirectional: bool = True
    name: str = ""

    def __post_init__(self) -> None:
        leg = self.name or f"{self.from_site_id}->{self.to_site_id}"
        for field_name in ("from_site_id", "to_site_id"):
            value = getattr(self, field_name)
            if not isinstance(value, str) or not value.strip():
                raise _leg_error(leg, field_name, f"must be a non-empty string, got {value!r}",
                                 value)
        if self.from_site_id == self.to_site_id:
            raise _leg_error(leg, "to_site_id", "must differ from from_site_id, "
                             f"got {self.to_site_id!r} twice", self.to_site_id)
        for field_name, maximum in (("distance_m", 100_000_000), ("duration_s", MAX_TIME_S)):
            value = getattr(self, field_name)
            if isinstance(value, bool) or not isinstance(value, int | np.integer):
                raise _leg_error(leg, field_name, f"must be an integer, got {value!r}", value)
            if not 0 <= value <= maximum:
                raise _leg_error(leg, field_name, f"must be within [0, {maximum}], got {value}",
                                 value)


def _leg_error(leg: str, field_name: str, reason: str, value: object) -> ProblemError:
    return ProblemError(reason, object_kind="fixed leg", object_id=leg, field=field_name,
                        value=value)


def geodesic_matrix(
    sites: Sequence[Site],
    *,
    circuity: float = 1.3,
    speed_kmh: float = 30.0,
    fixed_legs: Sequence[FixedLeg] = (),
    leg_only_site_ids: Collection[str] = (),
    precise: bool = False,
) -> TravelMatrix:
    """Road distance and time estimated from straight-line distance.

    Parameters
    ----------
    sites
        The sites, in the order of the matrix rows.
    circuity
        Road distance per straight-line distance (>= 1); 1.3 suits a town with a
        coastal road.
    speed_kmh
        Average driving speed (> 0) turning road distance into time.
    fixed_legs
        Connections replacing the road estimate between two sites (ferries).
    leg_only_site_ids
        Sites that no road reaches from outside their own group (islands). A plain
        collection is one group; a mapping ``site_id -> group name`` makes several
        (e.g. two islands, each reached by its own ferry).
    precise
        Use geopy's WGS-84 geodesic per pair instead of the vectorised haversine on a
        sphere of radius `EARTH_RADIUS_M` (slower; differs by well under 0.5 %).

    Returns
    -------
    TravelMatrix
        ``distance_m = round_distance_m(straight_m * circuity)`` and
        ``duration_s = round_up_duration_s(distance_m / speed)``, then routed along the
        fastest paths when there are fixed legs or leg-only sites.

    Raises
    ------
    ProblemError
        For a bad circuity or speed, an unknown site id, or a site that ends up
        unreachable from another.
    """
    _check_positive("geodesic matrix", "circuity", circuity, minimum=1.0, inclusive=True)
    _check_positive("geodesic matrix", "speed_kmh", speed_kmh, minimum=0.0, inclusive=False)
    site_ids = tuple(s.site_id for s in sites)
    _check_unique(site_ids)
    lat = np.array([float(s.lat) for s in sites], dtype=np.float64)
    lon = np.array([float(s.lon) for s in sites], dtype=np.float64)
    straight_m = _geopy_m(lat, lon) if precise else haversine_m(lat, lon)
    distance_m = round_distance_m(straight_m * float(circuity))
    duration_s = round_up_duration_s(distance_m / (float(speed_kmh) / 3.6))
    if not fixed_legs and not leg_only_site_ids:
        return TravelMatrix(site_ids, distance_m, duration_s)

    groups = _leg_only_groups(site_ids, leg_only_site_ids)
    dist = distance_m.astype(np.float64)
    dur = duration_s.astype(np.float64)
    group_of = np.array([groups.get(s, "") for s in site_ids], dtype=object)
    no_road = group_of[:, None] != group_of[None, :]
    dist[no_road] = np.inf
    dur[no_road] = np.inf
    _apply_legs(site_ids, dist, dur, fixed_legs)
    return _shortest_paths(site_ids, dist, dur)


def haversine_m(lat: npt.ArrayLike, lon: npt.ArrayLike) -> FloatMatrix:
    """Great-circle distance in metres between every pair of points (vectorised).

    Parameters
    ----------
    lat, lon
        Decimal degrees, one entry per point.

    Returns
    -------
    FloatMatrix
        ``n x n`` distances on a sphere of radius `EARTH_RADIUS_M`.
    """
    phi = np.radians(np.asarray(lat, dtype=np.float64))
    lam = np.radians(np.asarray(lon, dtype=np.float64))
    dphi = phi[:, None] - phi[None, :]
    dlam = lam[:, None] - lam[None, :]
    hav = (np.sin(dphi / 2) ** 2
           + np.cos(phi[:, None]) * np.cos(phi[None, :]) * np.sin(dlam / 2) ** 2)
    result: FloatMatrix = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(hav, 0.0, 1.0)))
    return result


def _geopy_m(lat: FloatMatrix, lon: FloatMatrix) -> FloatMatrix:
    n = len(lat)
    result = np.zeros((n, n), dtype=np.float64)
    for i, j in itertools.combinations(range(n), 2):
        metres = float(geodesic((lat[i], lon[i]), (lat[j], lon[j])).meters)
        result[i, j] = result[j, i] = metres
    return result


def graph_matrix(
    sites: Sequence[Site],
    graph: nx.Graph,
    *,
    node_of_site: Mapping[str, Hashable],
    length_attr: str = "length_m",
    time_attr: str = "travel_s",
) -> TravelMatrix:
    """Fastest paths on a road graph between every pair of sites.

    Parameters
    ----------
    sites
        The sites, in the order of the matrix rows.
    graph
        A networkx ``Graph``, ``DiGraph`` or multigraph (e.g. from OSMnx); edges carry
        a length in metres and a travel time in seconds (floats allowed).
    node_of_site
        The graph node each site is at.
    length_attr, time_attr
        Edge attribute names of the length (metres) and travel time (seconds).

    Returns
    -------
    TravelMatrix
        Durations of the fastest paths (Dijkstra on ``time_attr``, ties broken by the
        shorter length) and the length along that same path, rounded by
        `round_up_duration_s` and `round_distance_m`.

    Raises
    ------
    ProblemError
        When a site has no node, its node is not in the graph, an edge lacks an
        attribute or has a negative one, or no path joins two sites.
    """
    site_ids = tuple(s.site_id for s in sites)
    _check_unique(site_ids)
    nodes: list[Hashable] = []
    for site_id in site_ids:
        if site_id not in node_of_site:
            raise ProblemError(f"site '{site_id}' has no graph node",
                               object_kind="graph matrix", field="node_of_site", value=site_id)
        node = node_of_site[site_id]
        if node not in graph:
            raise ProblemError(f"node {node!r} of site '{site_id}' is not in the graph",
                               object_kind="graph matrix", field="node_of_site", value=node)
        nodes.append(node)
    n = len(site_ids)
    dist = np.zeros((n, n), dtype=np.float64)
    dur = np.zeros((n, n), dtype=np.float64)
    for i, source in enumerate(nodes):
        reached = _dijkstra(graph, source, set(nodes), length_attr, time_attr)
        for j, target in enumerate(nodes):
            if target not in reached:
                raise ProblemError(f"no path from site '{site_ids[i]}' to site "
                                   f"'{site_ids[j]}' (nodes {source!r} -> {target!r})",
                                   object_kind="graph matrix")
            dur[i, j], dist[i, j] = reached[target]
    return TravelMatrix(site_ids, round_distance_m(dist), round_up_duration_s(dur))


def _dijkstra(graph: Any, source: Hashable, targets: set[Hashable], length_attr: str,
              time_attr: str) -> dict[Hashable, tuple[float, float]]:
    """Settled ``node -> (time, length)`` from ``source``, ordered by (time, length)."""
    settled: dict[Hashable, tuple[float, float]] = {}
    best: dict[Hashable, tuple[float, float]] = {source: (0.0, 0.0)}
    counter = itertools.count()  # breaks ties without comparing nodes
    heap: list[tuple[float, float, int, Hashable]] = [(0.0, 0.0, next(counter), source)]
    remaining = set(targets)
    multigraph = graph.is_multigraph()
    while heap and remaining:
        time_s, length_m, _, node = heapq.heappop(heap)
        if node in settled:
            continue
        settled[node] = (time_s, length_m)
        remaining.discard(node)
        for neighbour, data in graph.adj[node].items():
            if neighbour in settled:
                continue
            edges = data.values() if multigraph else (data,)
            edge_time, edge_length = min(
                _edge_weights(node, neighbour, e, length_attr, time_attr) for e in edges)
            candidate = (time_s + edge_time, length_m + edge_length)
            if candidate < best.get(neighbour, (math.inf, math.inf)):
                best[neighbour] = candidate
                heapq.heappush(heap, (*candidate, next(counter), neighbour))
    return settled


def _edge_weights(u: Hashable, v: Hashable, data: Mapping[str, Any], length_attr: str,
                  time_attr: str) -> tuple[float, float]:
    values = []
    for attr in (time_attr, length_attr):
        if attr not in data:
            raise ProblemError(f"edge {u!r} -> {v!r} has no attribute '{attr}'",
                               object_kind="graph matrix")
        value = data[attr]
        if isinstance(value, bool) or not isinstance(value, int | float | np.number) \
                or not math.isfinite(float(value)) or float(value) < 0:
            raise ProblemError(f"edge {u!r} -> {v!r} attribute '{attr}' must be "
                               f"a finite number >= 0, got {value!r}",
                               object_kind="graph matrix", value=value)
        values.append(float(value))
    return values[0], values[1]


def matrix_from_lists(
    site_ids: Sequence[str],
    distance_m: Sequence[Sequence[float]] | npt.ArrayLike,
    duration_s: Sequence[Sequence[float]] | npt.ArrayLike,
) -> TravelMatrix:
    """A matrix supplied by the caller (e.g. from OSRM or a spreadsheet).

    Parameters
    ----------
    site_ids
        Row and column order.
    distance_m, duration_s
        Square nested lists (or arrays) of whole metres and seconds.

    Returns
    -------
    TravelMatrix
        As given; `TravelMatrix` checks shape, sign and whole numbers.

    Raises
    ------
    ProblemError
        When a matrix is ragged or holds something that is not a number.
    """
    arrays = []
    for name, values in (("distance_m", distance_m), ("duration_s", duration_s)):
        try:
            array = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise ProblemError(f"must be a square table of numbers ({exc})",
                               object_kind="matrix", field=name) from None
        # TravelMatrix checks these floats are whole, finite and >= 0, then stores int64.
        arrays.append(cast(IntMatrix, array))
    return TravelMatrix(tuple(site_ids), arrays[0], arrays[1])


def with_fixed_legs(matrix: TravelMatrix, legs: Sequence[FixedLeg]) -> TravelMatrix:
    """The matrix with ``legs`` overriding their pairs, then routed along fastest paths.

    Parameters
    ----------
    matrix
        Any travel matrix.
    legs
        Connections to impose (ferries, a new bridge).

    Returns
    -------
    TravelMatrix
        A new matrix; every pair takes its fastest path through the updated legs, with
        the distance summed along that path.

    Raises
    ------
    ProblemError
        When a leg names a site that is not in the matrix.
    """
    dist = matrix.distance_m.astype(np.float64)
    dur = matrix.duration_s.astype(np.float64)
    _apply_legs(matrix.site_ids, dist, dur, legs)
    return _shortest_paths(matrix.site_ids, dist, dur)


def _check_positive(obj: ObjectKind, field_name: str, value: object, *, minimum: float,
                    inclusive: bool) -> None:
    ok = not isinstance(value, bool) and isinstance(value, int | float | np.number) \
        and math.isfinite(float(value)) \
        and (float(value) >= minimum if inclusive else float(value) > minimum)
    if not ok:
        bound = f">= {minimum:g}" if inclusive else f"> {minimum:g}"
        raise ProblemError(f"must be a finite number {bound}, got {value!r}",
                           object_kind=obj, field=field_name, value=value)


def _check_unique(site_ids: tuple[str, ...]) -> None:
    seen: set[str] = set()
    for site_id in site_ids:
        if site_id in seen:
            raise ProblemError(f"duplicate site id '{site_id}'", object_kind="matrix",
                               field="site_ids", value=site_id)
        seen.add(site_id)


def _leg_only_groups(site_ids: tuple[str, ...],
                     leg_only_site_ids: Collection[str]) -> dict[str, str]:
    if isinstance(leg_only_site_ids, str):
        raise ProblemError("must be a collection of site ids, got the string "
                           f"{leg_only_site_ids!r}", object_kind="geodesic matrix",
                           field="leg_only_site_ids", value=leg_only_site_ids)
    if isinstance(leg_only_site_ids, Mapping):
        groups = {str(k): f"group:{v}" for k, v in leg_only_site_ids.items()}
    else:
        groups = {str(k): "group:leg-only" for k in leg_only_site_ids}
    unknown = sorted(set(groups) - set(site_ids))
    if unknown:
        raise ProblemError(f"unknown sites {unknown}", object_kind="geodesic matrix",
                           field="leg_only_site_ids", value=unknown)
    return groups


def _apply_legs(site_ids: tuple[str, ...], dist: FloatMatrix, dur: FloatMatrix,
                legs: Sequence[FixedLeg]) -> None:
    index = {s: i for i, s in enumerate(site_ids)}
    for leg in legs:
        if not isinstance(leg, FixedLeg):
            raise ProblemError(f"must hold FixedLeg objects, got {leg!r}", object_kind="matrix",
                               field="fixed_legs", value=leg)
        for field_name in ("from_site_id", "to_site_id"):
            if getattr(leg, field_name) not in index:
                raise _leg_error(leg.name or leg.from_site_id, field_name,
                                 f"unknown site {getattr(leg, field_name)!r}",
                                 getattr(leg, field_name))
        i, j = index[leg.from_site_id], index[leg.to_site_id]
        pairs = ((i, j), (j, i)) if leg.bidirectional else ((i, j),)
        for a, b in pairs:
            dist[a, b] = leg.distance_m
            dur[a, b] = leg.duration_s


def _shortest_paths(site_ids: tuple[str, ...], dist: FloatMatrix,
                    dur: FloatMatrix) -> TravelMatrix:
    """Floyd–Warshall on durations (ties: shorter distance), distance along the same path."""
    dur = dur.copy()
    dist = dist.copy()
    np.fill_diagonal(dur, 0.0)
    np.fill_diagonal(dist, 0.0)
    for k in range(len(site_ids)):
        via_dur = dur[:, k, None] + dur[None, k, :]
        via_dist = dist[:, k, None] + dist[None, k, :]
        better = (via_dur < dur) | ((via_dur == dur) & (via_dist < dist))
        dur = np.where(better, via_dur, dur)
        dist = np.where(better, via_dist, dist)
    if not np.all(np.isfinite(dur)):
        first = site_ids[0]
        not_from_first = [site_ids[j] for j in np.nonzero(~np.isfinite(dur[0, :]))[0]]
        not_to_first = [site_ids[i] for i in np.nonzero(~np.isfinite(dur[:, 0]))[0]]
        if not_from_first:
            problem = f"sites {not_from_first} cannot be reached from site '{first}'"
        else:
            problem = f"site '{first}' cannot be reached from sites {not_to_first}"
        raise ProblemError(f"{problem} (a leg-only site is reached only through a fixed leg "
                           "to its group)", object_kind="matrix")
    return TravelMatrix(site_ids, dist.astype(np.int64), dur.astype(np.int64))
