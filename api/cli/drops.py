"""``bookrun drops``: the return-post report and the collections to check, read from the
store or from the bundled history, so it works on a fresh install without a database.

Examples::

    bookrun drops report --fiscal-year 2023                  # table on the terminal
    bookrun drops report --fiscal-year 2023 --format csv > fy2023.csv
    bookrun drops report --fiscal-year 2023 --chart fy2023.svg
    bookrun drops flags --fiscal-year 2023 --kind likely_typo

``--source auto`` (the default) reads the store at ``DATABASE_URL`` when it is migrated
and holds collections of the fiscal year, else the bundled history (the scenario's annual
report rebuilt as collections by the fixed rota, `drops.rota.history_from_rota`); ``store``
and ``bundled`` insist on one. The source used is said on stderr.

Adding an action to ``bookrun drops`` (e.g. ``replay``): write ``add_<action>(actions)``
that calls ``actions.add_parser(...)`` and sets ``handler=<function(args) -> exit code>``,
then list it in `DROPS_ACTIONS`. `add_source_options` gives it the same ``--source`` and
``--scenario`` options, and `load_history` the same records.

Exit codes: 0 done; 2 invalid input (unknown scenario, a fiscal year no source holds, the
store asked for but not usable, an unwritable chart file).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from api.cli.replay import add_replay_parsers
from drops.flags import FLAG_HISTORY_DAYS
from drops.records import CollectionRecord
from drops.report import FISCAL_YEAR_MAX, FISCAL_YEAR_MIN

if TYPE_CHECKING:
    from api.services.post_catalogue import PostCatalogue
    from scenarios.network import Network

SOURCES = ("auto", "store", "bundled")
EXIT_OK = 0
EXIT_INVALID_INPUT = 2


class DropsInputError(Exception):
    """Something the user must fix; the message is shown as is (exit 2)."""


# --- the parser -----------------------------------------------------------------------------


def fiscal_year(text: str) -> int:
    """An argparse type: a fiscal year 2000..2100."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a year, got {text!r}") from None
    if not FISCAL_YEAR_MIN <= value <= FISCAL_YEAR_MAX:
        raise argparse.ArgumentTypeError(f"must be {FISCAL_YEAR_MIN}..{FISCAL_YEAR_MAX}, "
                                         f"got {value}")
    return value


def add_source_options(parser: argparse.ArgumentParser) -> None:
    """``--fiscal-year``, ``--source`` and ``--scenario``, shared by the drops actions."""
    parser.add_argument("--fiscal-year", type=fiscal_year, required=True, metavar="YYYY",
                        help="the fiscal year, April YYYY to March YYYY+1 (e.g. 2023)")
    parser.add_argument("--source", choices=SOURCES, default="auto",
                        help="auto: the store at DATABASE_URL when it is migrated and holds "
                             "collections of the fiscal year, else the bundled history "
                             "(default); store; bundled: the scenario's annual report "
                             "rebuilt as collections")
    parser.add_argument("--scenario", default=None, metavar="NAME|DIR",
                        help="the scenario giving the posts, their capacities and the "
                             "bundled history (default: SCENARIO or munakata)")


def _add_report(actions: Any) -> None:
    parser = actions.add_parser(
        "report", help="items and collections per post and month of a fiscal year",
        description="The return-post report of a fiscal year: per post, items and "
                    "collections in each month April..March, the year's totals and the "
                    "average items per collection (one decimal, as the annual report).")
    add_source_options(parser)
    parser.add_argument("--format", choices=("table", "csv"), default="table",
                        help="table: aligned text with Japanese names (default); csv: "
                             "post_id,name_ja,measure,<12 months>,total")
    parser.add_argument("--chart", type=Path, default=None, metavar="FILE.svg",
                        help="also write the SVG chart (items per month, items per "
                             "collection) to this file")
    parser.set_defaults(handler=cmd_report)


def _add_flags(actions: Any) -> None:
    parser = actions.add_parser(
        "flags", help="collections to check: likely typos, possible overflows, overdue posts",
        description="Collections of the fiscal year that look wrong: likely_typo (>= 10x "
                    "the post's usual count, the median of its other collections), "
                    "possible_overflow (above the capacity or 3x the usual), overdue (more "
                    "days since the post's previous collection than its "
                    "post_max_interval_days in sites.csv, default 7).")
    add_source_options(parser)
    parser.add_argument("--kind", choices=("likely_typo", "possible_overflow", "overdue"),
                        default=None, help="only this kind")
    parser.add_argument("--format", choices=("table", "csv"), default="table",
                        help="table (default) or csv")
    parser.set_defaults(handler=cmd_flags)


#: The actions of ``bookrun drops``; each adds one to the ``drops`` sub-parsers.
DROPS_ACTIONS: tuple[Callable[[Any], None], ...] = (_add_report, _add_flags,
                                                   add_replay_parsers)


def add_drops_subcommands(subparsers: Any) -> None:
    """Add ``bookrun drops`` with one sub-parser per entry of `DROPS_ACTIONS`."""
    drops = subparsers.add_parser(
        "drops", help="return posts: the monthly report, collections to check",
        description="Return posts (返却ポスト): the report of a fiscal year and the "
                    "collections to check, from the store or the bundled history.")
    actions = drops.add_subparsers(dest="drops_command", required=True, metavar="ACTION")
    for add in DROPS_ACTIONS:
        add(actions)


# --- the data -------------------------------------------------------------------------------


@dataclass(frozen=True)
class History:
    """Collection records of a scenario's posts and where they came from."""

    records: list[CollectionRecord]
    catalogue: PostCatalogue
    source: str  # "store" or "bundled history"
    note: str  # what was read, said on stderr


def load_history(args: argparse.Namespace, *, days_before: int = 0) -> History:
    """The records of ``args.fiscal_year`` (and of ``days_before`` days before it) from
    ``args.source`` for ``args.scenario``; says the source used on stderr.

    Raises
    ------
    DropsInputError
        Unknown scenario, the store asked for and not usable, no source with the year.
    """
    from api.services.planning import get_network
    from api.settings import Settings
    from drops.report import fiscal_year_bounds
    from scenarios.loader import ScenarioError

    settings = Settings.from_env()
    scenario = args.scenario or settings.scenario
    try:
        network = get_network(scenario)
    except ScenarioError as exc:
        raise DropsInputError(str(exc)) from None
    start, end = fiscal_year_bounds(args.fiscal_year)
    start -= dt.timedelta(days=days_before)
    history: History | None = None
    why_not = ""
    if args.source in ("auto", "store"):
        history, why_not = _store_history(settings.database_url, network, args.fiscal_year,
                                          start, end)
        if history is None and args.source == "store":
            raise DropsInputError(f"cannot use the store: {why_not}")
    if history is None:
        history = _bundled_history(network, args.fiscal_year, start, end, why_not)
    _say(f"source: {history.source} ({history.note})"
         + (f"; the store was not used: {why_not}" if why_not else ""))
    return history


def _store_history(url: str, network: Network, year: int, start: dt.datetime,
                   end: dt.datetime) -> tuple[History | None, str]:
    """The store's records, or None and why the store cannot be used."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from api.services.post_catalogue import post_catalogue
    from api.store.db import NotMigrated, check_migrated, make_engine, make_session_factory
    from api.store.repositories import count_collections, stored_post_names, stored_records
    from drops.report import fiscal_year_bounds

    try:
        parsed = make_url(url)
    except (SQLAlchemyError, ValueError) as exc:
        return None, f"DATABASE_URL is not a database URL: {exc}"
    where = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database or ""
        if path in ("", ":memory:"):
            return None, f"the store {where} is an empty in-memory database"
        if not Path(path).is_file():
            return None, f"no store at {where} (no such file)"
    try:
        engine = make_engine(url)
    except (SQLAlchemyError, ImportError) as exc:  # e.g. a driver that is not installed
        return None, f"cannot open the store {where}: {type(exc).__name__}: {exc}"
    try:
        check_migrated(engine)
        with make_session_factory(engine)() as session:
            catalogue = post_catalogue(network, stored_post_names(session))
            year_start, year_end = fiscal_year_bounds(year)
            count = count_collections(session, year_start, year_end, catalogue.names_ja)
            if not count:
                return None, f"the store {where} holds no collections of FY{year}"
            records = stored_records(session, start, end, set(catalogue.names_ja))
    except NotMigrated:
        return None, f"the store {where} is not migrated (bookrun db upgrade)"
    except SQLAlchemyError as exc:
        return None, f"cannot read the store {where}: {type(exc).__name__}"
    finally:
        engine.dispose()
    return History(records, catalogue, "store",
                   f"{where}, {count:,} collections of FY{year}"), ""


def _bundled_history(network: Network, year: int, start: dt.datetime, end: dt.datetime,
                     why_not_store: str = "") -> History:
    from api.services.planning import bundled_history
    from api.services.post_catalogue import post_catalogue
    from drops.report import fiscal_year_bounds

    demand = network.demand
    covered = network.data_range
    year_start, year_end = (t.date() for t in fiscal_year_bounds(year))
    store = f" (and not the store: {why_not_store})" if why_not_store else ""
    if covered is None or not (demand.post_collections_by_month or demand.post_annual):
        raise DropsInputError(f"the scenario {network.scenario_id} bundles no return-post "
                              f"history{store}")
    if not covered[0] <= year_start or not year_end - dt.timedelta(days=1) <= covered[1]:
        raise DropsInputError(f"FY{year} is not in the bundled history of "
                              f"{network.scenario_id} ({covered[0].isoformat()}.."
                              f"{covered[1].isoformat()}){store}")
    records = [r for r in bundled_history(network) if start <= r.collected_at < end]
    return History(records, post_catalogue(network), "bundled history",
                   f"scenario {network.scenario_id}: the annual report rebuilt as "
                   f"{len(records):,} collections by the fixed rota")


# --- the actions ----------------------------------------------------------------------------


def cmd_report(args: argparse.Namespace) -> int:
    """``bookrun drops report``: print the report as a table or CSV; write the chart."""
    from drops.chart import report_chart_svg
    from drops.report import monthly_report, report_csv, report_table

    try:
        history = load_history(args)
    except DropsInputError as exc:
        return _fail(str(exc))
    catalogue = history.catalogue
    report = monthly_report(history.records, args.fiscal_year, posts=catalogue.names_ja,
                            annual_only=catalogue.annual_only_in(args.fiscal_year))
    print(report_csv(report) if args.format == "csv" else report_table(report), end="")
    if args.chart is not None:
        svg = report_chart_svg(report, labels={k: v for k, v in catalogue.names_en.items()
                                               if v})
        try:
            args.chart.write_text(svg, encoding="utf-8")
        except OSError as exc:
            return _fail(f"cannot write the chart to {args.chart}: {exc.strerror or exc}")
        _say(f"chart written to {args.chart}")
    return EXIT_OK


def cmd_flags(args: argparse.Namespace) -> int:
    """``bookrun drops flags``: print the collections to check."""
    import csv

    from drops.flags import flag_collections
    from drops.report import display_width, fiscal_year_bounds

    try:
        history = load_history(args, days_before=FLAG_HISTORY_DAYS)
    except DropsInputError as exc:
        return _fail(str(exc))
    since = fiscal_year_bounds(args.fiscal_year)[0]
    flags = [f for f in flag_collections(history.records, history.catalogue.rules, since=since)
             if args.kind is None or f.kind.value == args.kind]
    names = history.catalogue.names_ja
    tokyo = since.tzinfo
    rows = [[f.collected_at.astimezone(tokyo).strftime("%Y-%m-%d %H:%M"), f.post_id,
             names.get(f.post_id, f.post_id), f.kind.value, str(f.items),
             "" if f.collection_id is None else str(f.collection_id), f.detail]
            for f in flags]
    if args.format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\r\n")
        writer.writerow(["collected_at", "post_id", "name_ja", "kind", "items",
                         "collection_id", "detail"])
        writer.writerows(rows)
        return EXIT_OK
    name_width = max((display_width(row[2]) for row in rows), default=0)
    kind_width = max((len(row[3]) for row in rows), default=0)
    for row in rows:
        name = row[2] + " " * (name_width - display_width(row[2]))
        print(f"{row[0]}  {name}  {row[3]:<{kind_width}}  {row[4]:>5}  {row[6]}")
    counts = Counter(f.kind.value for f in flags)
    print(f"FY{args.fiscal_year}: {len(flags)} flag{'' if len(flags) == 1 else 's'}"
          + (": " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) if flags else ""))
    return EXIT_OK


def _say(message: str) -> None:
    print(f"bookrun drops: {message}", file=sys.stderr)


def _fail(message: str) -> int:
    _say(message)
    return EXIT_INVALID_INPUT
