"""The driver's route sheet (運行表) as one self-contained HTML page, to print on A4 or read on
a phone.

One ``<section class="vehicle">`` per used van in plan order, each starting on a new page:
the van's day (start, end, stops, distance, break, stops done), what to load at the hub
grouped by the stop it is for ("3 須恵分館: 7 箱 — 返却 156, 予約 38"), then one row per
visit with the time, the site's short name and address, what comes off and goes on in
crates with the items by purpose, what is on board, and a tick box; a stop the driver
marked done is shaded and ticked, with the time and what was actually moved. A last
``<section class="summary">`` lists the sites not visited, the tasks left out and the
day's notes.

The page is `maps/templates/sheet.html.j2` with `maps/templates/sheet.css` inlined
(autoescaped Jinja2; no script, no external resource). Printed, the column headers
repeat on every page with the van and the date above them; on a screen narrower than
640 px every stop becomes a card. What goes into the page is computed by
`maps.sheet_model`.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files

import jinja2

from maps._common import (
    DIMENSION_LABELS,
    JST,
    REASON_LABELS_JA,
    date_ja,
    task_text,
)
from maps.document import PlanDocument, SiteLabel
from maps.sheet_model import address_prefix, purposes_used, task_label, units, van_sheets


@dataclass(frozen=True)
class _NotVisitedRow:
    site_id: str
    label: SiteLabel
    reason: str


@dataclass(frozen=True)
class _UnassignedRow:
    task_id: str
    text: str
    sites: tuple[str, ...]
    reason: str
    detail: str
    marks: tuple[str, ...] = ()


def render_sheet(doc: PlanDocument) -> str:
    """The day's route sheets: a complete HTML page, one ``<section class="vehicle"
    data-vehicle="...">`` per used van in plan order (rows ``<tr data-stop="n"
    data-site="...">``, 0 at the hub start; done stops ``<tr class="done">``), then a
    ``<section class="summary">``."""
    u = units(doc)
    not_visited = [_NotVisitedRow(item.site_id, doc.label(item.site_id), item.reason)
                   for item in doc.not_visited]
    unassigned = []
    for item in doc.plan.unassigned:
        task = doc.problem.task(item.task_id)
        unassigned.append(_UnassignedRow(
            task.task_id, task_text(doc.problem, task.task_id),
            tuple(doc.label(s).short for s in dict.fromkeys(task.site_ids)),
            f"{REASON_LABELS_JA.get(item.reason, '')} ({item.reason.value})".strip(),
            item.detail, task_label(doc, task.task_id).marks))
    return _template().render(
        title=doc.title, date_text=date_ja(doc.date), css=_css(), units=u,
        address_prefix=address_prefix(doc),
        purposes=purposes_used(doc), vans=van_sheets(doc), not_visited=not_visited,
        unassigned=unassigned, notes=doc.notes, warnings=doc.warnings,
        mark_meanings=doc.mark_meanings)


def _amount(amount: Mapping[str, int]) -> str:
    """``{"crates": 2, "items": 150}`` -> ``"2 箱 · 150 冊"`` (the dimensions' counters)."""
    return " · ".join(f"{value} {DIMENSION_LABELS.get(dim, (dim, ''))[0]}"
                      for dim, value in amount.items())


def _hhmm_local(moment: dt.datetime) -> str:
    """An aware time as ``HH:MM`` in Japan time (a naive one is taken as Japan time)."""
    local = moment.astimezone(JST) if moment.tzinfo else moment
    return f"{local.hour:02d}:{local.minute:02d}"


@functools.cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("maps", "templates"), autoescape=True,
        undefined=jinja2.StrictUndefined, trim_blocks=False, lstrip_blocks=False)
    env.filters["amount"] = _amount
    env.filters["hhmm_local"] = _hhmm_local
    return env


def _template() -> jinja2.Template:
    return _environment().get_template("sheet.html.j2")


@functools.cache
def _css() -> str:
    return (files("maps") / "templates" / "sheet.css").read_text(encoding="utf-8")
