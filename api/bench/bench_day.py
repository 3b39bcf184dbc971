"""``bookrun bench-day``: how close a short solve of a Munakata-sized day gets to a long one.

For each seed, a synthetic day (`scenarios.synth.synthetic_day`: about 40 stops, 2 vans,
deliveries, pickups, shipments, opening windows, a lunch break, optional return posts)
is solved with the short budget and with the reference budget; both plans are checked
with `routing.verify`, and the table gives the short plan's cost above the reference's.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any


def run_bench_day(seeds: list[int], *, budget_s: float = 2.0, reference_s: float = 60.0,
                  workers: int = 1, n_sites: int = 40) -> list[dict[str, Any]]:
    """One row per seed: costs, gap of the short solve to the reference, wall times."""
    from routing import solve, verify  # loads OR-Tools: only when the bench runs
    from scenarios.synth import synthetic_day

    rows = []
    for seed in seeds:
        problem = synthetic_day(seed=seed, n_sites=n_sites)
        started = time.perf_counter()
        short = solve(problem, time_limit_s=budget_s, workers=workers)
        short_wall_s = time.perf_counter() - started
        started = time.perf_counter()
        reference = solve(problem, time_limit_s=reference_s, workers=workers)
        reference_wall_s = time.perf_counter() - started
        best = min(short.cost, reference.cost)
        rows.append({
            "seed": seed,
            "stops": len({s for t in problem.tasks for s in t.site_ids}),
            "tasks": len(problem.tasks),
            "vehicles": len(problem.vehicles),
            "workers": workers,
            "budget_s": budget_s,
            "cost": round(short.cost, 3),
            "wall_s": round(short_wall_s, 2),
            "feasible": not verify(problem, short),
            "reference_s": reference_s,
            "reference_cost": round(reference.cost, 3),
            "reference_wall_s": round(reference_wall_s, 2),
            "reference_feasible": not verify(problem, reference),
            "gap_pct": round(100.0 * (short.cost - best) / best, 3),
        })
    return rows


def format_rows(rows: list[dict[str, Any]]) -> str:
    lines = [f"{'seed':>4} {'stops':>5} {'tasks':>5} {'cost':>9} {'wall s':>7} {'ok':>3} "
             f"{'ref cost':>9} {'ref ok':>6} {'gap %':>7}"]
    for row in rows:
        lines.append(f"{row['seed']:>4} {row['stops']:>5} {row['tasks']:>5} {row['cost']:>9.3f} "
                     f"{row['wall_s']:>7.2f} {'yes' if row['feasible'] else 'NO':>3} "
                     f"{row['reference_cost']:>9.3f} "
                     f"{'yes' if row['reference_feasible'] else 'NO':>6} {row['gap_pct']:>7.3f}")
    if rows:
        gaps = [row["gap_pct"] for row in rows]
        lines.append(f"mean gap {sum(gaps) / len(gaps):.3f} %, max {max(gaps):.3f} %, "
                     f"within 1 %: {sum(g <= 1.0 for g in gaps)}/{len(gaps)} "
                     f"(budget {rows[0]['budget_s']:g} s vs {rows[0]['reference_s']:g} s, "
                     f"{rows[0]['workers']} worker(s))")
    return "\n".join(lines)


def _seed_list(text: str) -> list[int]:
    try:
        seeds = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        msg = f"--seeds: expected comma-separated integers, got {text!r}"
        raise argparse.ArgumentTypeError(msg) from None
    if not seeds:
        msg = "--seeds: give at least one seed"
        raise argparse.ArgumentTypeError(msg)
    return seeds


def add_bench_day_subcommand(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "bench-day", help="short vs long solves of Munakata-sized synthetic days",
        description=__doc__)
    parser.add_argument("--seeds", type=_seed_list, default=[1, 2, 3, 4, 5],
                        help="comma-separated generator seeds (default 1,2,3,4,5)")
    parser.add_argument("--budget", type=float, default=2.0, metavar="SECONDS",
                        help="time limit of the short solve (default 2)")
    parser.add_argument("--reference", type=float, default=60.0, metavar="SECONDS",
                        help="time limit of the reference solve (default 60)")
    parser.add_argument("--workers", type=int, default=1, metavar="N",
                        help="processes per solve, one thread each (default 1)")
    parser.add_argument("--sites", type=int, default=40, metavar="N",
                        help="sites besides the hub (default 40)")
    parser.add_argument("--json", type=Path, default=None, metavar="FILE",
                        help="also write the rows as a JSON list")
    parser.set_defaults(handler=_cmd_bench_day, solves=True)


def _cmd_bench_day(args: argparse.Namespace) -> int:
    if args.budget <= 0 or args.reference <= 0 or args.workers < 1 or args.sites < 2:
        print("bookrun bench-day: --budget and --reference must be > 0, --workers >= 1, "
              f"--sites >= 2 (got {args.budget}, {args.reference}, {args.workers}, "
              f"{args.sites})", file=sys.stderr)
        return 2
    rows = run_bench_day(args.seeds, budget_s=args.budget, reference_s=args.reference,
                         workers=args.workers, n_sites=args.sites)
    print(format_rows(rows))
    if args.json is not None:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0 if all(r["feasible"] and r["reference_feasible"] for r in rows) else 1
