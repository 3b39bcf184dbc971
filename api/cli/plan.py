"""``bookrun plan``: plan a real day of a scenario and write the map, sheet, JSON, GeoJSON
and CSV.

Example::

    bookrun plan --scenario munakata --date tomorrow --out out/

Exit codes: 0 a plan was written (complete or partial, or a day on which nothing can
move, said so); 1 the plan failed verification (a bug); 2 invalid input (unknown scenario,
date before the scenario's first data day, bad option, unwritable folder).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from api.cli.argtypes import plan_date, positive_float, positive_int
from scenarios.day_types import DayError, DayOptions, Mode
from scenarios.loader import BUNDLED_SCENARIOS, ScenarioError


def add_plan_subcommand(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "plan", help="plan a day of a scenario: map, route sheet, JSON, GeoJSON, CSV",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Plan the van runs of one date for a library network: gather what must move "
            "(reservations, returns, school runs, due return posts), respect each site's "
            "calendar and hours and the island ferries, solve with OR-Tools, check the plan "
            "with routing.verify and write to --out:\n"
            "  map.html      Folium map, one layer per van, works offline (no CDN)\n"
            "  sheet.html    printable route sheet, A4, one page per van\n"
            "  plan.json     the plan (docs/format.md); check it with\n"
            "                bookrun verify OUT/problem.json OUT/plan.json\n"
            "  plan.geojson  stops and route lines (RFC 7946) for QGIS\n"
            "  stops.csv     one row per stop for spreadsheets\n"
            "  problem.json  the day's routing problem, with the day notes in 'meta'\n"
            "The terminal shows a summary per van and every task left unassigned or "
            "deferred, with the reason. Tasks estimated from the scenario's annual figures "
            "(rather than recorded) are counted and labelled in the summary, the sheet and "
            "the map."),
        epilog="Examples: bookrun plan --scenario munakata --date tomorrow --out out/\n"
               "          bookrun plan --scenario munakata --date 2023-11-15 --out out/")
    parser.add_argument("--scenario", required=True, metavar="NAME|DIR",
                        help=f"a bundled scenario ({', '.join(BUNDLED_SCENARIOS)}) or a folder "
                             f"holding scenario.yaml (see scenarios/README.md)")
    parser.add_argument("--date", required=True, type=plan_date,
                        metavar="today|tomorrow|YYYY-MM-DD",
                        help="the day to plan (today and tomorrow in Asia/Tokyo): any date "
                             "from the scenario's first data day on (munakata and "
                             "ichinoseki: 2023-04-01); outside the figures' fiscal year "
                             "(FY2023) the flows are estimated from the same month of it and "
                             "marked 'estimate: FY2023 annual figures'")
    parser.add_argument("--out", type=Path, default=Path("out"), metavar="DIR",
                        help="folder for the output files (created; default ./out)")
    parser.add_argument("--mode", choices=[m.value for m in Mode],
                        default=Mode.HUB_AND_SPOKE.value,
                        help="hub_and_spoke: everything picked up goes to the hub for sorting "
                             "(normal practice; default); direct: a transfer between two "
                             "sites is delivered the same day by the same van")
    parser.add_argument("--posts", choices=["forecast", "rota"], default="forecast",
                        help="how the return posts to empty are chosen: forecast (the policy "
                             "of drops/policy.py: required when a box would pass its safe fill "
                             "or its target interval, optional when well filled; default) or "
                             "rota (the FY2023 fixed rota)")
    parser.add_argument("--vans", type=positive_int, default=None, metavar="N",
                        help="use only the first N vans of the scenario (default: all)")
    parser.add_argument("--capacity-crates", type=positive_int, default=None, metavar="N",
                        help="override every van's capacity in crates (items scale with it)")
    parser.add_argument("--time-limit", type=positive_float, default=10.0, metavar="S",
                        help="solver time limit in seconds (default 10)")
    parser.add_argument("--seed", type=int, default=0, metavar="N",
                        help="solver random seed (default 0)")
    parser.add_argument("--workers", type=positive_int, default=1, metavar="N",
                        help="parallel solver processes (default 1)")
    parser.set_defaults(handler=cmd_plan, solves=True)


def cmd_plan(args: argparse.Namespace) -> int:
    # The day chain and the renderers (folium) load only for a plan, not for --help.
    from api.services.plan_outputs import OUTPUT_FILES, summary_table, write_outputs
    from api.services.planning import plan_day
    from routing.verify import format_violations

    started = time.perf_counter()
    try:
        options = DayOptions(mode=Mode(args.mode), vehicle_count=args.vans,
                             capacity_crates=args.capacity_crates)
        day_plan = plan_day(args.scenario, args.date, options=options, post_policy=args.posts,
                            time_limit_s=args.time_limit, seed=args.seed, workers=args.workers)
    except (ScenarioError, DayError) as exc:
        print(f"bookrun plan: {exc}", file=sys.stderr)
        return 2
    print(summary_table(day_plan))
    try:
        written = write_outputs(day_plan, args.out)
    except OSError as exc:
        print(f"bookrun plan: cannot write to {args.out}: {exc.strerror or exc}",
              file=sys.stderr)
        return 2
    print(f"wrote {', '.join(str(written[name]) for name in OUTPUT_FILES)}")
    print(f"wall time {time.perf_counter() - started:.1f} s")
    if day_plan.violations:
        print("internal error: the plan fails verification:\n"
              + format_violations(list(day_plan.violations)), file=sys.stderr)
        return 1
    return 0
