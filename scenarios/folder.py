"""Reading a scenario folder's files: ``scenario.yaml`` as a mapping and each CSV file as
rows numbered as a spreadsheet shows them, every problem a `ScenarioError` naming the file
(and the row or key, where the loader knows them)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


class ScenarioError(ValueError):
    """A scenario file is invalid; the message names the file, the row or key, the field
    and the value."""


@dataclass
class ScenarioFolder:
    """The files of one scenario folder: `where` names one in messages, `read_yaml` and
    `read_csv` read them."""

    folder: Path

    def where(self, filename: str) -> str:
        return str(self.folder / filename)

    def read_yaml(self) -> dict[str, Any]:
        path = self.folder / "scenario.yaml"
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise ScenarioError(f"{path}: not valid YAML: {exc}") from None
        if not isinstance(doc, dict):
            raise ScenarioError(f"{path}: must be a mapping of keys, got {type(doc).__name__}")
        return doc

    def read_csv(self, filename: str, required: tuple[str, ...]
                 ) -> list[tuple[int, dict[str, str]]]:
        path = self.folder / filename
        if not path.is_file():
            raise ScenarioError(f"{path}: file not found")
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in required if c not in (reader.fieldnames or [])]
            if missing:
                raise ScenarioError(f"{path}: missing columns {missing}")
            # Row numbers as a spreadsheet shows them: the header is row 1.
            return [(n, {k: (v or "").strip() for k, v in row.items() if k})
                    for n, row in enumerate(reader, start=2)]
