"""The safe .xlsx reader: good files, wrong types, oversized files, zip bombs and forged dimensions."""
import io
import zipfile

import pytest
from openpyxl import Workbook

from eic.core.xlsx_import import Limits, SpreadsheetRejected, read_rows


def workbook_bytes(rows, header=("a", "b", "c")) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewrite(data: bytes, replace: dict) -> bytes:
    """The same zip with some entries' content replaced (or added)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename not in replace:
                dst.writestr(item, src.read(item.filename))
        for name, content in replace.items():
            dst.writestr(name, content)
    return out.getvalue()


def rejected(data, **limits) -> str:
    with pytest.raises(SpreadsheetRejected) as info:
        read_rows(io.BytesIO(data), columns=3, limits=Limits(**limits))
    return str(info.value.message)


def test_a_good_file_gives_numbered_rows_without_blanks(app):
    # A formula is never evaluated: its cached value is read (none here, as openpyxl saved it).
    data = workbook_bytes([("KZ-15", 2025, 20000), (None, None, None), ("KZ-27", 2025, "=1+1")])
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert read_rows(io.BytesIO(data), columns=3) == [(2, ("KZ-15", 2025, 20000)), (4, ("KZ-27", 2025, None))]


def test_short_rows_are_padded_and_long_rows_cut(app):
    data = workbook_bytes([("x",), ("y", 1, 2, 3, 4)])
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert read_rows(io.BytesIO(data), columns=3) == [(2, ("x", None, None)), (3, ("y", 1, 2))]


@pytest.mark.parametrize("data", [b"region,year,births\nKZ-15,2025,1\n", b"%PDF-1.7 not a workbook", b""])
def test_not_a_workbook(app, data):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        message = rejected(data)
    assert "not an Excel workbook" in message or "empty" in message


def test_a_zip_that_is_not_a_workbook(app):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert "not an Excel workbook" in rejected(out.getvalue())


def test_an_oversized_upload(app):
    data = workbook_bytes([("KZ-15", 2025, n) for n in range(200)])
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert "larger than" in rejected(data, max_bytes=len(data) - 1)


def test_a_zip_bomb_is_refused_before_parsing(app):
    # 60 MB of one repeated cell, deflated to well under 1 MB: refused on the declared sizes, never inflated.
    cell = '<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
    bomb = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            + cell * (60 * 1024 * 1024 // len(cell)) + "</sheetData></worksheet>")
    data = rewrite(workbook_bytes([]), {"xl/worksheets/sheet1.xml": bomb})
    assert len(data) < 1024 * 1024
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert "unpacks to more than 50 MB" in rejected(data)


def test_a_high_ratio_entry_is_refused(app):
    data = rewrite(workbook_bytes([]), {"xl/media/padding.bin": b"\0" * (3 * 1024 * 1024)})
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert "unpacks" in rejected(data)


def test_a_forged_dimension_does_not_pad_rows(app):
    data = workbook_bytes([("KZ-15", 2025, 1)])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    import re

    forged = re.sub(r'<dimension ref="[^"]+" ?/>', '<dimension ref="A1:XFD1048576"/>', sheet)
    assert forged != sheet
    data = rewrite(data, {"xl/worksheets/sheet1.xml": forged})
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert read_rows(io.BytesIO(data), columns=3) == [(2, ("KZ-15", 2025, 1))]


def test_too_many_rows(app):
    data = workbook_bytes([("KZ-15", 2025, n) for n in range(6)])
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert "more than 5 rows" in rejected(data, max_rows=5)
        assert len(read_rows(io.BytesIO(data), columns=3, limits=Limits(max_rows=6))) == 6


def test_a_damaged_workbook(app):
    data = rewrite(workbook_bytes([("a", 1, 2)]), {"xl/workbook.xml": "<not-xml"})
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert "could not be read" in rejected(data)


def test_an_empty_sheet(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert "no rows" in rejected(workbook_bytes([]))
