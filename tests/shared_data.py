"""Where the project's shared reference data is: ``../shared`` beside the repository (the
seed data of the annual report, the Solomon and Li & Lim benchmarks), or the folder named by
``BOOKRUN_SHARED``. A test that needs it is skipped, naming the expected folder, when it is
absent; under CI (``CI`` set) it fails instead, because a skipped test did not run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BOOKRUN_SHARED") or (ROOT / ".." / "shared")).resolve()


def need_shared(relative: str) -> Path:
    """``SHARED / relative``, or skip (fail under CI) saying where it was looked for."""
    path = SHARED / relative
    if not path.exists():
        message = (f"the shared data {relative} is expected at ../shared/{relative} beside "
                   f"the repository ({path}) or under BOOKRUN_SHARED; it is absent")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path
