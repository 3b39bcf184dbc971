"""``bookrun bench-service`` runs a real server and measures it (a small run here)."""

from __future__ import annotations

import datetime as dt

import pytest

from api.bench.bench_service import run_bench_service


@pytest.mark.slow
def test_bench_service_records_collections_and_plans_over_http() -> None:
    figures = run_bench_service(20, dt.date(2023, 11, 15), 1.0)
    assert figures["requests"] == 20
    assert 0 < figures["median_ms"] <= figures["p95_ms"] <= figures["max_ms"]
    assert figures["plan_status"] == "done"
    assert figures["plan_wall_s"] >= 1.0
