"""Reading an uploaded .xlsx safely (docs/PITFALLS.md #10 and 12).

Before openpyxl sees a byte: the upload's size is bounded, the file must be a zip holding a workbook, the zip's
entries are counted and their declared uncompressed sizes summed against a bound (Python's zipfile never inflates
an entry past its declared size, so the declared sizes bound the work), and each entry's compression ratio is
checked. Then the first sheet is read in read-only mode with explicit row and column bounds, so a forged
``<dimension ref="A1:XFD1048576">`` cannot pad rows to 16,384 cells. XML is parsed through defusedxml (openpyxl
uses it when installed). Cached values are read, never formulas.

Every refusal is a ``SpreadsheetRejected`` with a message in the user's language.
"""
import io
import zipfile
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 5 * MB
    max_uncompressed: int = 50 * MB
    max_entries: int = 500
    max_ratio: int = 200
    max_rows: int = 5000
    max_cols: int = 30


class SpreadsheetRejected(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _read_upload(stream, limits: Limits) -> bytes:
    data = stream.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise SpreadsheetRejected(_l("The file is larger than %(mb)s MB.", mb=f"{limits.max_bytes / MB:.3g}"))
    if not data:
        raise SpreadsheetRejected(_l("The file is empty."))
    return data


def _check_zip(data: bytes, limits: Limits) -> None:
    not_xlsx = _l("This is not an Excel workbook (.xlsx). Save the file as .xlsx and upload it again.")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise SpreadsheetRejected(not_xlsx)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError):
        raise SpreadsheetRejected(not_xlsx) from None
    names = {e.filename for e in entries}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise SpreadsheetRejected(not_xlsx)
    too_big = _l("The workbook unpacks to more than %(mb)s MB; it cannot be a list of this size. Remove what is "
                 "not needed and upload it again.", mb=limits.max_uncompressed // MB)
    if len(entries) > limits.max_entries:
        raise SpreadsheetRejected(too_big)
    if sum(e.file_size for e in entries) > limits.max_uncompressed:
        raise SpreadsheetRejected(too_big)
    for e in entries:
        if e.file_size > 1024 * 1024 and e.file_size > limits.max_ratio * max(e.compress_size, 1):
            raise SpreadsheetRejected(too_big)


def read_rows(stream, *, columns: int, limits: Limits = Limits()) -> list[tuple]:
    """The rows of the first sheet after the header row, each a tuple of ``columns`` cell values (blank rows
    dropped, trailing cells padded with None). ``stream`` is a file-like object (an upload)."""
    from openpyxl import load_workbook

    data = _read_upload(stream, limits)
    _check_zip(data, limits)
    width = min(columns, limits.max_cols)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = []
        for n, row in enumerate(sheet.iter_rows(min_row=2, max_row=limits.max_rows + 2, max_col=width,
                                                values_only=True)):
            if n >= limits.max_rows:
                raise SpreadsheetRejected(_l("The sheet has more than %(n)s rows; split it into smaller files.",
                                             n=limits.max_rows))
            values = tuple(row) + (None,) * (width - len(row))
            if any(v is not None and str(v).strip() != "" for v in values):
                rows.append((n + 2, values))
        book.close()
    except SpreadsheetRejected:
        raise
    except Exception:  # openpyxl raises many kinds on a damaged file: all mean the same to the user
        raise SpreadsheetRejected(_l("The workbook could not be read. Open it in Excel, save it as .xlsx and "
                                     "upload it again.")) from None
    if not rows:
        raise SpreadsheetRejected(_l("The sheet has no rows under the header."))
    return rows


@dataclass
class RowError:
    row: int
    column: str
    message: object

    def __str__(self):
        return f"{self.row}/{self.column}: {self.message}"


class RowsInvalid(Exception):
    """Some rows failed validation: nothing was imported."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} errors")
        self.errors = errors
