"""Seeded synthetic library days and networks, for tests and scale benchmarks.

Not the bundled scenarios: places and numbers are made up (stated in each docstring) so a
test or a benchmark can have as many different days or networks of a realistic shape as
it wants. `synthetic_day` gives a routing problem directly (used by ``bookrun
bench-day``); `synthetic_network` gives a whole `Network` of N sites and M schools around a
real city centre, which `scenarios.problem_for_day` plans like Munakata.
"""

from __future__ import annotations

import datetime as dt
import math
import random

from routing.matrix import geodesic_matrix
from routing.problem import Break, Problem, Site, Task, TaskKind, TimeWindow, Vehicle
from scenarios.calendar import CalendarRules, ClosedPeriod, MonthDay
from scenarios.network import Demand, Network, NetworkSite, SchoolRuns, SiteKind, VehicleSpec

CENTRE_LAT = 33.80
CENTRE_LON = 130.54
#: 10:00-18:00, the opening hours of branches and some schools.
OPEN_10_TO_18 = (TimeWindow(36_000, 64_800),)


def synthetic_day(seed: int = 7, n_sites: int = 40) -> Problem:
    """A seeded, synthetic day around Munakata (lat 33.80, lon 130.54); no file I/O.

    Parameters
    ----------
    seed
        Seed of the generator: the same seed gives the same problem.
    n_sites
        Sites besides the hub: about 1/7 branches, 2/5 schools, the rest return posts.

    Returns
    -------
    Problem
        A hub (``munakata-hub``); branches (open 10:00-18:00) each with a delivery and a
        pickup; schools (every other one open 10:00-18:00) each with a delivery, every
        fourth also a pickup; four shipments between branches and schools; return posts
        each with an optional pickup (penalty 15-40). Two vans ``van-1``, ``van-2``,
        09:00-17:00, a 45-min lunch break starting 11:30-13:30, capacity crates 30 /
        items 1000, cost 1 per km + 10 fixed. Geodesic matrix, circuity 1.3, 30 km/h.
    """
    rng = random.Random(seed)
    n_branches = max(1, n_sites // 7)
    n_schools = max(1, n_sites * 2 // 5)
    n_posts = max(0, n_sites - n_branches - n_schools)

    def place() -> tuple[float, float]:
        return (round(CENTRE_LAT + rng.uniform(-0.05, 0.05), 5),
                round(CENTRE_LON + rng.uniform(-0.06, 0.06), 5))

    sites = [Site("munakata-hub", lat=33.8055, lon=130.5405, service_s=900,
                  name="central library (hub)")]
    tasks: list[Task] = []
    branch_ids: list[str] = []
    school_ids: list[str] = []
    for k in range(1, n_branches + 1):
        lat, lon = place()
        site_id = f"branch-{k}"
        sites.append(Site(site_id, lat=lat, lon=lon, service_s=300,
                          time_windows=OPEN_10_TO_18, name=f"branch library {k}"))
        branch_ids.append(site_id)
        crates = rng.randint(2, 4)
        tasks.append(Task(f"deliver-{site_id}", TaskKind.DELIVERY, site_id=site_id,
                          amount={"crates": crates, "items": crates * rng.randint(25, 35)},
                          service_s=rng.choice((120, 180))))
        crates = rng.randint(1, 2)
        tasks.append(Task(f"collect-{site_id}", TaskKind.PICKUP, site_id=site_id,
                          amount={"crates": crates, "items": crates * rng.randint(20, 35)},
                          service_s=120))
    for k in range(1, n_schools + 1):
        lat, lon = place()
        site_id = f"school-{k}"
        windows = OPEN_10_TO_18 if k % 2 == 0 else ()
        sites.append(Site(site_id, lat=lat, lon=lon, service_s=240, time_windows=windows,
                          name=f"school library {k}"))
        school_ids.append(site_id)
        crates = rng.randint(1, 2)
        tasks.append(Task(f"deliver-{site_id}", TaskKind.DELIVERY, site_id=site_id,
                          amount={"crates": crates, "items": crates * rng.randint(20, 30)},
                          service_s=rng.choice((60, 120))))
        if k % 4 == 0:
            tasks.append(Task(f"collect-{site_id}", TaskKind.PICKUP, site_id=site_id,
                              amount={"crates": 1, "items": rng.randint(10, 30)}, service_s=60))
    libraries = branch_ids + school_ids
    for k in range(1, min(4, len(libraries) // 2) + 1):
        pickup_site_id, delivery_site_id = rng.sample(libraries, 2)
        tasks.append(Task(f"transfer-{k}", TaskKind.SHIPMENT, pickup_site_id=pickup_site_id,
                          delivery_site_id=delivery_site_id,
                          amount={"crates": 1, "items": rng.randint(10, 35)}, service_s=60,
                          note="reserved items moving between libraries"))
    for k in range(1, n_posts + 1):
        lat, lon = place()
        site_id = f"post-{k}"
        sites.append(Site(site_id, lat=lat, lon=lon, service_s=120, name=f"return post {k}"))
        tasks.append(Task(f"empty-{site_id}", TaskKind.PICKUP, site_id=site_id,
                          amount={"crates": 1, "items": rng.randint(15, 45)}, service_s=60,
                          penalty=float(rng.choice((15, 25, 40)))))
    vans = tuple(
        Vehicle(f"van-{k}", start_site_id="munakata-hub", shift_start_s=32_400,
                shift_end_s=61_200, lunch_break=Break(41_400, 48_600, 2_700),
                capacity={"crates": 30, "items": 1_000}, cost_per_km=1.0, fixed_cost=10.0)
        for k in (1, 2)
    )
    matrix = geodesic_matrix(sites, circuity=1.3, speed_kmh=30.0)
    return Problem(tuple(sites), vans, tuple(tasks), matrix,
                   name=f"munakata-like-seed{seed}", meta={"seed": seed, "n_sites": n_sites})


#: Real city centres a synthetic network can be placed around (lat, lon of the main library).
CITY_CENTRES: dict[str, tuple[float, float]] = {
    "munakata": (33.793175, 130.549428),
    "ichinoseki": (38.928188, 141.133389),
    "fukuoka": (33.5902, 130.4017),
    "sendai": (38.2682, 140.8694),
}


def synthetic_network(
    seed: int = 0,
    *,
    n_sites: int = 12,
    n_schools: int = 10,
    centre: str | tuple[float, float] = "munakata",
    radius_km: float = 8.0,
    n_vans: int = 2,
    fiscal_year: int = 2023,
) -> Network:
    """A seeded library network of ``n_sites`` library sites and ``n_schools`` schools
    around a real city centre: a `scenarios.network.Network` that `problem_for_day`
    plans like a bundled scenario. Made-up figures, for tests and scale benchmarks.

    Parameters
    ----------
    seed
        The same seed gives the same network.
    n_sites
        Sites besides the hub and the schools: about a third branches, a sixth service
        points, the rest return posts (at least one branch).
    n_schools
        Schools, visited by a weekly Friday run in school weeks.
    centre
        A name of `CITY_CENTRES` or a ``(lat, lon)`` pair; sites fall within
        ``radius_km`` of it.
    n_vans
        Vans, 09:00-17:00 with a 45-minute lunch break, 40 crates / 1,400 items.
    fiscal_year
        The year (April to March) the figures describe: the network's data range.
    """
    if isinstance(centre, str):
        if centre not in CITY_CENTRES:
            raise ValueError(f"synthetic network field 'centre': unknown city {centre!r} "
                             f"(known: {', '.join(sorted(CITY_CENTRES))})")
        centre_lat, centre_lon = CITY_CENTRES[centre]
    else:
        centre_lat, centre_lon = centre
    for name, value, minimum in (("n_sites", n_sites, 1), ("n_schools", n_schools, 0),
                                 ("n_vans", n_vans, 1)):
        if value < minimum:
            raise ValueError(f"synthetic network field '{name}': must be >= {minimum}, "
                             f"got {value}")
    rng = random.Random(seed)
    lat_per_km = 1 / 111.0
    lon_per_km = 1 / (111.0 * math.cos(math.radians(centre_lat)))

    def place() -> tuple[float, float]:
        distance_km = radius_km * math.sqrt(rng.random())
        angle = rng.uniform(0, 2 * math.pi)
        return (round(centre_lat + distance_km * math.sin(angle) * lat_per_km, 6),
                round(centre_lon + distance_km * math.cos(angle) * lon_per_km, 6))

    source = f"synthetic: seed {seed}, not a real place"
    n_branches = max(1, n_sites // 3)
    n_points = n_sites // 6
    n_posts = max(0, n_sites - n_branches - n_points)
    sites = [NetworkSite("synth-hub", SiteKind.LIBRARY, "中央図書館 (synthetic)", centre_lat,
                         centre_lon, "library", name_en="central library", source=source,
                         hours_s=((36_000, 64_800),), service_s=900)]
    kinds = ([(SiteKind.BRANCH, "branch", "分館", "library", ((36_000, 64_800),), 600)]
             * n_branches
             + [(SiteKind.SERVICE_POINT, "point", "サービスポイント", "library",
                 ((32_400, 61_200),), 480)] * n_points
             + [(SiteKind.RETURN_POST, "post", "返却ポスト", "every_day", (), 300)] * n_posts
             + [(SiteKind.SCHOOL, "school", "学校", "school", ((30_600, 59_400),), 480)]
             * n_schools)
    counters: dict[str, int] = {}
    for kind, slug, name_ja, calendar_id, hours_s, service_s in kinds:
        counters[slug] = counters.get(slug, 0) + 1
        lat, lon = place()
        sites.append(NetworkSite(f"synth-{slug}-{counters[slug]}", kind,
                                 f"{name_ja} {counters[slug]} (synthetic)", lat, lon,
                                 calendar_id, name_en=f"{slug} {counters[slug]}",
                                 source=source, accuracy_m=0, hours_s=hours_s,
                                 service_s=service_s, post_capacity_items=(
                                     100 if kind is SiteKind.RETURN_POST else None)))
    lending = [s.site_id for s in sites if s.kind in (SiteKind.LIBRARY, SiteKind.BRANCH,
                                                      SiteKind.SERVICE_POINT)]
    holdings = {s: (rng.randint(150_000, 250_000) if s == "synth-hub"
                    else 0 if "point" in s else rng.randint(20_000, 60_000)) for s in lending}
    loans = {s: rng.randint(2_000, 120_000) for s in lending}
    reservations = {s: rng.randint(1_000, 25_000) for s in lending}
    months = [(fiscal_year, m) for m in range(4, 13)] + [(fiscal_year + 1, m)
                                                          for m in range(1, 4)]
    post_items: dict[str, dict[tuple[int, int], int]] = {}
    post_visits: dict[str, dict[tuple[int, int], int]] = {}
    for site in sites:
        if site.kind is SiteKind.RETURN_POST:
            base = rng.randint(100, 1_500)
            post_items[site.site_id] = {m: int(base * (1.5 if m[1] == 8 else 1.0)) for m in months}
            post_visits[site.site_id] = {m: rng.randint(4, 28) for m in months}
    closed_new_year = ClosedPeriod(MonthDay(12, 28), MonthDay(1, 4))
    calendars = {
        "library": CalendarRules("library", closed_weekdays=frozenset({0}), holiday_shift=True,
                                 closed_periods=(closed_new_year,), source="synthetic"),
        "school": CalendarRules("school", closed_weekdays=frozenset({5, 6}),
                                closed_on_holidays=True, closed_periods=(
                                    ClosedPeriod(MonthDay(3, 25), MonthDay(4, 7)),
                                    ClosedPeriod(MonthDay(7, 21), MonthDay(8, 31)),
                                    ClosedPeriod(MonthDay(12, 26), MonthDay(1, 7))),
                                source="synthetic"),
    }
    vans = tuple(VehicleSpec(f"van-{k}", 32_400, 61_200, 41_400, 48_600, 2_700,
                             {"crates": 40, "items": 1_400}) for k in range(1, n_vans + 1))
    demand = Demand(
        fiscal_year=fiscal_year, items_per_crate=35, handling_s_per_crate=20, open_days={},
        holdings_items=holdings, loans_items=loans, reservations_items=reservations,
        pupils={s.site_id: rng.randint(50, 900) for s in sites if s.kind is SiteKind.SCHOOL},
        post_items_by_month=post_items, post_collections_by_month=post_visits, post_annual={},
        school_runs=SchoolRuns(weekday=4, fallback_weekdays=(3, 2), runs_per_year=40,
                               calendar_id="school", consignments_delivered_per_year=60 *
                               max(1, n_schools), consignments_collected_per_year=45 *
                               max(1, n_schools), school_to_school_per_year=10 * n_schools,
                               items_per_consignment=3) if n_schools else None,
    )
    return Network(
        scenario_id=f"synthetic-{seed}", name_ja=f"合成ネットワーク {seed}",
        name_en=f"synthetic network (seed {seed})", hub_site_id="synth-hub",
        sites=tuple(sites), calendars=calendars, vehicles=vans, demand=demand,
        data_range=(dt.date(fiscal_year, 4, 1), dt.date(fiscal_year + 1, 3, 31)),
        assumptions=("Every figure and place is made up (seeded).",),
    )
