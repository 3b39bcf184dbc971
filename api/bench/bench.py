"""``bookrun bench``: solve benchmark instances (Solomon, Li & Lim) and compare with the
best-known solutions and, optionally, with peer solvers (PyVRP, VROOM).

Every plan - bookrun's and the peers' - is checked by the same independent
`routing.verify` and measured in the instance's own distance convention
(`routing.instances.exact_distance`). Usage::

    bookrun bench PATH... [--budget SECONDS] [--solvers bookrun,pyvrp,vroom]
                  [--bks FILE] [--json FILE] [--jobs N] [--seed N]
    python -m api.bench PATH... (same options)

PATH is an instance file or a folder (searched recursively for ``*.txt``). The BKS come
from ``--bks FILE`` (a CSV with at least ``instance,distance``; ``vehicles`` optional)
or, when not given, from a ``bks.csv`` next to each instance.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from api.cli.argtypes import positive_float, positive_int
from routing.errors import InstanceFormatError
from routing.instance_plans import exact_distance
from routing.instances import Bks, read_bks_csv, read_instance

SOLVERS = ("bookrun", "pyvrp", "vroom")
#: Gap (in %) at or below which a distance counts as equal to the BKS.
AT_BKS_PCT = 0.005
#: The keys of every row, in the order of the JSON output.
ROW_KEYS = ("instance", "family", "solver", "status", "feasible", "vehicles", "distance",
            "bks_vehicles", "bks_distance", "gap_pct", "vehicles_vs_bks", "wall_s",
            "unassigned", "violations", "budget_s", "seed", "path", "message")

Row = dict[str, Any]


def find_instances(paths: Iterable[str | Path]) -> list[Path]:
    """Instance files: each file as given, each folder searched recursively for ``*.txt``
    (sorted). Raises `FileNotFoundError` for a path that does not exist."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.txt") if p.is_file()))
        elif path.is_file():
            found.append(path)
        else:
            raise FileNotFoundError(f"no such file or folder: {path}")
    unique: dict[Path, None] = {}
    for path in found:
        unique.setdefault(path.resolve(), None)
    return list(unique)


def _bks_for(paths: Sequence[Path], bks_path: str | Path | None) -> dict[Path, Bks | None]:
    tables: dict[Path, dict[str, Bks]] = {}
    given = read_bks_csv(bks_path) if bks_path is not None else None
    out: dict[Path, Bks | None] = {}
    for path in paths:
        table = given
        if table is None:
            beside = path.parent / "bks.csv"
            if beside not in tables:
                tables[beside] = read_bks_csv(beside) if beside.is_file() else {}
            table = tables[beside]
        out[path] = table.get(path.stem.lower())
    return out


def _empty_row(path: Path, solver: str, bks: Bks | None, budget_s: float, seed: int) -> Row:
    row: Row = dict.fromkeys(ROW_KEYS)
    row.update(instance=path.stem, family=None, solver=solver, status="error", feasible=False,
               bks_vehicles=bks.vehicles if bks else None,
               bks_distance=bks.distance if bks else None, budget_s=budget_s, seed=seed,
               path=str(path), message="", unassigned=None, violations=None)
    return row


def _finish_row(row: Row) -> Row:
    bks_d = row["bks_distance"]
    if row["feasible"] and bks_d is not None and row["distance"] is not None and bks_d > 0:
        row["gap_pct"] = 100.0 * (row["distance"] - bks_d) / bks_d
    if row["feasible"] and row["bks_vehicles"] is not None and row["vehicles"] is not None:
        row["vehicles_vs_bks"] = row["vehicles"] - row["bks_vehicles"]
    if row["wall_s"] is not None:
        row["wall_s"] = round(row["wall_s"], 3)
    return row


def solve_one(path: str | Path, solver: str, budget_s: float, seed: int,
              bks: Bks | None, workers: int = 1) -> Row:
    """One instance with one solver: a row (see `ROW_KEYS`). Never raises for a bad
    instance or a failing solver; the row then has ``status`` "error" and a message."""
    path = Path(path)
    row = _empty_row(path, solver, bks, budget_s, seed)
    try:
        problem = read_instance(path)
    except InstanceFormatError as exc:
        row["message"] = str(exc)
        return row
    row["family"] = problem.meta["family"]
    row["instance"] = str(problem.meta.get("instance") or path.stem)
    if solver == "bookrun":
        _run_bookrun(problem, row, budget_s, seed, workers)
        row["workers"] = workers
    elif solver in ("pyvrp", "vroom"):
        from api.bench.peers import PEERS

        result = PEERS[solver](problem, budget_s, seed)
        row.update(status=result.status, feasible=result.feasible,
                   vehicles=result.vehicles if result.status == "ok" else None,
                   distance=result.distance, wall_s=result.wall_s,
                   unassigned=result.unassigned if result.status == "ok" else None,
                   violations=len(result.violations) if result.status == "ok" else None,
                   message="; ".join(filter(None, [result.message, *result.violations[:3]])))
    else:
        row["message"] = f"unknown solver {solver!r} (choose from {', '.join(SOLVERS)})"
    return _finish_row(row)


def _run_bookrun(problem: Any, row: Row, budget_s: float, seed: int, workers: int) -> None:
    from routing.solver import solve
    from routing.verify import verify

    started = time.perf_counter()
    try:
        plan = solve(problem, time_limit_s=budget_s, seed=seed, workers=workers)
    except Exception as exc:  # report, do not stop the benchmark
        row.update(wall_s=time.perf_counter() - started,
                   message=f"{type(exc).__name__}: {exc}")
        return
    wall = time.perf_counter() - started
    violations = [f"{v.code}: {v.message}" for v in verify(problem, plan)]
    row.update(status="ok", wall_s=wall, vehicles=plan.vehicles_used,
               distance=exact_distance(problem, plan) if plan.routes else None,
               unassigned=len(plan.unassigned), violations=len(violations),
               feasible=not violations and not plan.unassigned,
               message="; ".join(violations[:3]) or
               ("" if plan.status.value == "complete" else f"plan {plan.status.value}"))


def _solve_unit(args: tuple[str, str, float, int, Bks | None, int]) -> Row:
    return solve_one(*args)


def run_bench(paths: Iterable[str | Path], *, budget_s: float = 10.0,
              solvers: Sequence[str] = ("bookrun",), bks_path: str | Path | None = None,
              json_path: str | Path | None = None, seed: int = 0, jobs: int = 1,
              progress: bool = False, workers: int = 1) -> list[Row]:
    """Solve every instance with every solver; rows in instance then solver order.

    ``jobs > 1`` runs that many solves at once in separate processes (each solver is
    still single-threaded). ``json_path`` receives the rows as a JSON list. With
    ``progress`` each row is printed as it completes.
    """
    unknown = [s for s in solvers if s not in SOLVERS]
    if unknown:
        raise ValueError(f"unknown solver(s) {unknown}; choose from {', '.join(SOLVERS)}")
    if budget_s <= 0:
        raise ValueError(f"budget_s must be > 0, got {budget_s}")
    instances = find_instances(paths)
    bks = _bks_for(instances, bks_path)
    units = [(str(p), s, float(budget_s), int(seed), bks[p], int(workers))
             for p in instances for s in solvers]
    rows: list[Row] = []
    if jobs <= 1 or len(units) <= 1:
        for unit in units:
            rows.append(_solve_unit(unit))
            if progress:
                print(format_row(rows[-1]), flush=True)
    else:
        from routing import compile_day_search

        with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn"),
                                 initializer=compile_day_search) as pool:
            for row in pool.map(_solve_unit, units):
                rows.append(row)
                if progress:
                    print(format_row(row), flush=True)
    if json_path is not None:
        Path(json_path).write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    return rows


# --------------------------------------------------------------------------- reporting


def _fmt(value: float | None, spec: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, float) and spec.startswith(".") and spec.endswith("f"):
        value = round(value, int(spec[1:-1])) + 0.0  # no "-0.000" for a hair below zero
    return format(value, spec)


_ROW_HEADER = (f"{'instance':<10}{'solver':<9}{'feasible':>9}{'veh':>5}{'bks':>5}"
               f"{'distance':>12}{'bks dist':>12}{'gap %':>9}{'wall s':>8}{'unass':>6}  note")


def format_row(row: Row) -> str:
    feasible = "yes" if row["feasible"] else ("no" if row["status"] == "ok" else row["status"])
    return (f"{row['instance']:<10}{row['solver']:<9}{feasible:>9}"
            f"{_fmt(row['vehicles'], 'd'):>5}{_fmt(row['bks_vehicles'], 'd'):>5}"
            f"{_fmt(row['distance'], '.2f'):>12}{_fmt(row['bks_distance'], '.2f'):>12}"
            f"{_fmt(row['gap_pct'], '.3f'):>9}{_fmt(row['wall_s'], '.2f'):>8}"
            f"{_fmt(row['unassigned'], 'd'):>6}  {(row['message'] or '')[:60]}")


def summarize(rows: Sequence[Row]) -> list[Row]:
    """Per family and solver: count, feasible, mean/max gap, at BKS, vehicles <= BKS."""
    groups: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        groups.setdefault((row["family"] or "?", row["solver"]), []).append(row)
    out: list[Row] = []
    for (family, solver), members in sorted(groups.items()):
        gaps = [r["gap_pct"] for r in members if r["gap_pct"] is not None]
        veh_ok = [r for r in members if r["feasible"] and r["bks_vehicles"] is not None
                  and r["vehicles"] <= r["bks_vehicles"]]
        veh_ok_gaps = [r["gap_pct"] for r in veh_ok if r["gap_pct"] is not None]
        out.append({
            "family": family, "solver": solver, "count": len(members),
            "feasible": sum(1 for r in members if r["feasible"]),
            "with_gap": len(gaps),
            "mean_gap_pct": statistics.fmean(gaps) if gaps else None,
            "max_gap_pct": max(gaps) if gaps else None,
            "at_bks": sum(1 for g in gaps if g <= AT_BKS_PCT),
            "vehicles_le_bks": len(veh_ok),
            "mean_gap_pct_vehicles_le_bks": statistics.fmean(veh_ok_gaps) if veh_ok_gaps
            else None,
            "mean_wall_s": statistics.fmean(r["wall_s"] for r in members
                                            if r["wall_s"] is not None)
            if any(r["wall_s"] is not None for r in members) else None,
        })
    return out


def header(*, n_instances: int, solvers: Sequence[str], budget_s: float, seed: int,
           jobs: int, workers: int = 1) -> str:
    text = (f"bookrun bench: {n_instances} instance(s), solvers {', '.join(solvers)}, "
            f"budget {budget_s:g} s per instance and solver, seed {seed}, ")
    if workers > 1 and "bookrun" in solvers:
        text += (f"bookrun with {workers} single-threaded worker processes (best of "
                 f"{workers}), peers single-threaded")
    else:
        text += "each solver single-threaded"
    if jobs > 1:
        text += (f"; {jobs} solves run in parallel processes (each solver still "
                 f"single-threaded; wall times include contention)")
    return text


def format_summary(rows: Sequence[Row]) -> str:
    lines = [f"{'family':<9}{'solver':<9}{'n':>4}{'feas':>6}{'mean gap%':>11}{'max gap%':>10}"
             f"{'at BKS':>8}{'veh<=BKS':>10}{'gap% there':>12}{'mean s':>8}"]
    for s in summarize(rows):
        lines.append(f"{s['family']:<9}{s['solver']:<9}{s['count']:>4}{s['feasible']:>6}"
                     f"{_fmt(s['mean_gap_pct'], '.3f'):>11}{_fmt(s['max_gap_pct'], '.3f'):>10}"
                     f"{s['at_bks']:>8}{s['vehicles_le_bks']:>10}"
                     f"{_fmt(s['mean_gap_pct_vehicles_le_bks'], '.3f'):>12}"
                     f"{_fmt(s['mean_wall_s'], '.2f'):>8}")
    return "\n".join(lines)


def format_table(rows: Sequence[Row], *, budget_s: float | None = None, seed: int = 0,
                 jobs: int = 1, with_header: bool = True) -> str:
    """The per-instance rows, then the per-family-and-solver summary."""
    lines: list[str] = []
    if with_header:
        budget = budget_s if budget_s is not None else (rows[0]["budget_s"] if rows else 0.0)
        solvers = list(dict.fromkeys(r["solver"] for r in rows))
        lines.append(header(n_instances=len({r["path"] for r in rows}), solvers=solvers,
                            budget_s=budget, seed=seed, jobs=jobs))
        lines.append(f"gap % = distance vs the BKS distance (instance convention), feasible "
                     f"plans only; 'at BKS' = gap <= {AT_BKS_PCT} %")
        lines.append("")
    lines.append(_ROW_HEADER)
    lines.extend(format_row(r) for r in rows)
    lines.append("")
    lines.append(format_summary(rows))
    return "\n".join(lines)


# --------------------------------------------------------------------------- CLI


def _solver_list(text: str) -> list[str]:
    names = [s.strip().lower() for s in text.split(",") if s.strip()]
    unknown = [s for s in names if s not in SOLVERS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown solver(s) {unknown or text!r}; choose from {','.join(SOLVERS)}")
    return names


def configure_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="instance files or folders (searched recursively for *.txt), "
                             "Solomon or Li & Lim format")
    parser.add_argument("--budget", type=positive_float, default=10.0, metavar="SECONDS",
                        help="time limit per instance and solver (default 10)")
    parser.add_argument("--solvers", type=_solver_list, default=["bookrun"],
                        metavar="LIST", help="comma-separated: bookrun,pyvrp,vroom "
                                             "(default bookrun)")
    parser.add_argument("--bks", metavar="FILE", default=None,
                        help="BKS CSV (columns instance,distance[,vehicles]); default: a "
                             "bks.csv next to each instance")
    parser.add_argument("--json", metavar="FILE", default=None, dest="json_path",
                        help="write the rows as a JSON list")
    parser.add_argument("--jobs", type=positive_int, default=1, metavar="N",
                        help="solves run in parallel processes (default 1)")
    parser.add_argument("--seed", type=int, default=0, metavar="N", help="random seed")
    parser.add_argument("--workers", type=positive_int, default=1, metavar="N",
                        help="bookrun only: N single-threaded searches side by side, the "
                             "best plan kept (default 1; the header says so when > 1)")
    parser.set_defaults(func=run_from_args, handler=run_from_args, solves=True)
    return parser


def add_bench_subcommand(subparsers: Any) -> None:
    """Register ``bench`` on an argparse sub-parser collection (``bookrun bench``).

    The parsed namespace's ``handler(args)`` (also ``func(args)``) runs it and returns the
    exit code: 0 every row feasible, 1 some row not, 2 bad arguments or files.
    """
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "bench", help="solve benchmark instances and compare with the best known solutions",
        description=__doc__.split("\n\n")[0] if __doc__ else None)
    configure_parser(parser)


def run_from_args(args: argparse.Namespace) -> int:
    """Run the benchmark for parsed arguments; 0 when every row is feasible, 1 when some
    is not, 2 on a usage error (a missing path, an unreadable BKS file)."""
    try:
        instances = find_instances(args.paths)
        if not instances:
            print(f"bookrun bench: no *.txt instance under {' '.join(args.paths)}",
                  file=sys.stderr)
            return 2
        print(header(n_instances=len(instances), solvers=args.solvers, budget_s=args.budget,
                     seed=args.seed, jobs=args.jobs, workers=args.workers), flush=True)
        print(_ROW_HEADER, flush=True)
        rows = run_bench(instances, budget_s=args.budget, solvers=args.solvers,
                         bks_path=args.bks, json_path=args.json_path, seed=args.seed,
                         jobs=args.jobs, progress=True, workers=args.workers)
    except (FileNotFoundError, InstanceFormatError, ValueError) as exc:
        print(f"bookrun bench: {exc}", file=sys.stderr)
        return 2
    print()
    print(format_summary(rows))
    if args.json_path:
        print(f"\nrows written to {args.json_path}")
    return 0 if all(r["feasible"] for r in rows) else 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = configure_parser(argparse.ArgumentParser(
        prog="python -m api.bench", description=__doc__.split("\n\n")[0] if __doc__ else None))
    args = parser.parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
