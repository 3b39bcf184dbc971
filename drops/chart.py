"""The report as an SVG chart: monthly items per post, and items per collection per month.

Drawn with matplotlib's object API (a `Figure` saved by the SVG canvas): no pyplot, no GUI
backend and no global backend switch, so it is safe in a server and in tests. The output
is deterministic (``svg.hashsalt`` fixed, no date in the metadata) and keeps text as
``<text>`` (``svg.fonttype`` none: searchable, small). DejaVu Sans, the font
matplotlib ships, has no Japanese glyphs, so the visible text is English and the legend
names posts by their ids (or the ``labels`` given); each post's line carries its Japanese
name in an SVG ``<title>`` (a tooltip in browsers).
"""

from __future__ import annotations

import io
import math
import re
import threading
from collections.abc import Mapping
from xml.sax.saxutils import escape

from drops.report import PostReport, Report

#: Fixed salt of the ids matplotlib writes into the SVG, so two renders are equal.
SVG_HASH_SALT = "bookrun-drops-report"
#: Month names on the x axis, April first (the fiscal year).
MONTH_LABELS = ("Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb",
                "Mar")
#: SVG group ids of the two panels' lines: ``<panel>-<post_id>``.
ITEMS_PANEL = "items-per-month"
AVERAGE_PANEL = "items-per-collection"
#: matplotlib's settings are global and it is not thread-safe: one render at a time (the
#: API renders in a thread pool).
_RENDER_LOCK = threading.Lock()


def _line_id(panel: str, post_id: str) -> str:
    return f"{panel}-{re.sub(r'[^A-Za-z0-9_.-]', '_', post_id)}"


def report_chart_svg(report: Report, *, labels: Mapping[str, str] | None = None,
                     width_in: float = 10.0, height_in: float = 8.0) -> str:
    """Two panels of line charts, months April..March on the x axis: items per month, one
    line per post with monthly figures (annual-only posts have none), and items per
    collection in each month.

    Parameters
    ----------
    report
        The report to draw.
    labels
        Legend text per post id (e.g. English names); default: the post ids.
    width_in, height_in
        Figure size in inches (the SVG is 72 points per inch).

    Returns
    -------
    str
        The SVG document. Each line is a group ``<g id="items-per-month-<post_id>">`` or
        ``<g id="items-per-collection-<post_id>">`` holding a ``<title>`` with the post's
        Japanese name.
    """
    from matplotlib import rc_context
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    monthly = [row for row in report.rows if row.items_by_month is not None]
    positions = list(range(12))
    with _RENDER_LOCK, rc_context({"svg.hashsalt": SVG_HASH_SALT, "svg.fonttype": "none"}):
        figure = Figure(figsize=(width_in, height_in), layout="constrained")
        FigureCanvasSVG(figure)
        items_axes, average_axes = figure.subplots(2, 1, sharex=True)
        figure.suptitle(f"Return posts FY{report.fiscal_year} "
                        f"({report.month_labels[0]} to {report.month_labels[-1]})")
        for row in monthly:
            label = (labels or {}).get(row.post_id, row.post_id)
            items_line, = items_axes.plot(positions, _values(row, averages=False),
                                          marker="o", markersize=3, label=label)
            items_line.set_gid(_line_id(ITEMS_PANEL, row.post_id))
            average_line, = average_axes.plot(positions, _values(row, averages=True),
                                              marker="o", markersize=3, label=label,
                                              color=items_line.get_color())
            average_line.set_gid(_line_id(AVERAGE_PANEL, row.post_id))
        items_axes.set_title("Items collected per month")
        items_axes.set_ylabel("items")
        average_axes.set_title("Items per collection, by month")
        average_axes.set_ylabel("items per collection")
        average_axes.set_xticks(positions, [f"{name}\n{year}" if index in (0, 9) else name
                                            for index, (name, (year, _)) in
                                            enumerate(zip(MONTH_LABELS, report.months,
                                                          strict=True))])
        for axes in (items_axes, average_axes):
            axes.set_ylim(bottom=0)
            axes.grid(True, alpha=0.3)
        if monthly:
            figure.legend(handles=items_axes.get_lines(), loc="outside lower center",
                          ncol=2, fontsize="small")
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return _with_titles(buffer.getvalue(), monthly)


def _values(row: PostReport, *, averages: bool) -> list[float]:
    if averages:
        return [math.nan if v is None else v for v in row.items_per_collection_by_month or ()]
    return [float(v) for v in row.items_by_month or ()]


def _with_titles(svg: str, rows: list[PostReport]) -> str:
    """Put each post's Japanese name in a ``<title>`` inside its line groups."""
    for row in rows:
        title = f"<title>{escape(row.name_ja)} ({escape(row.post_id)})</title>"
        for panel in (ITEMS_PANEL, AVERAGE_PANEL):
            opening = f'<g id="{_line_id(panel, row.post_id)}">'
            svg = svg.replace(opening, f"{opening}\n   {title}", 1)
    return svg
