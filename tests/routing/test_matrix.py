"""Travel matrices: known distances, rounding rules, ferry legs to islands, road graphs, errors."""

from __future__ import annotations

import math
import re

import networkx as nx
import numpy as np
import pytest

from routing.errors import ProblemError
from routing.matrix import (
    EARTH_RADIUS_M,
    FixedLeg,
    geodesic_matrix,
    graph_matrix,
    matrix_from_lists,
    round_distance_m,
    round_up_duration_s,
    with_fixed_legs,
)
from routing.problem import Site, TravelMatrix

TOKYO = Site("tokyo-station", lat=35.6812, lon=139.7671)
OSAKA = Site("osaka-station", lat=34.7025, lon=135.4959)

HUB = Site("hub", lat=33.8055, lon=130.5405)
KONOMINATO = Site("konominato-port", lat=33.8636, lon=130.5258)
KANEZAKI = Site("kanezaki-port", lat=33.9010, lon=130.5560)
OSHIMA_PORT = Site("oshima-port", lat=33.8935, lon=130.4336)
OSHIMA_SCHOOL = Site("oshima-school", lat=33.8975, lon=130.4290)
JINOSHIMA_PORT = Site("jinoshima-port", lat=33.9300, lon=130.5480)
COAST = (HUB, KONOMINATO, KANEZAKI, OSHIMA_PORT, OSHIMA_SCHOOL, JINOSHIMA_PORT)
OSHIMA_FERRY = FixedLeg("konominato-port", "oshima-port", distance_m=7_500, duration_s=1_500,
                        name="Oshima ferry")
JINOSHIMA_FERRY = FixedLeg("kanezaki-port", "jinoshima-port", distance_m=3_000, duration_s=900,
                           name="Jinoshima ferry")


def _at(matrix: TravelMatrix, a: str, b: str) -> tuple[int, int]:
    return matrix.distance(a, b), matrix.duration(a, b)


# ----------------------------------------------------------------- geodesic


def test_tokyo_osaka_is_about_404_km_on_the_wgs84_ellipsoid() -> None:
    matrix = geodesic_matrix((TOKYO, OSAKA), circuity=1.0, precise=True)
    assert matrix.distance("tokyo-station", "osaka-station") == pytest.approx(403_827, abs=2)


def test_haversine_agrees_with_geopy_within_half_a_percent() -> None:
    sites = (TOKYO, OSAKA, *COAST)
    fast = geodesic_matrix(sites, circuity=1.0)
    precise = geodesic_matrix(sites, circuity=1.0, precise=True)
    off_diagonal = ~np.eye(len(sites), dtype=bool)
    ratio = fast.distance_m[off_diagonal] / precise.distance_m[off_diagonal]
    assert np.all(np.abs(ratio - 1) < 0.005)
    assert fast.distance("tokyo-station", "osaka-station") == pytest.approx(403_059, abs=2)


def test_quarter_meridian_on_the_mean_sphere() -> None:
    pole = Site("pole", lat=90.0, lon=0.0)
    equator = Site("equator", lat=0.0, lon=0.0)
    matrix = geodesic_matrix((pole, equator), circuity=1.0)
    assert matrix.distance("pole", "equator") == round(EARTH_RADIUS_M * math.pi / 2)


def test_circuity_scales_distance_and_speed_sets_duration_rounded_up() -> None:
    straight = geodesic_matrix(COAST, circuity=1.0, speed_kmh=30.0)
    winding = geodesic_matrix(COAST, circuity=1.5, speed_kmh=45.0)
    assert np.all(np.abs(winding.distance_m - 1.5 * straight.distance_m) <= 1)
    assert np.array_equal(winding.duration_s, np.ceil(winding.distance_m * 3.6 / 45.0 - 1e-6))
    hub_port_m, hub_port_s = _at(straight, "hub", "konominato-port")
    assert hub_port_s == math.ceil(hub_port_m / (30.0 / 3.6))


def test_geodesic_matrix_is_symmetric_with_zero_diagonal() -> None:
    matrix = geodesic_matrix(COAST)
    assert np.array_equal(matrix.distance_m, matrix.distance_m.T)
    assert np.array_equal(matrix.duration_s, matrix.duration_s.T)
    assert not matrix.distance_m.diagonal().any() and not matrix.duration_s.diagonal().any()
    assert matrix.site_ids == tuple(s.site_id for s in COAST)


def test_rounding_rules_metres_to_nearest_seconds_up() -> None:
    assert round_distance_m([0.49, 0.5, 1.5, 2.51]).tolist() == [0, 1, 2, 3]
    assert round_up_duration_s([0.0, 0.2, 120.0000000001, 120.01]).tolist() == [0, 1, 120, 121]


@pytest.mark.parametrize(("kwargs", "fragment"), [
    # a road shorter than the straight line
    ({"circuity": 0.9}, "geodesic matrix field 'circuity': must be a finite number >= 1, got 0.9"),
    # infinite circuity
    ({"circuity": math.inf}, "field 'circuity': must be a finite number >= 1, got inf"),
    # a van that never moves
    ({"speed_kmh": 0}, "geodesic matrix field 'speed_kmh': must be a finite number > 0, got 0"),
    # negative speed
    ({"speed_kmh": -30.0}, "field 'speed_kmh': must be a finite number > 0, got -30.0"),
    # speed from an empty cell
    ({"speed_kmh": math.nan}, "field 'speed_kmh': must be a finite number > 0, got nan"),
    # an island that is not a site
    ({"leg_only_site_ids": ["atlantis"]},
     "geodesic matrix field 'leg_only_site_ids': unknown sites ['atlantis']"),
    # a bare string would be read letter by letter
    ({"leg_only_site_ids": "oshima-port"}, "must be a collection of site ids, got the string"),
    # a ferry to an unknown port
    ({"fixed_legs": [FixedLeg("hub", "ainoshima-port", 1, 1)]},
     "field 'to_site_id': unknown site 'ainoshima-port'"),
])
def test_geodesic_matrix_rejects_bad_parameters(kwargs: dict[str, object], fragment: str) -> None:
    with pytest.raises(ProblemError, match=re.escape(fragment)):
        geodesic_matrix(COAST, **kwargs)  # type: ignore[arg-type]


def test_duplicate_site_ids_are_rejected() -> None:
    with pytest.raises(ProblemError, match="duplicate site id 'hub'"):
        geodesic_matrix((HUB, HUB))


# ----------------------------------------------------------------- islands and ferries


def test_island_is_reached_only_through_its_ferry_port() -> None:
    road = geodesic_matrix(COAST)
    matrix = geodesic_matrix(COAST, fixed_legs=[OSHIMA_FERRY],
                             leg_only_site_ids={"oshima-port", "oshima-school"})
    hub_port = _at(road, "hub", "konominato-port")
    on_island = _at(road, "oshima-port", "oshima-school")
    expected = (hub_port[0] + 7_500 + on_island[0], hub_port[1] + 1_500 + on_island[1])
    assert _at(matrix, "hub", "oshima-school") == expected
    assert _at(matrix, "oshima-school", "hub") == expected
    # longer than the road estimate straight across the sea
    assert matrix.duration("hub", "oshima-school") > road.duration("hub", "oshima-school")
    # roads on the island itself and on the mainland are untouched
    assert _at(matrix, "oshima-port", "oshima-school") == on_island
    assert _at(matrix, "hub", "kanezaki-port") == _at(road, "hub", "kanezaki-port")


def test_two_islands_as_groups_connect_only_through_the_mainland() -> None:
    road = geodesic_matrix(COAST)
    islands = {"oshima-port": "oshima", "oshima-school": "oshima",
               "jinoshima-port": "jinoshima"}
    matrix = geodesic_matrix(COAST, fixed_legs=[OSHIMA_FERRY, JINOSHIMA_FERRY],
                             leg_only_site_ids=islands)
    expected_s = (road.duration("oshima-school", "oshima-port") + 1_500
                  + road.duration("konominato-port", "kanezaki-port") + 900)
    assert matrix.duration("oshima-school", "jinoshima-port") == expected_s
    # as one plain collection the islands would share a (non-existent) road
    one_group = geodesic_matrix(COAST, fixed_legs=[OSHIMA_FERRY, JINOSHIMA_FERRY],
                                leg_only_site_ids=set(islands))
    assert one_group.duration("oshima-school", "jinoshima-port") == \
        road.duration("oshima-school", "jinoshima-port")


def test_island_without_a_ferry_is_an_error_naming_its_sites() -> None:
    with pytest.raises(ProblemError, match=re.escape(
            "sites ['oshima-port', 'oshima-school'] cannot be reached from site 'hub'")):
        geodesic_matrix(COAST, leg_only_site_ids={"oshima-port", "oshima-school"})


def test_one_way_ferry_leaves_the_island_without_a_way_back() -> None:
    one_way = FixedLeg("konominato-port", "oshima-port", 7_500, 1_500, bidirectional=False)
    with pytest.raises(ProblemError, match=re.escape(
            "site 'hub' cannot be reached from sites ['oshima-port', 'oshima-school']")):
        geodesic_matrix(COAST, fixed_legs=[one_way],
                        leg_only_site_ids={"oshima-port", "oshima-school"})


def test_a_fixed_leg_on_the_mainland_overrides_the_road_and_shortens_paths() -> None:
    tunnel = FixedLeg("hub", "konominato-port", distance_m=2_000, duration_s=60, name="tunnel")
    road = geodesic_matrix(COAST)
    matrix = geodesic_matrix(COAST, fixed_legs=[tunnel])
    assert _at(matrix, "hub", "konominato-port") == (2_000, 60)
    assert _at(matrix, "konominato-port", "hub") == (2_000, 60)
    assert matrix.duration("hub", "kanezaki-port") <= road.duration("hub", "kanezaki-port")


@pytest.mark.parametrize(("kwargs", "fragment"), [
    # a leg from a site to itself
    ({"to_site_id": "hub"}, "field 'to_site_id': must differ from from_site_id"),
    # negative crossing time
    ({"duration_s": -1}, "field 'duration_s': must be within [0, 1000000000], got -1"),
    # fractional metres
    ({"distance_m": 7.5}, "field 'distance_m': must be an integer, got 7.5"),
    # no origin
    ({"from_site_id": ""}, "field 'from_site_id': must be a non-empty string"),
])
def test_fixed_leg_rejects_bad_fields(kwargs: dict[str, object], fragment: str) -> None:
    fields: dict[str, object] = {"from_site_id": "hub", "to_site_id": "oshima-port",
                                 "distance_m": 7_500, "duration_s": 1_500, "name": "ferry"}
    with pytest.raises(ProblemError, match=re.escape(fragment)):
        FixedLeg(**(fields | kwargs))  # type: ignore[arg-type]


# ----------------------------------------------------------------- road graph


def _sites(*ids: str) -> tuple[Site, ...]:
    return tuple(Site(site_id, lat=33.8, lon=130.5) for site_id in ids)


def _road_graph() -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_edge("A", "B", length_m=1_000, travel_s=300)  # short but slow
    graph.add_edge("A", "C", length_m=600, travel_s=100)
    graph.add_edge("C", "B", length_m=800, travel_s=100)  # A-C-B: longer but faster
    graph.add_edge("B", "A", length_m=1_000, travel_s=300)
    graph.add_edge("C", "A", length_m=600, travel_s=100)
    graph.add_edge("B", "D", length_m=2_000, travel_s=200)  # tie on time with B-E-D ...
    graph.add_edge("B", "E", length_m=400, travel_s=100)
    graph.add_edge("E", "D", length_m=400, travel_s=100)  # ... which is shorter
    graph.add_edge("D", "B", length_m=800, travel_s=200)
    return graph


def test_graph_matrix_takes_the_fastest_path_and_its_length() -> None:
    matrix = graph_matrix(_sites("a", "b", "c", "d"), _road_graph(),
                          node_of_site={"a": "A", "b": "B", "c": "C", "d": "D"})
    assert _at(matrix, "a", "b") == (1_400, 200)
    assert _at(matrix, "b", "a") == (1_000, 300)
    assert _at(matrix, "b", "d") == (800, 200)  # equal time: the shorter path
    assert _at(matrix, "d", "c") == (800 + 1_000 + 600, 200 + 300 + 100)
    assert _at(matrix, "c", "c") == (0, 0)


def test_graph_matrix_on_a_multigraph_uses_the_fastest_parallel_edge_with_float_weights() -> None:
    graph = nx.MultiGraph()
    graph.add_edge(1, 2, length_m=1_000.0, travel_s=300.0)
    graph.add_edge(1, 2, length_m=1_200.4, travel_s=250.2)  # a faster bypass
    matrix = graph_matrix(_sites("x", "y"), graph, node_of_site={"x": 1, "y": 2})
    assert _at(matrix, "x", "y") == (1_200, 251)
    assert _at(matrix, "y", "x") == (1_200, 251)  # undirected


def test_graph_matrix_reads_custom_attribute_names() -> None:
    graph = nx.Graph()
    graph.add_edge("p", "q", length=950, travel_time=70)
    matrix = graph_matrix(_sites("p", "q"), graph, node_of_site={"p": "p", "q": "q"},
                          length_attr="length", time_attr="travel_time")
    assert _at(matrix, "p", "q") == (950, 70)


def test_graph_matrix_errors_name_the_site() -> None:
    graph = _road_graph()
    with pytest.raises(ProblemError, match="site 'd' has no graph node"):
        graph_matrix(_sites("a", "d"), graph, node_of_site={"a": "A"})
    with pytest.raises(ProblemError, match="node 'Z' of site 'd' is not in the graph"):
        graph_matrix(_sites("a", "d"), graph, node_of_site={"a": "A", "d": "Z"})
    graph.add_node("F")  # an isolated node: a site on a road cut off by a landslide
    with pytest.raises(ProblemError, match="no path from site 'a' to site 'f'"):
        graph_matrix(_sites("a", "f"), graph, node_of_site={"a": "A", "f": "F"})
    graph.add_edge("D", "F", length_m=100)
    with pytest.raises(ProblemError, match="edge 'D' -> 'F' has no attribute 'travel_s'"):
        graph_matrix(_sites("d", "f"), graph, node_of_site={"d": "D", "f": "F"})
    graph.add_edge("D", "F", length_m=100, travel_s=-5)
    with pytest.raises(ProblemError, match="attribute 'travel_s' must be a finite number >= 0"):
        graph_matrix(_sites("d", "f"), graph, node_of_site={"d": "D", "f": "F"})


# ----------------------------------------------------------------- lists and overrides


def test_matrix_from_lists_accepts_whole_floats() -> None:
    matrix = matrix_from_lists(["a", "b"], [[0.0, 1_500.0], [1_400.0, 0.0]], [[0, 120], [110, 0]])
    assert _at(matrix, "a", "b") == (1_500, 120)
    assert matrix.distance_m.dtype == np.int64


@pytest.mark.parametrize(("distance_m", "fragment"), [
    # one row shorter than the other
    ([[0, 1], [1]], "matrix field 'distance_m': must be a square table of numbers"),
    # a spreadsheet cell left as text
    ([[0, "far"], [1, 0]], "matrix field 'distance_m': must be a square table of numbers"),
    # half a metre
    ([[0, 1.5], [1, 0]], "matrix field 'distance_m': must hold whole numbers"),
    # three columns for two sites
    ([[0, 1, 2], [1, 0, 2]], "matrix field 'distance_m': must be 2x2 for 2 sites"),
])
def test_matrix_from_lists_rejects_bad_tables(distance_m: object, fragment: str) -> None:
    with pytest.raises(ProblemError, match=re.escape(fragment)):
        matrix_from_lists(["a", "b"], distance_m, [[0, 1], [1, 0]])  # type: ignore[arg-type]


def test_with_fixed_legs_overrides_pairs_and_reroutes_through_them() -> None:
    base = matrix_from_lists(
        ["A", "B", "C"],
        [[0, 10_000, 15_000], [10_000, 0, 10_000], [15_000, 10_000, 0]],
        [[0, 1_000, 1_500], [1_000, 0, 1_000], [1_500, 1_000, 0]],
    )
    legs = [FixedLeg("A", "C", 5_000, 300), FixedLeg("B", "A", 1_000, 100, bidirectional=False)]
    matrix = with_fixed_legs(base, legs)
    assert _at(matrix, "A", "C") == (5_000, 300)
    assert _at(matrix, "C", "A") == (5_000, 300)
    assert _at(matrix, "B", "A") == (1_000, 100)
    assert _at(matrix, "A", "B") == (10_000, 1_000)  # one-way leg: the road back is kept
    assert _at(matrix, "B", "C") == (6_000, 400)  # via the new legs B-A-C
    assert _at(base, "B", "C") == (10_000, 1_000)  # the input is not changed
    with pytest.raises(ProblemError, match="field 'to_site_id': unknown site 'Z'"):
        with_fixed_legs(base, [FixedLeg("A", "Z", 1, 1)])


def test_shortest_paths_break_time_ties_by_distance() -> None:
    base = matrix_from_lists(
        ["A", "B", "C"],
        [[0, 10_000, 30_000], [10_000, 0, 10_000], [30_000, 10_000, 0]],
        [[0, 1_000, 2_500], [1_000, 0, 1_000], [2_500, 1_000, 0]],
    )
    ferry = FixedLeg("A", "C", distance_m=30_000, duration_s=2_000)  # as fast as via B, longer
    assert _at(with_fixed_legs(base, [ferry]), "A", "C") == (20_000, 2_000)
