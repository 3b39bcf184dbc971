"""What wants to move on a date, derived from the scenario's annual figures.

The formulas (every input is a fact of the scenario's ``site_figures.csv`` or one of its
stated assumptions; ``H`` is the total holdings, ``share[o] = holdings[o] / H``):

- reservations: items reserved for pickup at ``p`` and owned by ``o != p`` travel
  ``o -> p``: ``reservations[p] * share[o] / 365`` a day;
- returns: items lent at ``s`` and owned by ``o != s`` go back ``s -> o``:
  ``loans[s] * share[o] / 365`` a day, times the month's return factor (the month's
  return-post items per day over the year's: the August peak);
- return-post items are sorted at the hub and go home ``hub -> o``: all posts' items of
  the month per day ``* share[o]``;
- island service points with a monthly lending table: that month's items per day go out
  and come back;
- a site is not served every day (closed days, run weekdays), so each flow accumulates
  over the calendar days since the site was last served: ``round(rate * days)``.

School runs (資料貸借システム): a van visits every school on the run day of each school
week; per run, school ``k`` gets ``consignments_delivered / runs * pupils[k] / pupils`` *
``items_per_consignment`` items and returns its share of the collected consignments; a
few school-to-school loans travel too (pairs drawn with a seed made from the date).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass
from enum import StrEnum

from scenarios.calendar import dates, days_in_month
from scenarios.figures import estimate_label, figures_date
from scenarios.network import LENDING_KINDS, Network, NetworkSite, SiteKind

#: How far back to look for the last day a site was served.
MAX_ACCUMULATION_DAYS = 14


class Purpose(StrEnum):
    RESERVATIONS = "reservations"  # 予約資料
    RETURNS = "returns"  # 返却資料 going home to the owning site
    ISLAND = "island"  # 島への貸出資料
    SCHOOL_LOAN = "school_loan"  # 資料貸借: materials to a school
    SCHOOL_RETURN = "school_return"  # 資料貸借: materials back from a school
    SCHOOL_TO_SCHOOL = "school_to_school"  # 学校間貸借
    GROUP_LENDING = "group_lending"  # 団体貸出: crates lent to a group
    INTER_LIBRARY_LOAN = "inter_library_loan"  # 相互貸借 with another city's library
    REQUEST = "request"  # a request recorded by staff or a school librarian


PURPOSE_JA = {
    Purpose.RESERVATIONS: "予約資料 reservations",
    Purpose.RETURNS: "返却資料 returns",
    Purpose.ISLAND: "島の貸出資料 island loans",
    Purpose.SCHOOL_LOAN: "学校貸出 school loans",
    Purpose.SCHOOL_RETURN: "学校返却 school returns",
    Purpose.SCHOOL_TO_SCHOOL: "学校間貸借 school-to-school",
    Purpose.GROUP_LENDING: "団体貸出 group lending",
    Purpose.INTER_LIBRARY_LOAN: "相互貸借 inter-library loan",
    Purpose.REQUEST: "依頼 request",
}
#: The word for each purpose where space is short (the driver's sheet): Japanese, English.
PURPOSE_SHORT = {
    Purpose.RESERVATIONS: ("予約", "reservations"),
    Purpose.RETURNS: ("返却", "returns"),
    Purpose.ISLAND: ("島貸出", "island loans"),
    Purpose.SCHOOL_LOAN: ("学校貸出", "school loans"),
    Purpose.SCHOOL_RETURN: ("学校返却", "school returns"),
    Purpose.SCHOOL_TO_SCHOOL: ("学校間", "school to school"),
    Purpose.REQUEST: ("依頼", "request"),
}


@dataclass(frozen=True)
class MaterialRequest:
    """Items to move from one site to another. ``crates`` defaults to the items divided by
    the scenario's items per crate, rounded up.

    ``recorded`` marks what people recorded (a school request, a consignment): it travels
    the same day and keeps its own task (`scenarios.day.request_task_id`); a request of
    purpose ``REQUEST`` is always recorded. ``estimate`` is the label of a flow the demand
    model derived from the annual figures (`scenarios.figures.estimate_label`), empty for
    recorded ones.
    """

    request_id: str
    from_site_id: str
    to_site_id: str
    items: int
    purpose: Purpose = Purpose.REQUEST
    note: str = ""
    crates: int | None = None
    recorded: bool = False
    estimate: str = ""

    def __post_init__(self) -> None:
        obj = f"request '{self.request_id}'"
        for name in ("request_id", "from_site_id", "to_site_id"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"{obj} field '{name}': must be a non-empty string, "
                                 f"got {value!r}")
        if self.from_site_id == self.to_site_id:
            raise ValueError(f"{obj} field 'to_site_id': must differ from from_site_id, got "
                             f"{self.to_site_id!r} twice")
        if isinstance(self.items, bool) or not isinstance(self.items, int) or self.items < 1:
            raise ValueError(f"{obj} field 'items': must be a whole number >= 1, "
                             f"got {self.items!r}")
        if self.crates is not None and (isinstance(self.crates, bool)
                                        or not isinstance(self.crates, int) or self.crates < 1):
            raise ValueError(f"{obj} field 'crates': must be a whole number >= 1, "
                             f"got {self.crates!r}")
        object.__setattr__(self, "purpose", Purpose(self.purpose))
        if self.purpose is Purpose.REQUEST:
            object.__setattr__(self, "recorded", True)
        if self.recorded and self.estimate:
            raise ValueError(f"{obj} field 'estimate': a recorded request is not an "
                             f"estimate, got {self.estimate!r}")


def is_served(network: Network, site: NetworkSite, day: dt.date) -> bool:
    """Whether a van can serve ``site`` on ``day``: the hub and the site open, and the day
    one of the site's run weekdays (if it has any)."""
    if not network.calendar_of(network.hub_site_id).is_open(day):
        return False
    if site.run_weekdays and day.weekday() not in site.run_weekdays:
        return False
    return network.calendar_of(site.site_id).is_open(day)


def site_closed_reason(network: Network, site_id: str, day: dt.date) -> str | None:
    """Why a van cannot serve the site on ``day`` (closed, or not one of its run
    weekdays), in Japanese then English, else None. The hub's own closure is the caller's
    to check."""
    site = network.site(site_id)
    reason = network.calendar_of(site_id).closure_reason(day)
    if reason:
        return f"{site.name_ja} 休館 closed: {reason}"
    if site.run_weekdays and day.weekday() not in site.run_weekdays:
        return f"{site.name_ja}: 運行日以外 not a run day for this site"
    return None


def days_to_serve(network: Network, site: NetworkSite, day: dt.date) -> int:
    """Calendar days whose flows wait for ``day``: since the last day the site was served
    (1 when it was served yesterday), at most `MAX_ACCUMULATION_DAYS`."""
    for back in range(1, MAX_ACCUMULATION_DAYS + 1):
        if is_served(network, site, day - dt.timedelta(days=back)):
            return back
    return MAX_ACCUMULATION_DAYS


def return_factor(network: Network, day: dt.date) -> float:
    """The month's return volume against the year's average (1.0 without post data):
    all posts' items per day in the month over all posts' items per day in the year (the
    month of the figures' year, `scenarios.figures.figures_date`)."""
    by_month = network.demand.post_items_by_month
    if not by_month:
        return 1.0
    day = figures_date(network, day)
    month_items = sum(m.get((day.year, day.month), 0) for m in by_month.values())
    year_items = sum(sum(m.values()) for m in by_month.values())
    months = {k for m in by_month.values() for k in m}
    year_days = sum(days_in_month(dt.date(y, mo, 1)) for y, mo in months)
    if not year_items or not month_items or not year_days:
        return 1.0
    return (month_items / days_in_month(day)) / (year_items / year_days)


def daily_requests(network: Network, day: dt.date) -> list[MaterialRequest]:
    """The flows between library sites that want to move on ``day`` (see module doc); the
    monthly tables are read for the same month of the figures' year, and every flow is
    labelled as an estimate."""
    demand = network.demand
    month_day = figures_date(network, day)
    month_key = (month_day.year, month_day.month)
    label = estimate_label(network)
    holdings = demand.holdings_items
    total_holdings = sum(holdings.values())
    if not total_holdings:
        return []
    share = {o: h / total_holdings for o, h in holdings.items() if h > 0}
    factor = return_factor(network, day)
    lending = [s for s in network.sites if s.kind in LENDING_KINDS]
    days = {s.site_id: days_to_serve(network, s, day) for s in network.sites}
    hub = network.hub_site_id
    rates: dict[tuple[str, str, Purpose], float] = {}

    def add(from_id: str, to_id: str, purpose: Purpose, per_day: float) -> None:
        if from_id != to_id and per_day > 0:
            key = (from_id, to_id, purpose)
            rates[key] = rates.get(key, 0.0) + per_day

    for site in lending:
        pickup = site.site_id
        for owner, owner_share in share.items():
            add(owner, pickup, Purpose.RESERVATIONS,
                demand.reservations_items.get(pickup, 0) * owner_share / 365)
            add(pickup, owner, Purpose.RETURNS,
                demand.loans_items.get(pickup, 0) * owner_share / 365 * factor)
    post_items_per_day = 0.0
    for months in demand.post_items_by_month.values():
        post_items_per_day += months.get(month_key, 0) / days_in_month(month_day)
    for items, _ in demand.post_annual.values():
        post_items_per_day += items / 366 if _is_leap_fy(demand.fiscal_year) else items / 365
    for owner, owner_share in share.items():
        add(hub, owner, Purpose.RETURNS, post_items_per_day * owner_share)
    for site_id, months in demand.island_items_by_month.items():
        per_day = months.get(month_key, 0) / days_in_month(month_day)
        add(hub, site_id, Purpose.ISLAND, per_day)
        add(site_id, hub, Purpose.ISLAND, per_day)

    requests: list[MaterialRequest] = []
    for (from_id, to_id, purpose), per_day in sorted(rates.items()):
        if not (_runs_today(network.site(from_id), day) and _runs_today(network.site(to_id), day)):
            continue  # kept for the site's next run day, where `days_to_serve` counts it
        # A flow waits for the site that is not the hub (the hub is served every day).
        waiting = max(days[from_id] if from_id != hub else 1, days[to_id] if to_id != hub else 1)
        items = round(per_day * waiting)
        if items < 1:
            continue
        requests.append(MaterialRequest(
            f"{purpose.value}:{from_id}->{to_id}", from_id, to_id, items, purpose,
            note=f"{PURPOSE_JA[purpose]} ({per_day:.1f}/day x {waiting} d)", estimate=label))
    return requests


def _runs_today(site: NetworkSite, day: dt.date) -> bool:
    return not site.run_weekdays or day.weekday() in site.run_weekdays


def _is_leap_fy(fiscal_year: int) -> bool:
    first = dt.date(fiscal_year, 4, 1)
    return (dt.date(fiscal_year + 1, 4, 1) - first).days == 366


def school_run_days(network: Network, first: dt.date, last: dt.date) -> list[dt.date]:
    """The school-run days from ``first`` to ``last``.

    With a weekly run day: in each week, the usual run weekday, or the first fallback
    weekday of the same week, on which the schools are in session and the hub is open.
    With ``weekday: per_site`` (a bookmobile round): every day on which at least one school
    is due (`schools_due`)."""
    runs = network.demand.school_runs
    if runs is None:
        return []
    if runs.weekday is None:
        return [d for d in dates(first, last) if schools_due(network, d)]
    school = network.calendars[runs.calendar_id]
    hub = network.calendar_of(network.hub_site_id)
    result: list[dt.date] = []
    monday = first - dt.timedelta(days=first.weekday())
    while monday <= last:
        for weekday in (runs.weekday, *runs.fallback_weekdays):
            day = monday + dt.timedelta(days=weekday)
            if school.is_open(day) and hub.is_open(day):
                if first <= day <= last:
                    result.append(day)
                break
        monday += dt.timedelta(days=7)
    return result


def is_school_run_day(network: Network, day: dt.date) -> bool:
    return day in school_run_days(network, day, day)


def schools_due(network: Network, day: dt.date) -> tuple[NetworkSite, ...]:
    """The schools the round visits on ``day``: every school on a weekly run day; with a
    per-site round, the schools whose ``run_weekdays`` hold the day, when schools are in
    session and the hub is open."""
    runs = network.demand.school_runs
    if runs is None:
        return ()
    schools = network.sites_of_kind(SiteKind.SCHOOL)
    if runs.weekday is not None:
        return schools if day in school_run_days(network, day, day) else ()
    if not (network.calendars[runs.calendar_id].is_open(day)
            and network.calendar_of(network.hub_site_id).is_open(day)):
        return ()
    return tuple(s for s in schools if day.weekday() in s.run_weekdays)


def school_requests(network: Network, day: dt.date) -> list[MaterialRequest]:
    """The school round's deliveries, collections and school-to-school loans on ``day``
    (none when no school is due)."""
    runs = network.demand.school_runs
    schools = schools_due(network, day)
    if runs is None or not schools:
        return []
    all_schools = network.sites_of_kind(SiteKind.SCHOOL)
    weights = {s.site_id: network.demand.pupils.get(s.site_id, 1) for s in all_schools}
    total = sum(weights.values()) or 1
    # A weekly run visits every school: shares of the year's consignments per run. A
    # per-site round visits each school runs_per_year times: the same per-visit shares.
    hub = network.hub_site_id
    label = estimate_label(network)
    requests: list[MaterialRequest] = []
    for school in schools:
        share = weights[school.site_id] / total
        deliver = max(1, round(runs.consignments_delivered_per_year / runs.runs_per_year
                               * share * runs.items_per_consignment))
        collect = max(1, round(runs.consignments_collected_per_year / runs.runs_per_year
                               * share * runs.items_per_consignment))
        requests.append(MaterialRequest(
            f"school_loan:{school.site_id}", hub, school.site_id, deliver, Purpose.SCHOOL_LOAN,
            note=f"{PURPOSE_JA[Purpose.SCHOOL_LOAN]} (share {share:.1%})", estimate=label))
        requests.append(MaterialRequest(
            f"school_return:{school.site_id}", school.site_id, hub, collect,
            Purpose.SCHOOL_RETURN,
            note=f"{PURPOSE_JA[Purpose.SCHOOL_RETURN]} (share {share:.1%})",
            estimate=label))
    loans_per_run = runs.school_to_school_per_year / runs.runs_per_year
    rng = random.Random(day.toordinal())
    count = math.floor(loans_per_run) + (1 if rng.random() < loans_per_run % 1 else 0)
    ids = [s.site_id for s in schools if not s.via_port_id]
    for k in range(1, min(count, len(ids) // 2) + 1):
        lender, borrower = rng.sample(ids, 2)
        requests.append(MaterialRequest(
            f"school_to_school:{k}:{lender}->{borrower}", lender, borrower,
            runs.items_per_consignment, Purpose.SCHOOL_TO_SCHOOL,
            note=PURPOSE_JA[Purpose.SCHOOL_TO_SCHOOL], estimate=label))
    return requests


def requests_for_day(network: Network, day: dt.date) -> list[MaterialRequest]:
    """Everything the scenario's demand model wants moved on ``day``."""
    return daily_requests(network, day) + school_requests(network, day)


__all__ = [
    "PURPOSE_JA",
    "MaterialRequest",
    "Purpose",
    "daily_requests",
    "days_to_serve",
    "is_school_run_day",
    "is_served",
    "requests_for_day",
    "return_factor",
    "school_requests",
    "school_run_days",
    "schools_due",
    "site_closed_reason",
]
