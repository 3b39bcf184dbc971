"""The ``bookrun`` command line: solve a problem file, verify a plan file, find the examples."""

from __future__ import annotations

import argparse
import logging
import sys
import textwrap
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import TextIO

from api.bench.bench import add_bench_subcommand
from api.bench.bench_day import add_bench_day_subcommand
from api.bench.bench_service import add_bench_service_subcommand
from api.cli.argtypes import non_negative_int, positive_float, positive_int
from api.cli.drops import add_drops_subcommands
from api.cli.plan import add_plan_subcommand
from api.cli.service import add_service_subcommands
from routing.documents import load_plan, load_problem, plan_to_json
from routing.errors import FormatError, ProblemError
from routing.problem import Problem
from routing.result import Plan, PlanStatus

#: Exit codes (also in docs/format.md).
EXIT_OK = 0  # done: a plan was written (complete or partial), or a plan verified feasible
EXIT_FAILURE = 1  # a plan failed verification, or an unexpected (internal) error
EXIT_INVALID_INPUT = 2  # a file is unreadable, not JSON, or breaks the format; bad arguments
EXIT_NO_SOLUTION = 3  # the solver found no plan within its limits

#: Where the golden example pairs live (in the source tree, next to docs/format.md).
EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "docs" / "examples"

Handler = Callable[[argparse.Namespace], int]


class InvalidInput(Exception):
    """A file or argument the user must fix; the message is shown as is (exit 2)."""


# --------------------------------------------------------------------------- entry point


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``bookrun`` with ``argv`` (default: the process arguments).

    Parameters
    ----------
    argv
        The arguments after the program name.

    Returns
    -------
    int
        The exit code: `EXIT_OK`, `EXIT_FAILURE`, `EXIT_INVALID_INPUT` or
        `EXIT_NO_SOLUTION`.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error (argparse says 2)
        return exc.code if isinstance(exc.code, int) else EXIT_INVALID_INPUT
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    handler: Handler = args.handler
    try:
        if getattr(args, "solves", False):
            from routing import compile_day_search

            compile_day_search()  # loaded before any solve's clock starts
        return handler(args)
    except InvalidInput as exc:
        _error(str(exc))
        return EXIT_INVALID_INPUT
    except KeyboardInterrupt:
        _error("interrupted")
        return 130
    except BrokenPipeError:  # the reader went away (e.g. `bookrun plan ... | head`)
        sys.stderr.close()
        return EXIT_OK
    except Exception as exc:
        if args.debug:
            raise
        _error(f"internal error: {type(exc).__name__}: {exc}\n"
               "(run again with --debug for the traceback)")
        return EXIT_FAILURE


def build_parser() -> argparse.ArgumentParser:
    """The argument parser: global options and one subparser per subcommand.

    To add a subcommand, write ``_add_<name>(subparsers)`` that creates its subparser and
    sets ``handler=<function(args) -> exit code>``, and list it in `SUBCOMMANDS`.

    Returns
    -------
    argparse.ArgumentParser
        The ``bookrun`` parser.
    """
    parser = argparse.ArgumentParser(
        prog="bookrun",
        description="Plan library delivery routes: solve a problem file, verify a plan file. "
                    "File formats: docs/format.md.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="log progress (solver settings, timings) to stderr")
    parser.add_argument("--debug", action="store_true",
                        help="show the traceback of an unexpected error")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in SUBCOMMANDS:
        add(subparsers)
    return parser


def _version() -> str:
    try:
        return metadata.version("bookrun")
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


# --------------------------------------------------------------------------- solve


def _add_solve(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "solve", help="solve a problem file and verify the plan",
        description="Solve PROBLEM.json, check the plan with routing.verify, print its "
                    "summary and write the plan JSON. Exit 0 for a complete or partial plan, "
                    "2 for invalid input, 3 when no plan was found.")
    parser.add_argument("problem", metavar="PROBLEM.json", help="problem document (format 1)")
    parser.add_argument("--time-limit", type=positive_float, default=5.0, metavar="S",
                        help="stop searching after S seconds (default 5)")
    parser.add_argument("--seed", type=non_negative_int, default=0, metavar="N",
                        help="random seed (default 0)")
    parser.add_argument("--solution-limit", type=positive_int, default=None, metavar="N",
                        help="stop after N improving solutions: deterministic, unlike a time "
                             "limit (default: no limit)")
    parser.add_argument("--workers", type=positive_int, default=1, metavar="N",
                        help="independent searches run side by side in N processes, one "
                             "thread each; the cheapest plan wins (default 1)")
    parser.add_argument("--out", type=Path, default=None, metavar="PLAN.json",
                        help="write the plan document to this file")
    parser.add_argument("--json", action="store_true",
                        help="write the plan document to stdout (the summary goes to stderr)")
    parser.add_argument("--quiet", action="store_true",
                        help="print only warnings and errors")
    parser.set_defaults(handler=cmd_solve, solves=True)


def cmd_solve(args: argparse.Namespace) -> int:
    """``bookrun solve``: load, solve, verify, report, write.

    Parameters
    ----------
    args
        ``problem``, ``time_limit``, ``seed``, ``solution_limit``, ``out``, ``json``,
        ``quiet``.

    Returns
    -------
    int
        0 for a complete or partial plan, 1 if the solver's plan fails verification,
        3 if no plan was found (invalid input raises `InvalidInput`).
    """
    from routing.solver import solve  # imports OR-Tools: only when solving
    from routing.verify import format_violations, verify

    problem = _load_problem(args.problem)
    plan = solve(problem, time_limit_s=args.time_limit, seed=args.seed,
                 solution_limit=args.solution_limit, workers=args.workers)
    report = sys.stderr if args.json else sys.stdout

    if plan.status is PlanStatus.NO_SOLUTION:
        _error(f"no plan found within the limits (time limit {args.time_limit:g} s"
               + (f", solution limit {args.solution_limit}" if args.solution_limit else "")
               + "); try a longer --time-limit")
        _write_plan(plan, args, report)
        return EXIT_NO_SOLUTION

    violations = verify(problem, plan)
    if not args.quiet:
        _say(plan.summary(), report)
    if violations:
        _error("internal error: the solver's plan fails verification "
               f"({_count(len(violations), 'violation')}):\n" + format_violations(violations))
        _write_plan(plan, args, report)
        return EXIT_FAILURE
    if not args.quiet:
        _say(f"verified: the plan is feasible (routing.verify checked "
             f"{_count(len(plan.routes), 'route')} against the problem)", report)
    if plan.status is PlanStatus.PARTIAL:
        required = {t.task_id for t in problem.tasks if t.required}
        missing = [u for u in plan.unassigned if u.task_id in required]
        _warn(f"partial plan: {_count(len(missing), 'required task')} not served: "
              + ", ".join(f"{u.task_id} ({u.reason.value})" for u in missing))
    _write_plan(plan, args, report)
    return EXIT_OK


def _write_plan(plan: Plan, args: argparse.Namespace, report: TextIO) -> None:
    text = plan_to_json(plan)
    if args.out is not None:
        try:
            args.out.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InvalidInput(f"cannot write plan file {args.out}: {exc.strerror}") from exc
        if not args.quiet:
            _say(f"plan written to {args.out}", report)
    if args.json:
        sys.stdout.write(text)


# --------------------------------------------------------------------------- verify


def _add_verify(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "verify", help="check a plan file against its problem file",
        description="Check PLAN.json (written by bookrun or any other tool) against "
                    "PROBLEM.json with routing.verify. Exit 0 when feasible, 1 listing every "
                    "violation otherwise, 2 when a file is unreadable or invalid.")
    parser.add_argument("problem", metavar="PROBLEM.json", help="problem document (format 1)")
    parser.add_argument("plan", metavar="PLAN.json", help="plan document (format 1)")
    parser.set_defaults(handler=cmd_verify)


def cmd_verify(args: argparse.Namespace) -> int:
    """``bookrun verify``: report whether a plan is feasible for a problem.

    Parameters
    ----------
    args
        ``problem`` and ``plan`` (file paths).

    Returns
    -------
    int
        0 when feasible, 1 when there are violations (invalid input raises
        `InvalidInput`).
    """
    from routing.verify import format_violations, verify

    problem = _load_problem(args.problem)
    plan = _load_plan(args.plan)
    if plan.problem_name and problem.name and plan.problem_name != problem.name:
        _warn(f"the plan is for problem {plan.problem_name!r}, the problem file is "
              f"{problem.name!r}")
    try:
        violations = verify(problem, plan)
    except ProblemError as exc:
        raise InvalidInput(f"cannot check plan file {args.plan}: {exc}") from exc
    if violations:
        print(f"plan is infeasible: {_count(len(violations), 'violation')}")
        print(format_violations(violations))
        return EXIT_FAILURE
    print(f"plan is feasible: {_count(len(plan.routes), 'route')}, "
          f"{plan.distance_m / 1000:.1f} km")
    if plan.status is PlanStatus.PARTIAL:
        _warn(f"the plan is partial: {_count(len(plan.unassigned), 'task')} unassigned")
    return EXIT_OK


# --------------------------------------------------------------------------- example


def _add_example(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "example", help="print the path of a bundled example problem",
        description="Print the path of a bundled example problem (or, with --plan, its "
                    "golden plan), e.g. `bookrun solve $(bookrun example example_1)`. "
                    "Without NAME, list the examples.")
    parser.add_argument("name", nargs="?", metavar="NAME", help="example name, e.g. example_1")
    parser.add_argument("--list", action="store_true", help="list the examples")
    parser.add_argument("--plan", action="store_true", help="print the golden plan's path")
    parser.set_defaults(handler=cmd_example)


def cmd_example(args: argparse.Namespace) -> int:
    """``bookrun example``: list the examples or print one's path.

    Parameters
    ----------
    args
        ``name`` (optional), ``list``, ``plan``.

    Returns
    -------
    int
        0, or 1 when the examples are not in this installation (an unknown name raises
        `InvalidInput`).
    """
    problems = sorted(EXAMPLES_DIR.glob("*.problem.json"))
    if not problems:
        _error(f"no examples found in {EXAMPLES_DIR} (they ship in the source tree's "
               "docs/examples)")
        return EXIT_FAILURE
    names = [p.name.removesuffix(".problem.json") for p in problems]
    if args.list or not args.name:
        width = max(len(name) for name in names)
        for name, path in zip(names, problems, strict=True):
            print(f"{name:<{width}}  {path}")
        return EXIT_OK
    if args.name not in names:
        raise InvalidInput(f"unknown example {args.name!r}; examples: {', '.join(names)}")
    path = EXAMPLES_DIR / f"{args.name}{'.plan.json' if args.plan else '.problem.json'}"
    if not path.exists():
        raise InvalidInput(f"example {args.name!r} has no golden plan (it is a bad input)")
    print(path)
    return EXIT_OK


# --------------------------------------------------------------------------- helpers

#: Each adds one subcommand (see `build_parser`).
SUBCOMMANDS: tuple[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None],
                   ...] = (_add_solve, _add_verify, _add_example, add_bench_subcommand,
                           add_bench_day_subcommand, add_plan_subcommand,
                           add_service_subcommands, add_bench_service_subcommand,
                           add_drops_subcommands)


def _load_problem(path: str | Path) -> Problem:
    try:
        return load_problem(path)
    except OSError as exc:
        raise InvalidInput(f"cannot read problem file {path}: {exc.strerror or exc}") from exc
    except FormatError as exc:
        raise InvalidInput(_invalid("problem", path, exc)) from exc


def _load_plan(path: str | Path) -> Plan:
    try:
        return load_plan(path)
    except OSError as exc:
        raise InvalidInput(f"cannot read plan file {path}: {exc.strerror or exc}") from exc
    except FormatError as exc:
        raise InvalidInput(_invalid("plan", path, exc)) from exc


def _invalid(what: str, path: str | Path, exc: FormatError) -> str:
    lines = str(exc).splitlines()
    count = len(getattr(exc, "problems", lines))
    head = f"invalid {what} file {path}" + (f" ({count} problems)" if count > 1 else "")
    return head + ":\n" + textwrap.indent("\n".join(lines), "  ")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _say(message: str, stream: TextIO) -> None:
    print(message, file=stream)


def _warn(message: str) -> None:
    print(f"bookrun: warning: {message}", file=sys.stderr)


def _error(message: str) -> None:
    print(f"bookrun: {message}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
