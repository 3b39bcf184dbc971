"""The report as an SVG chart: every post of the report, on three panels.

- Items collected per month, one line per post with monthly figures.
- Items per collection in each month, the same lines.
- The posts with annual figures only (Munakata's community-centre posts), on a panel and
  a scale of their own: a bar of their items in the year, labelled with the items and
  the collections; the panel's title says why they are not in the monthly panels. No
  post of the report is left out.

Names: with a Japanese font installed (Debian: ``fonts-noto-cjk``; `japanese_font` looks
for it) the titles are Japanese with English and the legend and bars name the posts in
Japanese; without one, the text is English and posts are named by the ``labels`` given
(else their ids), so matplotlib never draws a missing glyph. Each line and bar also
carries the post's Japanese name in an SVG ``<title>`` (a tooltip in browsers).

Drawn with matplotlib's object API (a `Figure` saved by the SVG canvas): no pyplot, no GUI
backend and no global backend switch, so it is safe in a server and in tests. The output
is deterministic (``svg.hashsalt`` fixed, no date in the metadata) and keeps text as
``<text>`` (``svg.fonttype`` none: searchable, small).
"""

from __future__ import annotations

import functools
import io
import math
import re
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from drops.report import PostReport, Report

#: Fixed salt of the ids matplotlib writes into the SVG, so two renders are equal.
SVG_HASH_SALT = "bookrun-drops-report"
#: Month names on the x axis, April first (the fiscal year).
MONTH_LABELS = ("Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb",
                "Mar")
#: SVG group ids of the panels' lines and bars: ``<panel>-<post_id>``.
ITEMS_PANEL = "items-per-month"
AVERAGE_PANEL = "items-per-collection"
ANNUAL_PANEL = "annual-only"
#: Japanese font families the chart uses when one is installed, in order of preference.
JAPANESE_FONTS = ("Noto Sans CJK JP", "Noto Sans JP", "IPAexGothic", "IPAGothic",
                  "TakaoGothic", "VL Gothic", "Hiragino Sans", "Yu Gothic", "Meiryo")
#: Font files of those families, for fonts installed after matplotlib built its font list.
_JAPANESE_FONT_FILES = re.compile(r"NotoSansCJK|NotoSansJP|ipaexg|ipag|Takao|VL-Gothic",
                                  re.IGNORECASE)
#: matplotlib's settings are global and it is not thread-safe: one render at a time (the
#: API renders in a thread pool).
_RENDER_LOCK = threading.Lock()


@functools.cache
def japanese_font() -> str | None:
    """The family of an installed Japanese font matplotlib can use, or None.

    matplotlib lists the fonts it saw when it first built its cache; a font installed
    later (``apt-get install fonts-noto-cjk``) is found among the system's font files and
    added."""
    from matplotlib import font_manager

    def known() -> str | None:
        names = {entry.name for entry in font_manager.fontManager.ttflist}
        return next((family for family in JAPANESE_FONTS if family in names), None)

    found = known()
    if found is None:
        for path in font_manager.findSystemFonts():
            if _JAPANESE_FONT_FILES.search(Path(path).name):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):  # an unreadable font file
                    continue
        found = known()
    return found


def _line_id(panel: str, post_id: str) -> str:
    return f"{panel}-{re.sub(r'[^A-Za-z0-9_.-]', '_', post_id)}"


def report_chart_svg(report: Report, *, labels: Mapping[str, str] | None = None,
                     japanese: bool | None = None, width_in: float = 10.0,
                     height_in: float = 10.5) -> str:
    """The report's chart (the three panels of the module doc), months April..March.

    Parameters
    ----------
    report
        The report to draw.
    labels
        Post names for the English chart (e.g. English names); default: the post ids.
    japanese
        Japanese titles and post names; default: when `japanese_font` finds a font.
    width_in, height_in
        Figure size in inches (the SVG is 72 points per inch).

    Returns
    -------
    str
        The SVG document. Each line is a group ``<g id="items-per-month-<post_id>">`` or
        ``<g id="items-per-collection-<post_id>">``, each annual-only bar a group
        ``<g id="annual-only-<post_id>">``, holding a ``<title>`` with the post's Japanese
        name.
    """
    from matplotlib import rc_context
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    monthly = [row for row in report.rows if row.items_by_month is not None]
    annual = [row for row in report.rows if row.items_by_month is None]
    with _RENDER_LOCK:
        font = japanese_font() if japanese is not False else None
        ja = font is not None if japanese is None else japanese
        settings: Any = {"svg.hashsalt": SVG_HASH_SALT, "svg.fonttype": "none"}
        if ja and font is not None:
            settings["font.family"] = [font, "DejaVu Sans"]

        def name(row: PostReport) -> str:
            return row.name_ja if ja else (labels or {}).get(row.post_id, row.post_id)

        def text(japanese_text: str, english: str) -> str:
            return f"{japanese_text} {english}" if ja else english

        def counts(row: PostReport) -> str:
            return (f"{row.items} 冊 · {row.collections} 回" if ja
                    else f"{row.items} items, {row.collections} collections")

        with rc_context(settings):
            figure = Figure(figsize=(width_in, height_in), layout="constrained")
            FigureCanvasSVG(figure)
            items_axes, average_axes, annual_axes = figure.subplots(
                3, 1, height_ratios=(3, 3, 1.2 + 0.35 * len(annual)))
            first, last = report.month_labels[0], report.month_labels[-1]
            figure.suptitle(text(f"返却ポスト {report.fiscal_year}年度: {len(report.rows)} か所",
                                 f"Return posts FY{report.fiscal_year} ({first} to {last}): "
                                 f"{len(report.rows)} posts, {len(monthly)} monthly, "
                                 f"{len(annual)} with annual figures only"))
            _monthly_panels(report, monthly, items_axes, average_axes, name, text)
            _annual_panel(annual, annual_axes, name, text, counts)
            if monthly:
                figure.legend(handles=items_axes.get_lines(), loc="outside lower center",
                              ncol=2, fontsize="small")
            buffer = io.StringIO()
            figure.savefig(buffer, format="svg", metadata={"Date": None})
    return _with_titles(buffer.getvalue(), monthly, annual)


def _monthly_panels(report: Report, monthly: Sequence[PostReport], items_axes: Any,
                    average_axes: Any, name: Any, text: Any) -> None:
    positions = list(range(12))
    for row in monthly:
        items_line, = items_axes.plot(positions, _values(row, averages=False),
                                      marker="o", markersize=3, label=name(row))
        items_line.set_gid(_line_id(ITEMS_PANEL, row.post_id))
        average_line, = average_axes.plot(positions, _values(row, averages=True),
                                          marker="o", markersize=3, label=name(row),
                                          color=items_line.get_color())
        average_line.set_gid(_line_id(AVERAGE_PANEL, row.post_id))
    items_axes.set_title(text("月別の回収冊数", "Items collected per month"))
    items_axes.set_ylabel(text("冊", "items"))
    average_axes.set_title(text("1 回あたりの冊数", "Items per collection, by month"))
    average_axes.set_ylabel(text("冊/回", "items per collection"))
    ticks = [f"{month}\n{year}" if index in (0, 9) else month
             for index, (month, (year, _)) in enumerate(zip(MONTH_LABELS, report.months,
                                                            strict=True))]
    for axes in (items_axes, average_axes):
        axes.set_xticks(positions, ticks)
        axes.set_ylim(bottom=0)
        axes.grid(True, alpha=0.3)


def _annual_panel(annual: Sequence[PostReport], axes: Any, name: Any, text: Any,
                  counts: Any) -> None:
    """The posts with annual figures only: a bar each, on this panel's own scale."""
    axes.set_title(text("年計のみのポスト（月別の記録なし・別の目盛り）",
                        "Posts with annual figures only (no monthly record, own scale)"),
                   fontsize="medium")
    if not annual:
        axes.text(0.5, 0.5, text("なし", "none"), ha="center", va="center",
                  transform=axes.transAxes)
        axes.set_axis_off()
        return
    positions = list(range(len(annual)))
    bars = axes.barh(positions, [row.items for row in annual], color="#8c8c8c", height=0.6)
    top = max(row.items for row in annual) or 1
    for bar, row in zip(bars, annual, strict=True):
        bar.set_gid(_line_id(ANNUAL_PANEL, row.post_id))
        # The name beside its bar, not as a tick label: a long name must not push the
        # monthly panels aside (the panels' left edges are aligned).
        axes.text(row.items + top * 0.02, bar.get_y() + bar.get_height() / 2,
                  f"{name(row)}: {counts(row)}", va="center", fontsize="small")
    axes.set_yticks([])
    axes.invert_yaxis()
    axes.set_xlim(0, top / 0.45)
    axes.set_xlabel(text("年間の冊数", "items in the year"))
    axes.grid(True, axis="x", alpha=0.3)


def _values(row: PostReport, *, averages: bool) -> list[float]:
    if averages:
        return [math.nan if v is None else v for v in row.items_per_collection_by_month or ()]
    return [float(v) for v in row.items_by_month or ()]


def _with_titles(svg: str, monthly: Sequence[PostReport],
                 annual: Sequence[PostReport]) -> str:
    """Put each post's Japanese name in a ``<title>`` inside its line and bar groups."""
    groups = [(row, panel) for row in monthly for panel in (ITEMS_PANEL, AVERAGE_PANEL)]
    groups += [(row, ANNUAL_PANEL) for row in annual]
    for row, panel in groups:
        title = f"<title>{escape(row.name_ja)} ({escape(row.post_id)})</title>"
        opening = f'<g id="{_line_id(panel, row.post_id)}">'
        svg = svg.replace(opening, f"{opening}\n   {title}", 1)
    return svg
