"""``bookrun drops replay`` and ``bookrun drops forecast``: the fixed rota against the
forecast policy over a fiscal year, and the forecast's held-back error.

    bookrun drops replay --fiscal-year 2023 [--days N] [--policy rota|forecast|both]
    bookrun drops forecast --fiscal-year 2023 [--fit-until 2024-01-01]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from api.cli.argtypes import iso_date, positive_float, positive_int

if TYPE_CHECKING:
    from drops.replay import ReplayResult
    from scenarios.network import Network


def add_replay_parsers(drops_subparsers: Any) -> None:
    """Add ``replay`` and ``forecast`` to the ``bookrun drops`` sub-parsers."""
    replay = drops_subparsers.add_parser(
        "replay", help="replay a fiscal year: fixed rota vs forecast policy",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Simulate the fiscal year day by day. Daily inflows are drawn (seeded) so each "
            "post's month total equals the annual report's; the fixed rota (the report's "
            "collection counts) and the forecast policy each decide which posts to empty, "
            "and each day is planned with the routing solver (the full day of bookrun "
            "plan, checked by routing.verify). Per post: visits, overflow days (a box over "
            "capacity), mean and maximum days an item waited; the last line is the total "
            "(visits rota vs policy, overflow days, mean wait, van km)."),
        epilog="Example: bookrun drops replay --fiscal-year 2023 --days 14")
    replay.add_argument("--fiscal-year", type=int, required=True,
                        help="the fiscal year (April..March) of the scenario's figures")
    replay.add_argument("--days", type=positive_int, default=None,
                        help="replay only the first N days (default: the whole year)")
    replay.add_argument("--policy", choices=["rota", "forecast", "both"], default="both",
                        help="which to replay (default both, compared)")
    replay.add_argument("--scenario", default="munakata", help="default munakata")
    replay.add_argument("--seed", type=int, default=2023, help="inflow draw (default 2023)")
    replay.add_argument("--time-limit", type=positive_float, default=1.0, metavar="S",
                        help="solver time limit per day (default 1 s)")
    replay.add_argument("--no-route", action="store_true",
                        help="skip the routing solves (no km; every due post is visited)")
    replay.add_argument("--json", type=Path, default=None, help="also write the results")
    replay.set_defaults(handler=cmd_replay, solves=True)

    forecast = drops_subparsers.add_parser(
        "forecast", help="the inflow forecast's error on held-back months",
        description="Fit each post's inflow model on the collections before --fit-until "
                    "and report the mean absolute error on the later ones, on the report's "
                    "history and on a simulated year with daily detail.")
    forecast.add_argument("--fiscal-year", type=int, required=True)
    forecast.add_argument("--fit-until", type=iso_date, default=None,
                          help="first held-back day (default: 1 January of the fiscal "
                               "year's second calendar year: fit April-December)")
    forecast.add_argument("--scenario", default="munakata")
    forecast.add_argument("--seed", type=int, default=2023)
    forecast.set_defaults(handler=cmd_forecast)


def _network(command: str, scenario: str, fiscal_year: int) -> Network | None:
    """The scenario's network, or None after saying why its figures are not for
    ``fiscal_year`` (the command then exits with 2)."""
    from api.services.planning import get_network
    from scenarios.loader import ScenarioError

    try:
        network = get_network(scenario)
    except ScenarioError as exc:
        raise SystemExit(f"bookrun drops: {exc}") from None
    if network.demand.fiscal_year != fiscal_year:
        print(f"bookrun drops {command}: field 'fiscal-year': scenario "
              f"'{network.scenario_id}' has figures for FY{network.demand.fiscal_year} only, "
              f"got {fiscal_year}", file=sys.stderr)
        return None
    return network


def cmd_replay(args: argparse.Namespace) -> int:
    from api.services.replay import run_replay
    from drops.replay import summary_lines

    network = _network("replay", args.scenario, args.fiscal_year)
    if network is None:
        return 2
    policies = ("rota", "forecast") if args.policy == "both" else (args.policy,)
    started = time.perf_counter()
    run = run_replay(network, days=args.days, policies=policies, seed=args.seed,
                     route=not args.no_route, time_limit_s=args.time_limit)
    wall_s = time.perf_counter() - started
    if run.rota is not None and run.policy is not None:
        print("\n".join(summary_lines(run.rota, run.policy)))
    else:
        result = run.rota or run.policy
        assert result is not None
        print("\n".join(_single_lines(result)))
    print(f"({run.solves} routing solves, {wall_s:.0f} s)", file=sys.stderr)
    if args.json is not None:
        args.json.write_text(json.dumps({k: _result_dict(v) for k, v in (
            ("rota", run.rota), ("policy", run.policy)) if v is not None}, indent=2,
            ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


def _single_lines(result: ReplayResult) -> list[str]:
    lines = [f"{'post':<26}{'visits':>8}{'overflow d':>12}{'mean wait d':>13}"
             f"{'max wait d':>12}"]
    for post in result.posts:
        lines.append(f"{post.post_id:<26}{post.visits:>8}{post.overflow_days:>12}"
                     f"{post.mean_wait_days:>13.2f}{post.max_wait_days:>12.1f}")
    lines.append(f"total {result.first.isoformat()}..{result.last.isoformat()} "
                 f"({result.policy}): visits {result.visits}; overflow days "
                 f"{result.overflow_days}; mean wait {result.mean_wait_days:.2f} d; km "
                 f"{result.distance_m / 1000:.1f}")
    return lines


def _result_dict(result: ReplayResult) -> dict[str, Any]:
    return {"policy": result.policy, "first": result.first.isoformat(),
            "last": result.last.isoformat(), "visits": result.visits,
            "overflow_days": result.overflow_days,
            "mean_wait_days": round(result.mean_wait_days, 3),
            "max_wait_days": result.max_wait_days, "km": round(result.distance_m / 1000, 1),
            "target_intervals_days": {k: round(v, 2) for k, v in
                                      result.target_intervals.items()},
            "posts": [{"post_id": p.post_id, "visits": p.visits, "items": p.items,
                       "overflow_days": p.overflow_days,
                       "mean_wait_days": round(p.mean_wait_days, 3),
                       "max_wait_days": p.max_wait_days} for p in result.posts]}


def cmd_forecast(args: argparse.Namespace) -> int:
    from api.services.replay import forecast_backtests

    network = _network("forecast", args.scenario, args.fiscal_year)
    if network is None:
        return 2
    fit_until = args.fit_until or dt.date(args.fiscal_year + 1, 1, 1)
    results = forecast_backtests(network, fit_before=fit_until, seed=args.seed)
    print(f"fit on collections before {fit_until.isoformat()}, tested on the rest of "
          f"FY{args.fiscal_year}; MAE per collection (items) and per day (items/day)")
    print(f"{'post':<26}{'history':<11}{'tested':>7}{'MAE items':>11}{'MAE /day':>10}"
          f"{'mean items':>12}")
    for source, rows in results.items():
        for row in rows:
            print(f"{row.post_id:<26}{source:<11}{row.collections:>7}{row.mae_items:>11.1f}"
                  f"{row.mae_items_per_day:>10.2f}{row.mean_items:>12.1f}")
    return 0
