"""The seeded synthetic network: reproducible, placed around a real centre, and plannable."""

from __future__ import annotations

import datetime as dt

import pytest

from api.services.planning import plan_day
from routing import verify
from routing.matrix import haversine_m
from scenarios.network import SiteKind
from scenarios.synth import CITY_CENTRES, synthetic_network


def test_the_same_seed_gives_the_same_network_and_another_seed_another() -> None:
    first = synthetic_network(5, n_sites=15, n_schools=8)
    again = synthetic_network(5, n_sites=15, n_schools=8)
    other = synthetic_network(6, n_sites=15, n_schools=8)
    assert [(s.site_id, s.lat, s.lon) for s in first.sites] == \
        [(s.site_id, s.lat, s.lon) for s in again.sites]
    assert [(s.lat, s.lon) for s in first.sites] != [(s.lat, s.lon) for s in other.sites]


def test_n_sites_and_m_schools_lie_within_the_radius_of_the_city_centre() -> None:
    network = synthetic_network(1, n_sites=24, n_schools=16, centre="ichinoseki", radius_km=6)
    schools = network.sites_of_kind(SiteKind.SCHOOL)
    assert len(schools) == 16
    assert len(network.sites) == 1 + 24 + 16
    lat0, lon0 = CITY_CENTRES["ichinoseki"]
    for site in network.sites:
        distance_m = haversine_m([lat0, site.lat], [lon0, site.lon])[0, 1]
        assert distance_m <= 6_000 * 1.01
        assert site.source.startswith("synthetic")


def test_unknown_centre_is_named() -> None:
    with pytest.raises(ValueError, match="field 'centre': unknown city 'atlantis'"):
        synthetic_network(centre="atlantis")


@pytest.mark.parametrize("day", [dt.date(2023, 11, 14), dt.date(2023, 11, 17)])
def test_a_synthetic_network_plans_like_a_bundled_scenario(day: dt.date) -> None:
    network = synthetic_network(2, n_sites=12, n_schools=8, n_vans=3)
    day_plan = plan_day(network, day, time_limit_s=1.0)
    assert verify(day_plan.problem, day_plan.plan) == []
    assert day_plan.problem.tasks
    assert day_plan.notes.school_run is (day.weekday() == 4)
