"""A small valid problem document and a helper to break it, shared by the document tests."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

#: docs/examples: the golden problem/plan pairs and the small bad inputs.
EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"

#: Pass as the value to `edited` to delete the key or entry instead.
DELETE = object()


def tiny_doc() -> dict[str, Any]:
    """A valid problem: hub + 3 sites, 1 van with a break, one task of each kind."""
    return {
        "format": 1,
        "name": "tiny",
        "sites": [
            {"id": "hub", "name": "Central library", "lat": 33.8058, "lon": 130.5408,
             "service_s": 300},
            {"id": "akama-post", "lat": 33.8128, "lon": 130.5688, "service_s": 120},
            {"id": "hino-branch", "lat": 33.8287, "lon": 130.5452,
             "time_windows": [[32400, 43200], [46800, 61200]]},
            {"id": "care-home", "lat": 33.8170, "lon": 130.5100},
        ],
        "vehicles": [
            {"id": "van-1", "start_site": "hub", "shift": [30600, 61200],
             "lunch_break": {"earliest_start_s": 43200, "latest_start_s": 46800,
                             "duration_s": 2700},
             "capacity": {"crates": 30, "items": 900}, "cost_per_km": 0.3},
        ],
        "tasks": [
            {"id": "stock-hino", "kind": "delivery", "site": "hino-branch",
             "amount": {"crates": 6, "items": 180}, "service_s": 300},
            {"id": "empty-akama", "kind": "pickup", "site": "akama-post",
             "amount": {"crates": 2}},
            {"id": "move-exhibit", "kind": "shipment", "pickup_site": "hino-branch",
             "delivery_site": "akama-post", "amount": {"crates": 1}},
            {"id": "visit-care-home", "kind": "visit", "site": "care-home", "penalty": 5.0,
             "note": "optional"},
        ],
        "travel": {"matrix": {
            "site_ids": ["hub", "akama-post", "hino-branch", "care-home"],
            "distance_m": [[0, 3500, 3000, 4000], [3500, 0, 2500, 7000],
                           [3000, 2500, 0, 5500], [4000, 7000, 5500, 0]],
            "duration_s": [[0, 420, 360, 480], [420, 0, 300, 840],
                           [360, 300, 0, 660], [480, 840, 660, 0]],
        }},
    }


def edited(doc: dict[str, Any], path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    """A deep copy of ``doc`` with the value at ``path`` replaced (or deleted)."""
    doc = copy.deepcopy(doc)
    target: Any = doc
    for step in path[:-1]:
        target = target[step]
    if value is DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return doc
