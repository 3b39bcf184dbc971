"""``bookrun bench-service``: latency of the running service on loopback.

Starts ``bookrun serve`` in a child process on a fresh store (SQLite in a temporary
folder, or ``--database-url``), signs in as a staff account, records ``--requests``
return-post collections one after another over one keep-alive connection and reports the
median, p95 and max latency; then plans ``--plan-date`` through ``POST /plans?wait=true``
and reports the wall time of that call. Nothing is mocked: HTTP, JSON, auth, the store and
the solver's worker process all run as in production.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from api.cli.argtypes import iso_date, positive_float, positive_int

PASSWORD = "bench-password-1"


def add_bench_service_subcommand(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "bench-service", help="latency of recording collections and of planning, over HTTP",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=positive_int, default=1000,
                        help="collections to record (default 1000)")
    parser.add_argument("--plan-date", type=iso_date, default=dt.date(2023, 11, 17),
                        help="date to plan through the API (default 2023-11-17)")
    parser.add_argument("--plan-time-limit", type=positive_float, default=10.0,
                        help="solver time limit of that plan (default 10 s)")
    parser.add_argument("--database-url", default=None,
                        help="store to use (default: a new SQLite file in a temp folder)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures")
    parser.set_defaults(handler=cmd_bench_service)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def _server(database_url: str, port: int) -> Iterator[str]:
    import httpx  # the HTTP client loads for a bench run, not for the command line

    env = {**os.environ, "DATABASE_URL": database_url}
    bookrun = [sys.executable, "-m", "api.cli"]
    subprocess.run([*bookrun, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([*bookrun, "db", "seed"], env=env, check=True, capture_output=True)
    subprocess.run([*bookrun, "user", "create", "bench-staff", "--role", "staff",
                    "--password-stdin"], env=env, check=True, capture_output=True,
                   input=PASSWORD + "\n", text=True)
    process = subprocess.Popen([*bookrun, "serve", "--host", "127.0.0.1", "--port", str(port)],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                error = process.stderr.read().decode() if process.stderr else ""
                raise RuntimeError(f"bookrun serve did not start: {error[-2000:]}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def run_bench_service(requests: int, plan_date: dt.date, plan_time_limit_s: float,
                      database_url: str | None = None) -> dict[str, Any]:
    import httpx

    with tempfile.TemporaryDirectory() as folder:
        url = database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        with _server(url, _free_port()) as base, httpx.Client(base_url=base,
                                                               timeout=300) as client:
            token = client.post("/auth/token", json={"username": "bench-staff",
                                                      "password": PASSWORD}).json()
            headers = {"Authorization": f"Bearer {token['access_token']}"}
            posts = ["munakata-akama-station", "munakata-togo-station", "munakata-sunlive",
                     "munakata-city-hall"]
            start = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
            latencies_ms = []
            for k in range(requests):
                body = {"post_id": posts[k % len(posts)], "items": 10 + k % 50,
                        "collected_at": (start + dt.timedelta(minutes=k)).isoformat(),
                        "collected_by": "bench"}
                began = time.perf_counter()
                response = client.post("/collections", json=body,
                                       headers={**headers, "Idempotency-Key": f"bench-{k}"})
                latencies_ms.append((time.perf_counter() - began) * 1000)
                if response.status_code != 201:
                    raise RuntimeError(f"POST /collections answered {response.status_code}: "
                                       f"{response.text[:500]}")
            began = time.perf_counter()
            response = client.post("/plans", params={"wait": "true"}, headers=headers,
                                   json={"date": plan_date.isoformat(),
                                         "time_limit_s": plan_time_limit_s})
            plan_wall_s = time.perf_counter() - began
            plan = response.json()
    ordered = sorted(latencies_ms)
    return {
        "requests": requests,
        "median_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[max(0, round(0.95 * len(ordered)) - 1)], 2),
        "max_ms": round(ordered[-1], 2),
        "plan_date": plan_date.isoformat(),
        "plan_status": plan.get("status"),
        "plan_wall_s": round(plan_wall_s, 2),
        "plan_solve_s": (plan.get("summary") or {}).get("solve_s"),
        "plan_vans": (plan.get("summary") or {}).get("vans"),
        "database": "sqlite (temporary file)" if database_url is None else "given",
    }


def cmd_bench_service(args: argparse.Namespace) -> int:
    figures = run_bench_service(args.requests, args.plan_date, args.plan_time_limit,
                                args.database_url)
    print(f"POST /collections x {figures['requests']}: median {figures['median_ms']} ms, "
          f"p95 {figures['p95_ms']} ms, max {figures['max_ms']} ms")
    print(f"POST /plans?wait=true {figures['plan_date']}: {figures['plan_status']} in "
          f"{figures['plan_wall_s']} s wall (solver {figures['plan_solve_s']} s)")
    if args.json is not None:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0 if figures["plan_status"] == "done" else 1
