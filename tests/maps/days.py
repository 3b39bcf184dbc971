"""The days the renderer tests draw: a two-van problem to solve, its site labels, and text
that would be markup if a renderer forgot to escape it."""

from __future__ import annotations

import dataclasses
import datetime as dt

from maps.document import SiteLabel
from routing.matrix import geodesic_matrix
from routing.problem import Break, Problem, Site, Task, TaskKind, TimeWindow, Vehicle

H = 3_600
#: A Wednesday.
DAY = dt.date(2023, 11, 15)

#: site_id -> (lat, lon, name_ja, name_en, kind)
DAY_SITES = {
    "hub": (33.8055, 130.5405, "宗像市民図書館", "Munakata City Library", "library"),
    "br-north": (33.8400, 130.5100, "北分館", "North Branch", "branch"),
    "br-east": (33.7700, 130.5800, "東分館", "East Branch", "branch"),
    "sch-1": (33.8200, 130.5600, "第一小学校", "No. 1 Elementary School", "school"),
    "sch-2": (33.7800, 130.5200, "第二小学校", "No. 2 Elementary School", "school"),
    "post-1": (33.7950, 130.5700, "駅前返却ポスト", "Station Return Post", "return_post"),
    "post-far": (33.9500, 130.4000, "大島港返却ポスト", "Oshima Port Return Post",
                 "return_post"),
}
#: Closed today: labelled, not in the problem.
CLOSED_SITE = SiteLabel("annex-closed", "須恵分館", 33.8100, 130.5200, name_en="Sue Annex",
                        address_ja="宗像市須恵1-1", kind="annex")


def make_day_problem() -> Problem:
    """Hub and six sites; 12 crates to deliver and vans of 8, so both vans go out; an
    optional pickup 20 km away with a penalty of 1, which the solver leaves out."""
    sites = tuple(Site(site_id, lat=lat, lon=lon, service_s=300, name=name_en)
                  for site_id, (lat, lon, _ja, name_en, _kind) in DAY_SITES.items())
    sites = tuple(dataclasses.replace(s, time_windows=(TimeWindow(10 * H, 12 * H),))
                  if s.site_id == "sch-1" else s for s in sites)
    vans = tuple(Vehicle(vehicle_id, start_site_id="hub", shift_start_s=8 * H,
                         shift_end_s=17 * H, lunch_break=Break(11 * H, 13 * H, 45 * 60),
                         capacity={"crates": 8, "items": 300}, fixed_cost=10.0)
                 for vehicle_id in ("van-1", "van-2"))
    tasks = (
        Task("del-north", TaskKind.DELIVERY, site_id="br-north",
             amount={"crates": 4, "items": 120}, note="予約資料 reservations → 北分館"),
        Task("del-east", TaskKind.DELIVERY, site_id="br-east",
             amount={"crates": 4, "items": 110}, note="予約資料 reservations → 東分館"),
        Task("del-sch-1", TaskKind.DELIVERY, site_id="sch-1",
             amount={"crates": 2, "items": 61}, note="団体貸出 class loan → 第一小学校"),
        Task("del-sch-2", TaskKind.DELIVERY, site_id="sch-2",
             amount={"crates": 2, "items": 58}, note="団体貸出 class loan → 第二小学校"),
        Task("pick-post-1", TaskKind.PICKUP, site_id="post-1",
             amount={"crates": 1, "items": 35}, note="返却本 returns ← 駅前ポスト"),
        Task("ship-north-sch-2", TaskKind.SHIPMENT, pickup_site_id="br-north",
             delivery_site_id="sch-2", amount={"crates": 1, "items": 20},
             note="相互貸借 transfer 北分館 → 第二小学校"),
        Task("pick-post-far", TaskKind.PICKUP, site_id="post-far",
             amount={"crates": 1, "items": 10}, penalty=1.0,
             note="返却本 returns ← 大島港ポスト"),
    )
    return Problem(sites, vans, tasks, geodesic_matrix(sites), name="two-van day")


def day_labels() -> dict[str, SiteLabel]:
    labels = {site_id: SiteLabel(site_id, name_ja, lat, lon, name_en=name_en,
                                 address_ja=f"宗像市 {name_ja}", kind=kind)
              for site_id, (lat, lon, name_ja, name_en, kind) in DAY_SITES.items()}
    labels[CLOSED_SITE.site_id] = CLOSED_SITE
    return labels


#: Markup in data people edit (names, notes, reasons); renderers must show it as text.
HOSTILE = '<script>alert("x")</script>'
