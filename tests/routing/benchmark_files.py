"""Test helpers: where the shared benchmark files are (``../shared/benchmarks`` relative to
the repository root) and a mark that skips, naming that path, when they are absent."""

from __future__ import annotations

from pathlib import Path

import pytest

#: ``../shared/benchmarks`` next to the repository (Solomon and Li & Lim files, BKS tables
#: and BKS routes; see its README.md).
BENCH = (Path(__file__).resolve().parents[2] / ".." / "shared" / "benchmarks").resolve()

needs_bench = pytest.mark.skipif(
    not BENCH.is_dir(),
    reason=f"the benchmark files are expected at ../shared/benchmarks relative to the "
           f"repository root ({BENCH}), which is absent")


def bench_names(family: str) -> list[str]:
    """The instance names of one family (``solomon`` or ``lilim``), none when absent."""
    if not (BENCH / family).is_dir():
        return []
    return sorted(p.stem for p in (BENCH / family).glob("*.txt"))
