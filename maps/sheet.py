"""The driver's route sheet (運行表) as printable HTML, and the stops as CSV.

`render_sheet` gives one A4 page per used vehicle, in plan order, then a page with the
sites not visited, the unassigned tasks and the day's notes. Self-contained: embedded
CSS, no script, no external resource; every text from the data is HTML-escaped.

`stops_csv` gives one row per visit (hub start and end included), UTF-8 without BOM,
``\\n`` line ends, a header row, these columns:

=================  ===============================================================
vehicle_id         the van
stop               0 at the hub start, 1, 2, ... for the stops, last at the hub end
site_id            the site
name_ja, name_en   the site's names
address_ja         the site's address
lat, lon           WGS 84 decimal degrees, 6 decimals
arrival            HH:MM the van arrives (local time; seconds dropped)
start              HH:MM service starts
departure          HH:MM the van leaves
waiting_min        minutes idle before service starts (rounded)
actions            ``kind:task_id`` joined by ``;`` (e.g. ``pickup:t1;delivery:t2``)
crates_on          crates put into the van here (load, pickup)
crates_off         crates taken out here (delivery, unload)
items_on           items put into the van here
items_off          items taken out here
load_crates_after  crates on board when leaving
load_items_after   items on board when leaving
=================  ===============================================================

The crates and items columns are empty when the problem has no such dimension; any
other capacity dimension ``d`` adds ``d_on, d_off, load_d_after`` at the end.
"""

from __future__ import annotations

import csv
import io
from html import escape

from maps._common import (
    ACTION_LABELS,
    REASON_LABELS_JA,
    date_ja,
    dimension_label,
    hhmm,
    labelled_task_html,
    moved_at,
    used_routes,
    whole_minutes,
)
from maps.document import PlanDocument
from routing.result import Route, Visit, VisitKind

#: The dimensions that always have CSV columns, in column order.
CSV_DIMENSIONS = ("crates", "items")

_CSS = """
@page { size: A4; margin: 12mm; }
* { box-sizing: border-box; }
body { margin: 0; color: #000; font-size: 10pt; line-height: 1.35;
  font-family: "Hiragino Kaku Gothic ProN", "Hiragino Sans", "BIZ UDPGothic", Meiryo,
  "Yu Gothic", "Noto Sans CJK JP", "Noto Sans JP", sans-serif; }
section { page-break-after: always; break-after: page; }
section:last-of-type { page-break-after: auto; break-after: auto; }
h1 { font-size: 15pt; margin: 0 0 2mm; }
h2 { font-size: 12pt; margin: 4mm 0 2mm; }
.meta { display: flex; flex-wrap: wrap; gap: 1mm 6mm; margin-bottom: 3mm; }
.meta div { white-space: nowrap; }
.meta b { font-weight: normal; color: #444; margin-right: 1.5mm; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
th, td { border: 0.3mm solid #555; padding: 1mm 1.2mm; vertical-align: top;
  overflow-wrap: anywhere; }
th { background: #eee; font-size: 8.5pt; font-weight: bold; }
tr { page-break-inside: avoid; break-inside: avoid; }
tr.hub td { background: #f6f6f6; }
tr.break td { font-style: italic; background: #fafafa; }
small, .en { color: #555; font-size: 8pt; }
.num { text-align: right; white-space: nowrap; }
.tick { text-align: center; }
.box { display: inline-block; width: 5mm; height: 5mm; border: 0.4mm solid #000; }
ul { margin: 0; padding-left: 4mm; }
col.no { width: 7mm; } col.site { width: 30mm; } col.addr { width: 27mm; }
col.time { width: 11mm; } col.dim { width: 12mm; } col.tick { width: 8mm; }
col.notes { width: 22mm; }
.task-label { color: #555; font-size: 8pt; white-space: nowrap; }
.warnings { border: 0.5mm solid #000; padding: 1.5mm 2mm; margin: 0 0 3mm; font-weight: bold; }
"""


def render_sheet(doc: PlanDocument) -> str:
    """The day's route sheets: a complete HTML page, one ``<section class="vehicle">`` per
    used vehicle in plan order (rows ``<tr data-stop="n" data-site="...">``), then a
    ``<section class="summary">``."""
    title = f"運行表 route sheet — {date_ja(doc.date)}"
    sections = [_vehicle_section(doc, route) for route in used_routes(doc.plan)]
    sections.append(_summary_section(doc))
    return ("<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{escape(doc.title + ' ' if doc.title else '')}{escape(title)}</title>\n"
            f"<style>{_CSS}</style>\n</head>\n<body>\n" + "\n".join(sections)
            + "\n</body>\n</html>\n")


def _vehicle_section(doc: PlanDocument, route: Route) -> str:
    brk = route.lunch_break
    lunch = (f"{hhmm(brk.start_s)}–{hhmm(brk.start_s + brk.duration_s)} "
             f"({brk.duration_s // 60} 分 min)" if brk else "なし none")
    meta = [
        ("日付 date", date_ja(doc.date)),
        ("車両 vehicle", route.vehicle_id),
        ("出発 start", hhmm(route.start_s)),
        ("帰着 end", hhmm(route.end_s)),
        ("走行距離 distance", f"{route.distance_m / 1000:.1f} km"),
        ("訪問先 stops", str(len(route.stops))),
        ("休憩 break", lunch),
    ]
    meta_html = "".join(f"<div><b>{escape(k)}</b>{escape(v)}</div>" for k, v in meta)
    meta_html += _warnings_html(doc)
    dims = doc.problem.capacity_dimensions
    head = ["順 No.", "場所 site", "住所 address", "到着 arrival", "出発 departure",
            "作業 actions", *(dimension_label(d) for d in dims), "✓", "備考 notes"]
    cols = ['<col class="no">', '<col class="site">', '<col class="addr">',
            '<col class="time">', '<col class="time">', "<col>",
            *('<col class="dim">' for _ in dims), '<col class="tick">', '<col class="notes">']
    rows = []
    break_row_done = brk is None
    for number, visit in enumerate(route.visits):
        if not break_row_done and brk is not None and visit.kind is not VisitKind.START \
                and brk.start_s < visit.start_s:
            rows.append(f'<tr class="break"><td></td><td colspan="{len(head) - 1}">'
                        f"休憩 break {escape(lunch)}</td></tr>")
            break_row_done = True
        previous = route.visits[number - 1] if number else None
        rows.append(_visit_row(doc, route, visit, number, previous))
    if not break_row_done:  # taken at the hub after the round
        rows.append(f'<tr class="break"><td></td><td colspan="{len(head) - 1}">'
                    f"休憩 break {escape(lunch)} (帰着後 after returning)</td></tr>")
    heading = f"{escape(doc.title)} " if doc.title else ""
    return (f'<section class="vehicle" data-vehicle="{escape(route.vehicle_id)}">\n'
            f"<h1>{heading}運行表 route sheet — {escape(route.vehicle_id)}</h1>\n"
            f'<div class="meta">{meta_html}</div>\n<table>\n<colgroup>{"".join(cols)}</colgroup>\n'
            "<thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in head) + "</tr></thead>\n"
            "<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>\n</section>")


def _visit_row(doc: PlanDocument, route: Route, visit: Visit, number: int,
               previous: Visit | None) -> str:
    label = doc.label(visit.site_id)
    site = escape(label.name_ja)
    if label.name_en:
        site += f'<br><span class="en">{escape(label.name_en)}</span>'
    actions = "".join(
        f"<li>{ACTION_LABELS[a.kind][0]} {ACTION_LABELS[a.kind][1]}: "
        f"{labelled_task_html(doc, a.task_id)}</li>" for a in visit.actions)
    actions = f"<ul>{actions}</ul>" if actions else ""
    on, off = moved_at(doc.problem, visit)
    amounts = []
    for dim in doc.problem.capacity_dimensions:
        moved = " ".join(part for part in (f"+{on[dim]}" if on[dim] else "",
                                           f"−{off[dim]}" if off[dim] else "") if part)
        amounts.append(f'<td class="num">{moved}<br><small>車内 {visit.load_after.get(dim, 0)}'
                       "</small></td>")
    notes = []
    if previous is not None:
        slack_s = _slack_s(doc, route, previous, visit)
        if slack_s >= 60:
            notes.append(f"移動 travel "
                         f"{whole_minutes(_travel_s(doc, previous, visit))} 分 min, "
                         f"余裕 slack {whole_minutes(slack_s)} 分 min")
    if visit.waiting_s:
        notes.append(f"待機 wait {whole_minutes(visit.waiting_s)} 分 min, 開始 start "
                     f"{hhmm(visit.start_s)}")
    site_windows = doc.problem.site(visit.site_id).time_windows
    if site_windows and visit.kind is VisitKind.STOP:
        notes.append("受付 open " + ", ".join(f"{hhmm(w.start_s)}–{hhmm(w.end_s)}"
                                              for w in site_windows))
    row_class = ' class="hub"' if visit.kind is not VisitKind.STOP else ""
    departure = "" if visit.kind is VisitKind.END else hhmm(visit.departure_s)
    return (f'<tr{row_class} data-stop="{number}" data-site="{escape(visit.site_id)}">'
            f'<td class="num">{number}</td><td>{site}</td><td>{escape(label.address_ja)}</td>'
            f'<td class="num">{hhmm(visit.arrival_s)}</td><td class="num">{departure}</td>'
            f"<td>{actions}</td>{''.join(amounts)}"
            '<td class="tick"><span class="box"></span></td>'
            f"<td><small>{'<br>'.join(escape(n) for n in notes)}</small></td></tr>")


def _travel_s(doc: PlanDocument, previous: Visit, visit: Visit) -> int:
    return doc.problem.matrix.duration(previous.site_id, visit.site_id)


def _slack_s(doc: PlanDocument, route: Route, previous: Visit, visit: Visit) -> int:
    """Time between two visits that is neither driving nor the break: the plan lets the
    van leave later or drive slower (it is not ``waiting_s``, which is spent on site)."""
    gap_s = visit.arrival_s - previous.departure_s - _travel_s(doc, previous, visit)
    brk = route.lunch_break
    if brk is not None and previous.departure_s <= brk.start_s < visit.arrival_s:
        gap_s -= brk.duration_s
    return max(gap_s, 0)


def _summary_section(doc: PlanDocument) -> str:
    parts = [f"<h1>未訪問・未割当・連絡事項 not visited, unassigned, notes — "
             f"{escape(date_ja(doc.date))}</h1>"]
    parts.append(_warnings_html(doc))
    names = ", ".join(escape(r.vehicle_id) for r in used_routes(doc.plan)) or "なし none"
    parts.append(f"<p>運行車両 vehicles: {names}</p>")

    parts.append("<h2>未訪問の場所 sites not visited</h2>")
    if doc.not_visited:
        rows = [f'<tr data-site="{escape(item.site_id)}"><td>{_site_cell(doc, item.site_id)}'
                f"</td><td>{escape(item.reason)}</td></tr>" for item in doc.not_visited]
        parts.append('<table class="not-visited"><thead><tr><th>場所 site</th>'
                     "<th>理由 reason</th></tr></thead><tbody>" + "".join(rows)
                     + "</tbody></table>")
    else:
        parts.append("<p>なし none</p>")

    parts.append("<h2>未割当の作業 unassigned tasks</h2>")
    if doc.plan.unassigned:
        rows = []
        for item in doc.plan.unassigned:
            task = doc.problem.task(item.task_id)
            sites = "<br>".join(_site_cell(doc, s) for s in dict.fromkeys(task.site_ids))
            reason = f"{REASON_LABELS_JA.get(item.reason, '')} ({item.reason.value})"
            if item.detail:
                reason += f"<br><small>{escape(item.detail)}</small>"
            rows.append(f'<tr data-task="{escape(task.task_id)}">'
                        f"<td>{labelled_task_html(doc, task.task_id)}<br>"
                        f"<small>{escape(task.task_id)}</small></td><td>{sites}</td>"
                        f"<td>{reason}</td></tr>")
        parts.append('<table class="unassigned"><thead><tr><th>作業 task</th><th>場所 site</th>'
                     "<th>理由 reason</th></tr></thead><tbody>" + "".join(rows)
                     + "</tbody></table>")
    else:
        parts.append("<p>なし none</p>")

    parts.append("<h2>連絡事項 notes</h2>")
    if doc.notes:
        parts.append('<ul class="notes">' + "".join(f"<li>{escape(n)}</li>" for n in doc.notes)
                     + "</ul>")
    else:
        parts.append("<p>なし none</p>")
    return '<section class="summary">\n' + "\n".join(parts) + "\n</section>"


def _warnings_html(doc: PlanDocument) -> str:
    """The day's warnings, boxed (empty when there are none)."""
    if not doc.warnings:
        return ""
    return ('<div class="warnings">' + "<br>".join(escape(w) for w in doc.warnings)
            + "</div>")


def _site_cell(doc: PlanDocument, site_id: str) -> str:
    label = doc.label(site_id)
    cell = escape(label.name_ja)
    if label.name_en:
        cell += f' <span class="en">{escape(label.name_en)}</span>'
    return cell


def stops_csv(doc: PlanDocument) -> str:
    """One CSV row per visit of every used route, hub start and end included (the
    columns are in the module docstring)."""
    dims = doc.problem.capacity_dimensions
    extra = [d for d in dims if d not in CSV_DIMENSIONS]
    header = ["vehicle_id", "stop", "site_id", "name_ja", "name_en", "address_ja", "lat",
              "lon", "arrival", "start", "departure", "waiting_min", "actions",
              "crates_on", "crates_off", "items_on", "items_off",
              "load_crates_after", "load_items_after"]
    for dim in extra:
        header += [f"{dim}_on", f"{dim}_off", f"load_{dim}_after"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for route in used_routes(doc.plan):
        for number, visit in enumerate(route.visits):
            label = doc.label(visit.site_id)
            on, off = moved_at(doc.problem, visit)
            after = dict(visit.load_after)

            def count(values: dict[str, int], dim: str) -> str:
                return str(values.get(dim, 0)) if dim in dims else ""

            row = [route.vehicle_id, str(number), visit.site_id, label.name_ja, label.name_en,
                   label.address_ja, f"{label.lat:.6f}", f"{label.lon:.6f}",
                   hhmm(visit.arrival_s), hhmm(visit.start_s), hhmm(visit.departure_s),
                   str(whole_minutes(visit.waiting_s)),
                   ";".join(f"{a.kind.value}:{a.task_id}" for a in visit.actions)]
            row += [count(on, "crates"), count(off, "crates"), count(on, "items"),
                    count(off, "items"), count(after, "crates"), count(after, "items")]
            for dim in extra:
                row += [count(on, dim), count(off, dim), count(after, dim)]
            writer.writerow(row)
    return out.getvalue()
