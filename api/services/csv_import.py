"""What every CSV import shares: reading the bytes, the header and the lines, and refusing
the whole file with its problems listed by line.

A file is UTF-8, with or without a byte-order mark; a file saved by Excel on Japanese
Windows as plain "CSV" is Shift_JIS, and is refused with a message saying how to save it
as "CSV UTF-8". The first line is the header naming the columns, in any order; lines are
counted as a spreadsheet counts them (the header is line 1). The importers
(`api.services.collection_import`, `api.services.consignment_import`,
`api.services.closure_import`) check the values of each line and record all or nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

from api.services.errors import Invalid

#: At most this many problems are listed in the answer to a refused import.
MAX_IMPORT_PROBLEMS = 50
#: What to do with a file saved in the wrong encoding.
SAVE_AS_UTF8 = "save it as 'CSV UTF-8' (Excel: ファイルの種類 'CSV UTF-8 (コンマ区切り)')"


@dataclass(frozen=True)
class ImportProblem:
    """One bad value of a CSV import, by line."""

    line: int
    field: str
    input: str | None
    msg: str


class ImportRefused(Invalid):
    """A CSV with bad lines: nothing was imported. The message names the first line, field
    and value; ``listed`` holds up to `MAX_IMPORT_PROBLEMS` problems, by line."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        problems = sorted(problems, key=lambda p: p.line)
        first = problems[0]
        self.bad_lines = len({p.line for p in problems})
        self.listed = problems[:MAX_IMPORT_PROBLEMS]
        super().__init__(
            f"line {first.line}: field '{first.field}': {first.msg} ({self.bad_lines} bad "
            f"line{'s' if self.bad_lines != 1 else ''}; nothing was imported)")


class FileRejected(Exception):
    """A problem of the whole file (encoding, header): the import stops at once."""

    def __init__(self, line: int, field: str, value: str | None, message: str) -> None:
        super().__init__(message)
        self.problem = ImportProblem(line, field, value, message)


_EXCEL_DATE = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})")


def parse_date(text: str) -> dt.date:
    """An ISO date, or one as Excel writes it (``2026/12/9``); ValueError naming it."""
    value = text.strip()
    match = _EXCEL_DATE.fullmatch(value)
    try:
        if match is not None:
            return dt.date(*(int(g) for g in match.groups()))
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"expected a date such as 2026-12-09 or 2026/12/9, got "
                         f"{text!r}") from None


def decode(raw: bytes) -> str:
    """The text of a CSV file: UTF-8 with or without a byte-order mark (`FileRejected`
    for anything else, naming Shift_JIS when the bytes read as Shift_JIS)."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start
    try:
        raw.decode("cp932")
    except UnicodeDecodeError:
        raise FileRejected(1, "body", None, f"the file is not UTF-8 (byte {start}); "
                                            f"{SAVE_AS_UTF8}") from None
    raise FileRejected(1, "body", None, f"the file is Shift_JIS (the 'CSV' of Excel on "
                                        f"Japanese Windows), not UTF-8; {SAVE_AS_UTF8}")


@dataclass
class SeenLines:
    """The line each key of an import first came on, to name duplicates."""

    first_line: dict[Hashable, int] = field(default_factory=dict)

    def duplicate(self, line: int, key: Hashable, field_name: str, value: str | None,
                  what: str, recorded: str | None = None) -> ImportProblem | None:
        """The problem of ``line`` when ``recorded`` names what the store holds already
        (``collection 12 is already recorded``) or an earlier line had ``key``; None
        for a first line. ``what`` starts the message (``duplicate: …``)."""
        where = recorded or (f"line {self.first_line[key]} has it too"
                             if key in self.first_line else None)
        self.first_line.setdefault(key, line)
        return None if where is None else ImportProblem(line, field_name, value,
                                                        f"{what}: {where}")


@dataclass(frozen=True)
class CsvLines:
    """The lines of a CSV import below its header: ``(line number, column -> value)``,
    blank lines left out; and the lines that have more values than the header."""

    header: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, str]], ...]
    problems: tuple[ImportProblem, ...]


def read_lines(raw: bytes, columns: Sequence[str], required: Sequence[str],
               ignored: Sequence[str] = (), what: str = "rows") -> CsvLines:
    """Decode and split a CSV import, checking its header: every name one of ``columns``
    or ``ignored``, none twice, every one of ``required`` present. Raises `FileRejected`
    for a file that cannot be read, a bad header, or a header with no line under it
    (``what`` names the lines it should have held)."""
    records = csv.reader(io.StringIO(decode(raw), newline=""), strict=True)
    try:
        lines = list(records)
    except csv.Error as exc:
        raise FileRejected(records.line_num, "body", None, f"not readable as CSV: {exc}"
                           ) from None
    if not lines or not any(cell.strip() for cell in lines[0]):
        raise FileRejected(1, "header", None, f"the first line must be the header: "
                                              f"{','.join(columns)}")
    header = tuple(cell.strip() for cell in lines[0])
    for name in header:
        if name not in columns and name not in ignored:
            raise FileRejected(1, "header", name, f"unknown column {name!r} (columns: "
                                                  f"{', '.join(columns)})")
        if header.count(name) > 1:
            raise FileRejected(1, "header", name, f"column {name!r} appears twice")
    missing = [name for name in required if name not in header]
    if missing:
        raise FileRejected(1, "header", ",".join(lines[0]),
                           f"missing column{'s' if len(missing) > 1 else ''} "
                           f"{', '.join(missing)}")
    rows: list[tuple[int, dict[str, str]]] = []
    problems: list[ImportProblem] = []
    for line, cells in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue  # an empty line
        if len(cells) > len(header):
            problems.append(ImportProblem(
                line=line, field="line", input=",".join(cells),
                msg=f"{len(cells)} values but the header has {len(header)} columns"))
            continue
        rows.append((line, dict(zip(header, cells, strict=False))))
    if not rows and not problems:
        raise FileRejected(2, "body", None, f"the file has a header but no {what}")
    return CsvLines(header, tuple(rows), tuple(problems))


__all__ = ["MAX_IMPORT_PROBLEMS", "CsvLines", "FileRejected", "ImportProblem",
           "ImportRefused", "SeenLines", "decode", "parse_date", "read_lines"]
