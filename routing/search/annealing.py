"""The cooling schedule and acceptance rule shared by bookrun's ruin-and-recreate searches
(the compiled day search's rounds keep their own copy of the rule: numba code cannot call
this module)."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator

import numpy as np


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


def acceptance_threshold(current_cost: float, temperature: float,
                         rng: np.random.Generator) -> float:
    """How much worse than ``current_cost`` a new plan may be and still be kept: a random
    allowance (one draw of ``rng``) that a plan ``d`` worse passes with probability
    ``exp(-d / (temperature * current_cost))``."""
    return float(current_cost * temperature * -math.log(max(rng.random(), 1e-300)))
