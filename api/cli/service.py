"""The service's commands: ``bookrun serve``, ``bookrun db upgrade|seed`` and
``bookrun user create``. Each honours ``DATABASE_URL`` (default: ``sqlite:///bookrun.db``).
"""

from __future__ import annotations

import argparse
import getpass
import os
import secrets
import sys
from typing import TYPE_CHECKING, Any

from api.cli.argtypes import positive_int

if TYPE_CHECKING:
    from api.settings import Settings


def add_service_subcommands(subparsers: Any) -> None:
    serve = subparsers.add_parser(
        "serve", help="run the HTTP service (FastAPI + uvicorn)",
        description="Start the service on HOST:PORT with the store at DATABASE_URL. With "
                    "--init (the README's run command) the store is first migrated and the "
                    "scenario loaded; without it, a database that is not migrated stops the "
                    "start with a message naming `bookrun db upgrade`.")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on "
                                                           "(default 127.0.0.1)")
    serve.add_argument("--port", type=positive_int, default=8000, help="port (default 8000)")
    serve.add_argument("--init", action="store_true",
                       help="migrate the database and load the scenario first (idempotent)")
    serve.add_argument("--scenario", default=None,
                       help="scenario to plan and to load with --init (default: SCENARIO or "
                            "munakata)")
    serve.set_defaults(handler=cmd_serve)

    db = subparsers.add_parser("db", help="migrate the store or load a scenario into it",
                               description="Database commands (DATABASE_URL).")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    upgrade = db_commands.add_parser("upgrade", help="apply every migration (idempotent)")
    upgrade.set_defaults(handler=cmd_db_upgrade)
    seed = db_commands.add_parser(
        "seed", help="load a scenario's sites and return-post history (idempotent)",
        description="Load the scenario's sites and, once, its return-post history (for "
                    "Munakata: FY2023, equal to the annual report's monthly table).")
    seed.add_argument("--scenario", default=None, help="default: SCENARIO or munakata")
    seed.add_argument("--no-history", action="store_true", help="sites only")
    seed.set_defaults(handler=cmd_db_seed)

    user = subparsers.add_parser("user", help="manage accounts",
                                 description="Create accounts (the first staff account too).")
    user_commands = user.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    create = user_commands.add_parser(
        "create", help="create an account",
        description="Create an account. The password is read from stdin with "
                    "--password-stdin, asked for on a terminal, or generated and printed "
                    "once.")
    create.add_argument("username")
    create.add_argument("--role", required=True,
                        choices=["staff", "school_librarian", "contractor"])
    create.add_argument("--school", default=None,
                        help="the school site id a school librarian is bound to")
    create.add_argument("--password-stdin", action="store_true",
                        help="read the password from the first line of stdin")
    create.set_defaults(handler=cmd_user_create)


def _settings(scenario: str | None = None) -> Settings:
    from api.settings import Settings

    settings = Settings.from_env()
    if scenario:
        settings = settings.model_copy(update={"scenario": scenario})
    return settings


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from api.store.db import upgrade

    settings = _settings()
    before, after = upgrade(settings.database_url)
    print(f"database {_safe(settings.database_url)}: "
          + (f"migrated from {before or 'empty'} to {after}" if before != after
             else f"already at {after}"))
    return 0


def cmd_db_seed(args: argparse.Namespace) -> int:
    from api.store.db import (
        NotMigrated,
        check_migrated,
        make_engine,
        make_session_factory,
        unit_of_work,
    )
    from api.store.seed import seed_network
    from scenarios.loader import ScenarioError, load_network

    settings = _settings(args.scenario)
    engine = make_engine(settings.database_url)
    try:
        check_migrated(engine)
        network = load_network(settings.scenario)
    except (NotMigrated, ScenarioError) as exc:
        print(f"bookrun db seed: {exc}", file=sys.stderr)
        return 2
    with unit_of_work(make_session_factory(engine)) as session:
        result = seed_network(session, network, history=not args.no_history)
    print(f"scenario {network.scenario_id}: {result.sites_added} sites added, "
          f"{result.sites_updated} updated, {result.collections_added} collections of the "
          f"history loaded")
    return 0


def cmd_user_create(args: argparse.Namespace) -> int:
    from api.services.accounts import AccountError, create_user
    from api.store.db import (
        NotMigrated,
        check_migrated,
        make_engine,
        make_session_factory,
        unit_of_work,
    )

    settings = _settings()
    engine = make_engine(settings.database_url)
    try:
        check_migrated(engine)
    except NotMigrated as exc:
        print(f"bookrun user create: {exc}", file=sys.stderr)
        return 2
    generated = False
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif sys.stdin.isatty():
        password = getpass.getpass(f"password for {args.username}: ")
    else:
        password, generated = secrets.token_urlsafe(12), True
    try:
        with unit_of_work(make_session_factory(engine)) as session:
            user = create_user(session, args.username, args.role, password, args.school)
            role = user.role.value
    except AccountError as exc:
        print(f"bookrun user create: {exc}", file=sys.stderr)
        return 2
    print(f"created {role} account {args.username!r}"
          + (f" for school {args.school}" if args.school else ""))
    if generated:
        print(f"password (shown once): {password}")
    return 0


#: What ``bookrun serve`` runs: named, not imported, so that the command line never imports
#: the HTTP side (uvicorn imports it in the serving process).
APP_FACTORY = "api.http.app:create_app"


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.store.db import NotMigrated, check_migrated, make_engine

    settings = _settings(args.scenario)
    if args.init:
        from api.store.db import upgrade

        upgrade(settings.database_url)
        seed_args = argparse.Namespace(scenario=settings.scenario, no_history=False)
        if cmd_db_seed(seed_args) != 0:
            return 2
    try:
        check_migrated(make_engine(settings.database_url))
    except NotMigrated as exc:
        print(f"bookrun serve: {exc}", file=sys.stderr)
        return 2
    print(f"bookrun serve: http://{args.host}:{args.port}/docs (database "
          f"{_safe(settings.database_url)}, scenario {settings.scenario})")
    # The factory reads its settings from the environment: the scenario chosen here too.
    os.environ["SCENARIO"] = settings.scenario
    uvicorn.run(APP_FACTORY, factory=True, host=args.host, port=args.port, log_level="info")
    return 0


def _safe(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
