"""A seeded synthetic library day around Munakata, for tests and scale benchmarks.

Not the Munakata scenario: the numbers are made up (stated in the docstring) so a test
or a benchmark can have as many different days of a realistic shape as it wants.
"""

from __future__ import annotations

import random

from routing.matrix import geodesic_matrix
from routing.problem import Break, Problem, Site, Task, TaskKind, TimeWindow, Vehicle

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
