"""The cooling schedule shared by bookrun's own ruin-and-recreate searches."""

from __future__ import annotations

import time
from collections.abc import Iterator


def temperatures(deadline: float, initial: float, final: float) -> Iterator[float]:
    """One temperature per round until ``deadline`` (a ``time.perf_counter()`` value),
    falling geometrically from ``initial`` now to ``final`` at the deadline."""
    started = time.perf_counter()
    span = max(deadline - started, 1e-9)
    while (now := time.perf_counter()) < deadline:
        yield temperature((now - started) / span, initial, final)


def temperature(progress: float, initial: float, final: float) -> float:
    """The temperature ``progress`` (0 to 1) of the way from ``initial`` to ``final``."""
    return float(initial * (final / initial) ** progress)
