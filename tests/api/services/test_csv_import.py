"""The reading every CSV import shares: encodings, the header, the lines."""

from __future__ import annotations

import pytest

from api.services.csv_import import FileRejected, ImportProblem, ImportRefused, read_lines

COLUMNS = ("site_id", "items", "note")


def _read(raw: bytes) -> list[tuple[int, dict[str, str]]]:
    return list(read_lines(raw, COLUMNS, ("site_id", "items")).rows)


def test_utf8_with_or_without_a_byte_order_mark_reads_the_same() -> None:
    text = "site_id,items,note\r\nmunakata-sue,3,須恵へ\r\n"
    assert _read(text.encode("utf-8")) == _read(b"\xef\xbb\xbf" + text.encode("utf-8")) == [
        (2, {"site_id": "munakata-sue", "items": "3", "note": "須恵へ"})]


def test_a_shift_jis_file_is_refused_saying_how_to_save_it() -> None:
    with pytest.raises(FileRejected) as info:
        _read("site_id,items,note\r\nmunakata-sue,3,須恵へ\r\n".encode("cp932"))
    assert "Shift_JIS" in str(info.value) and "CSV UTF-8" in str(info.value)
    assert info.value.problem.field == "body"


def test_another_encoding_is_refused_naming_the_byte() -> None:
    with pytest.raises(FileRejected, match=r"not UTF-8 \(byte 24\)"):
        _read(b"site_id,items,note\r\nx,3,\xff\xfe\xfa\r\n")


@pytest.mark.parametrize(("raw", "message"), [
    (b"", "the first line must be the header"),
    (b"site_id,colour\r\n", "unknown column 'colour'"),
    (b"site_id,items,items\r\n", "column 'items' appears twice"),
    (b"note\r\nx\r\n", "missing columns site_id, items"),
    (b"site_id,items\r\n\r\n", "the file has a header but no rows"),
])
def test_a_bad_header_stops_the_import(raw: bytes, message: str) -> None:
    with pytest.raises(FileRejected, match=message):
        _read(raw)


def test_blank_lines_are_skipped_and_long_lines_named() -> None:
    lines = read_lines(b"site_id,items\r\na,1\r\n\r\nb,2,extra\r\n", COLUMNS,
                       ("site_id", "items"))
    assert [line for line, _ in lines.rows] == [2]
    assert [(p.line, p.field) for p in lines.problems] == [(4, "line")]


def test_a_refused_import_names_its_first_bad_line_and_counts_them() -> None:
    refused = ImportRefused([ImportProblem(5, "items", "-1", "must be 1..5000, got -1"),
                             ImportProblem(3, "site_id", "x", "unknown site 'x'"),
                             ImportProblem(3, "items", "", "missing")])
    assert str(refused) == ("line 3: field 'site_id': unknown site 'x' (2 bad lines; nothing "
                            "was imported)")
    assert [p.line for p in refused.listed] == [3, 3, 5]
