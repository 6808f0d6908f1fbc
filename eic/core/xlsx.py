"""Excel files written in openpyxl's write-only mode (memory does not grow with the rows) and streamed.

Text that starts with =, +, - or @ is written as text, never as a formula (docs/PITFALLS.md #11).
"""
import os
import tempfile
from datetime import datetime

from flask import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(sheet, value, *, bold=False):
    """A value as written: most values go in as they are (openpyxl gives dates their number format); only text
    that Excel would read as a formula, and header cells, are wrapped in a cell object (the wrapping costs
    time on 100,000-row files)."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        # Excel has no time zones: write Almaty wall-clock time.
        from eic.core.timeutil import ALMATY

        value = value.astimezone(ALMATY).replace(tzinfo=None)
    elif isinstance(value, str):
        if ILLEGAL_CHARACTERS_RE.search(value):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith(FORMULA_STARTS):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            cell.quotePrefix = True
            return cell
    if bold:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = Font(bold=True)
        return cell
    return value


def sheet_title(title) -> str:
    """Excel's rules for a sheet name: at most 31 characters, none of \\ / * ? : [ ], not starting or ending with '."""
    text = "".join(" " if ch in '\\/*?:[]' else ch for ch in str(title)).strip().strip("'")
    return text[:31] or "Sheet"


def write_workbook(path, sheets) -> int:
    """Write to ``path`` (a file name or a binary file object). ``sheets``: iterable of (title, headers, rows,
    widths); rows may be a generator. Returns the number of rows written below the headers, on all sheets."""
    workbook = Workbook(write_only=True)
    written = 0
    for title, headers, rows, widths in sheets:
        sheet = workbook.create_sheet(title=sheet_title(title))
        sheet.freeze_panes = "A2"
        for i, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = width
        sheet.append([_cell(sheet, str(h), bold=True) for h in headers])
        for row in rows:
            sheet.append([_cell(sheet, v) for v in row])
            written += 1
    workbook.save(path)
    return written


def xlsx_response(filename: str, sheets) -> Response:
    """Write to a temporary file and stream it; the file is removed once sent. Every download is an export in
    the audit trail, with its file name and row count."""
    from eic.audit.services import record_now

    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    written = write_workbook(path, sheets)
    record_now("export", record_type=filename.rsplit(".", 1)[0][:30], rows=written, via="export")

    def stream():
        try:
            with open(path, "rb") as fh:
                while chunk := fh.read(64 * 1024):
                    yield chunk
        finally:
            os.remove(path)

    return Response(stream(), mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
