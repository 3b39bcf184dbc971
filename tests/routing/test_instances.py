"""Benchmark readers, BKS tables and route files (`routing.instances`)."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from benchmark_files import BENCH, bench_names, needs_bench

from routing.errors import InstanceFormatError
from routing.instances import (
    LILIM,
    SOLOMON,
    Bks,
    detect_format,
    read_bks_csv,
    read_instance,
    read_lilim,
    read_solomon,
    read_solution_routes,
)
from routing.problem import TaskKind

DATA = Path(__file__).resolve().parents[1] / "data"
TINY_SOLOMON = DATA / "instances" / "tiny10.txt"
TINY_LILIM = DATA / "instances" / "tiny_lc4.txt"


# --------------------------------------------------------------------------- Solomon


@needs_bench
def test_read_solomon_c101() -> None:
    problem = read_instance(BENCH / "solomon" / "C101.txt")
    assert problem.name == "C101"
    meta = problem.meta
    assert meta["family"] == SOLOMON and meta["scale"] == 10
    assert len(problem.sites) == 101 and len(problem.tasks) == 100
    assert all(t.kind is TaskKind.PICKUP for t in problem.tasks)
    assert problem.task("c1").amount == {"demand": 10}
    assert len(problem.vehicles) == 25
    vehicle = problem.vehicles[0]
    assert vehicle.capacity == {"demand": 200}
    assert (vehicle.shift_start_s, vehicle.shift_end_s) == (0, 12360)
    assert vehicle.cost_per_km == 100 and vehicle.fixed_cost == 0
    depot, first = problem.site("n0"), problem.site("n1")
    assert depot.time_windows[0].start_s == 0 and depot.time_windows[0].end_s == 12360
    assert first.service_s == 900
    assert (first.time_windows[0].start_s, first.time_windows[0].end_s) == (9120, 9670)
    # (40,50) -> (45,68): sqrt(349) = 18.681... -> 18.6 -> 186
    assert problem.matrix.distance("n0", "n1") == 186
    assert problem.matrix.duration("n0", "n1") == 186
    assert (problem.matrix.distance_m == problem.matrix.duration_s).all()
    assert meta["coords"][1] == (45.0, 68.0)
    assert -90 <= first.lat <= 90 and -180 <= first.lon <= 180


def test_solomon_truncation_is_exact() -> None:
    # (0,0)-(3,4) is exactly 5: floor(10 * 5) = 50, not 49 from a float error.
    from routing.instances import solomon_matrix

    matrix = solomon_matrix([(0, 0), (3, 4), (1, 1)])
    assert matrix[0, 1] == 50 and matrix[1, 0] == 50
    assert matrix[0, 2] == 14  # sqrt(2) = 1.414 -> 1.4
    assert matrix[1, 2] == math.floor(10 * math.hypot(2, 3))


def test_crlf_and_lf_read_the_same(tmp_path: Path) -> None:
    raw = TINY_SOLOMON.read_bytes()
    assert b"\r\n" in raw
    lf = tmp_path / "tiny10.txt"
    lf.write_bytes(raw.replace(b"\r\n", b"\n"))
    a, b = read_solomon(TINY_SOLOMON), read_solomon(lf)
    assert (a.matrix.distance_m == b.matrix.distance_m).all()
    assert [s.time_windows for s in a.sites] == [s.time_windows for s in b.sites]
    raw_lilim = TINY_LILIM.read_bytes()
    lf2 = tmp_path / "tiny_lc4.txt"
    lf2.write_bytes(raw_lilim.replace(b"\r\n", b"\n"))
    assert (read_lilim(TINY_LILIM).matrix.duration_s == read_lilim(lf2).matrix.duration_s).all()


# --------------------------------------------------------------------------- Li & Lim


@needs_bench
def test_read_lilim_lc101() -> None:
    problem = read_instance(BENCH / "lilim" / "lc101.txt")
    assert problem.name == "lc101"
    assert problem.meta["family"] == LILIM and problem.meta["scale"] == 1000
    assert len(problem.sites) == 107 and len(problem.tasks) == 53
    assert all(t.kind is TaskKind.SHIPMENT for t in problem.tasks)
    task = problem.task("s3")  # pickup 3 -> delivery 75
    assert (task.pickup_site_id, task.delivery_site_id) == ("n3", "n75")
    assert task.amount == {"demand": 10}
    vehicle = problem.vehicles[0]
    assert len(problem.vehicles) == 25 and vehicle.capacity == {"demand": 200}
    assert vehicle.cost_per_km == 1 and vehicle.fixed_cost == 10_000
    assert problem.site("n3").service_s == 90_000
    dist, dur = problem.matrix.distance_m, problem.matrix.duration_s
    assert ((dur - dist >= 0) & (dur - dist <= 1)).all()
    exact = 1000 * math.hypot(45 - 40, 68 - 50)
    assert problem.matrix.distance("n0", "n1") == round(exact)
    assert problem.matrix.duration("n0", "n1") == math.ceil(exact)


@needs_bench
def test_lilim_fixed_cost_is_a_keyword() -> None:
    problem = read_instance(BENCH / "lilim" / "lc101.txt", vehicle_fixed_cost=0.0)
    assert all(v.fixed_cost == 0 for v in problem.vehicles)
    assert problem.meta["vehicle_fixed_cost"] == 0.0


def test_tiny_lilim() -> None:
    problem = read_lilim(TINY_LILIM)
    assert len(problem.tasks) == 4 and len(problem.vehicles) == 4
    assert problem.meta["pairs"] == ((1, 2), (3, 4), (5, 6), (7, 8))
    assert problem.site("n2").name == "delivery 2"


# --------------------------------------------------------------------------- every file


@needs_bench
@pytest.mark.parametrize("family", [SOLOMON, LILIM])
def test_every_benchmark_file_reads(family: str) -> None:
    names = bench_names(family)
    assert len(names) == 56
    for name in names:
        path = BENCH / family / f"{name}.txt"
        assert detect_format(path) == family
        problem = read_instance(path)
        assert problem.meta["family"] == family
        assert len(problem.tasks) >= 50


# --------------------------------------------------------------------------- malformed


@pytest.mark.parametrize(("name", "expected"), [
    ("solomon_bad_due.txt", "solomon_bad_due.txt:12: field 'DUE_DATE': expected an integer, "
                            "got '8x0'"),
    ("solomon_short_row.txt", "solomon_short_row.txt:13: field 'SERVICE_TIME': expected 7 "
                              "values"),
    ("solomon_bad_numbering.txt", "solomon_bad_numbering.txt:14: field 'CUST_NO': expected "
                                  "node 4"),
    ("solomon_due_before_ready.txt", "solomon_due_before_ready.txt:15: field 'DUE_DATE': must "
                                     "be >= READY_TIME (90), got 67"),
    ("lilim_bad_sibling.txt", "lilim_bad_sibling.txt:4: field 'PICKUP_SIBLING': task 2 is "
                              "the delivery of pickup 1, so its PICKUP_SIBLING must be 1, "
                              "got 3"),
    ("lilim_short_row.txt", "lilim_short_row.txt:5: field 'DELIVERY_SIBLING': expected 9 "
                            "values"),
    ("lilim_bad_header.txt", "lilim_bad_header.txt:1: unknown instance format"),
    ("unknown_format.txt", "unknown_format.txt:1: unknown instance format"),
])
def test_malformed_instances(name: str, expected: str) -> None:
    with pytest.raises(InstanceFormatError) as info:
        read_instance(DATA / "malformed" / name)
    assert expected in str(info.value)
    assert str(DATA / "malformed" / name) in str(info.value)


def test_lilim_header_error_names_the_field() -> None:
    with pytest.raises(InstanceFormatError, match=r":1: field 'VEHICLES CAPACITY SPEED': "
                                                  r"expected 3 values on the first line, got 2"):
        read_lilim(DATA / "malformed" / "lilim_bad_header.txt")


def test_missing_file_and_empty_file(tmp_path: Path) -> None:
    with pytest.raises(InstanceFormatError, match="cannot read file"):
        read_instance(tmp_path / "nope.txt")
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    with pytest.raises(InstanceFormatError, match="unknown instance format"):
        read_instance(empty)
    with pytest.raises(InstanceFormatError, match=r"empty\.txt:1: empty file"):
        read_solomon(empty)
    header_only = tmp_path / "header.txt"
    header_only.write_text("C999\n")
    with pytest.raises(InstanceFormatError, match="no 'VEHICLE' section"):
        read_solomon(header_only)


def test_solomon_without_customer_rows(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("X\n\nVEHICLE\nNUMBER CAPACITY\n 2 10\n\nCUSTOMER\nCUST NO. ...\n"
                    " 0 0 0 0 0 100 0\n")
    with pytest.raises(InstanceFormatError, match="at least one customer"):
        read_solomon(path)


# --------------------------------------------------------------------------- BKS tables


@needs_bench
def test_read_bks_tables() -> None:
    solomon = read_bks_csv(BENCH / "solomon" / "bks.csv")
    assert len(solomon) == 56
    assert solomon["c101"] == Bks(vehicles=10, distance=827.3)
    assert solomon["r101"] == Bks(vehicles=20, distance=1637.7)
    lilim = read_bks_csv(BENCH / "lilim" / "bks.csv")
    assert lilim["lc103"] == Bks(vehicles=9, distance=1035.3499)


def test_read_user_bks_csv() -> None:
    table = read_bks_csv(DATA / "malformed" / "bks_user.csv")  # Instance,Distance only
    assert table == {"c101": Bks(None, 827.3), "r101": Bks(None, 1637.7)}
    assert read_bks_csv(DATA / "instances" / "bks.csv")["tiny10"] == Bks(1, 58.1)


@pytest.mark.parametrize(("name", "expected"), [
    ("bks_bad_distance.csv", r"bks_bad_distance.csv:3: field 'distance': expected a number, "
                             r"got 'abc'"),
    ("bks_no_distance.csv", r"bks_no_distance.csv:1: field 'distance': missing column"),
])
def test_bad_bks_csv(name: str, expected: str) -> None:
    with pytest.raises(InstanceFormatError, match=expected):
        read_bks_csv(DATA / "malformed" / name)


# --------------------------------------------------------------------------- routes


def test_read_solution_routes_both_formats(tmp_path: Path) -> None:
    assert read_solution_routes(DATA / "instances" / "tiny10.sol") == [
        [5, 3, 7, 8, 10, 9, 6, 4, 2, 1]]
    assert read_solution_routes(DATA / "instances" / "tiny_lc4.sol") == [
        [3, 1, 4, 7, 8, 5, 6, 2]]
    bad = tmp_path / "bad.sol"
    bad.write_text("Route #1: 1 x 3\n")
    with pytest.raises(InstanceFormatError, match=r"bad.sol:1: field 'route 1'"):
        read_solution_routes(bad)
    (tmp_path / "none.sol").write_text("Cost 12\n")
    with pytest.raises(InstanceFormatError, match=re.escape("no 'Route ... :' line")):
        read_solution_routes(tmp_path / "none.sol")
