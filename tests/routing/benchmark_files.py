"""Test helpers: where the shared benchmark files are (``../shared/benchmarks`` relative to
the repository root, see tests/shared_data.py) and a mark that skips, naming that path, when
they are absent."""

from __future__ import annotations

import os

import pytest

from tests.shared_data import SHARED

#: ``../shared/benchmarks`` next to the repository (Solomon and Li & Lim files, BKS tables
#: and BKS routes; see its README.md).
BENCH = SHARED / "benchmarks"

#: Skips when the files are absent, except under CI, where the test runs and fails.
needs_bench = pytest.mark.skipif(
    not BENCH.is_dir() and not os.environ.get("CI"),
    reason=f"the benchmark files are expected at ../shared/benchmarks relative to the "
           f"repository root ({BENCH}), which is absent")


def bench_names(family: str) -> list[str]:
    """The instance names of one family (``solomon`` or ``lilim``), none when absent."""
    if not (BENCH / family).is_dir():
        return []
    return sorted(p.stem for p in (BENCH / family).glob("*.txt"))
