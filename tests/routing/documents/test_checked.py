"""The checked-JSON reader: JSON text and file errors, every problem reported together."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sample_documents import edited, tiny_doc

from routing.documents import DocumentError, load_problem, problem_from_dict, problem_from_json
from routing.errors import FormatError


def test_json_text_errors() -> None:
    with pytest.raises(FormatError, match=r"^not valid JSON: Expecting ',' delimiter at line 1 "):
        problem_from_json('{"format": 1 "sites": []}')
    with pytest.raises(FormatError) as caught:
        problem_from_json(json.dumps(tiny_doc()).replace('"lat": 33.8128',
                                                         '"lat": 33.8128, "lat": 33.9'))
    assert str(caught.value) == "sites[1].lat: key given twice in the same object"
    with pytest.raises(FormatError, match=r"^sites\[1\]\.lat: must be a finite number, got NaN$"):
        problem_from_json(json.dumps(tiny_doc()).replace("33.8128", "NaN"))
    with pytest.raises(FormatError, match=r"^a problem document must be a JSON object, got \[\]$"):
        problem_from_json("[]")


def test_load_problem_reads_a_file_and_reports_unreadable_ones(tmp_path: Path) -> None:
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(tiny_doc()), encoding="utf-8")
    assert load_problem(path).name == "tiny"
    with pytest.raises(OSError):
        load_problem(tmp_path / "missing.json")
    path.write_bytes(b"\xff\xfe{}")
    with pytest.raises(FormatError, match=r"^not UTF-8 text"):
        load_problem(path)


def test_every_problem_is_reported_together() -> None:
    doc = edited(tiny_doc(), ("sites", 1, "lat"), 133.5)
    doc = edited(doc, ("vehicles", 0, "start_site"), "hubb")
    doc = edited(doc, ("tasks", 0, "amount", "crates"), -2)
    doc["vehicle"] = doc.pop("vehicles")
    with pytest.raises(DocumentError) as caught:
        problem_from_dict(doc)
    assert str(caught.value).splitlines() == [
        "vehicle: unknown key (did you mean 'vehicles'?); allowed keys: format, sites, "
        "vehicles, tasks, travel, name, meta",
        "vehicles: missing required key",
        "sites[1].lat: must be within [-90, 90], got 133.5",
        "tasks[0].amount.crates: must be >= 0, got -2",
    ]
    assert caught.value.path == "vehicle"
    assert len(caught.value.problems) == 4


def test_message_lists_at_most_twenty_problems() -> None:
    doc = tiny_doc()
    doc["travel"]["matrix"]["distance_m"] = [[-1] * 4 for _ in range(4)]
    doc["travel"]["matrix"]["duration_s"] = [[-1] * 4 for _ in range(4)]
    with pytest.raises(DocumentError) as caught:
        problem_from_dict(doc)
    lines = str(caught.value).splitlines()
    assert len(caught.value.problems) == 32
    assert len(lines) == 21
    assert lines[-1] == "... and 12 more problems"
