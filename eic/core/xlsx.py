"""Excel files, written row by row into a zip that is sent as it is made: the first bytes leave at once, memory
does not grow with the rows, and the time is close to writing CSV (docs/PERFORMANCE.md).

The writer is small and writes only what the platform's workbooks use: one or more sheets, a bold header row
kept in view (frozen), column widths, text, whole and decimal numbers, dates and times (Almaty wall-clock time;
Excel has no time zones), yes/no. Text is written as text ("inline strings"), so a value that starts with =, +, -
or @ is never a formula; those cells are also marked with Excel's quote prefix, so that editing them later in
Excel does not turn them into one (docs/PITFALLS.md #11). Tests read every workbook back with openpyxl.

Why not a library: openpyxl (write-only mode) and XlsxWriter build the whole file before the first byte can be
sent, and spend most of their time building one object per cell (5x and 4x the time of CSV on the session log);
the zip format itself is written by the standard library's ``zipfile``, which streams to a pipe.
"""
import re
import zipfile
from datetime import date, datetime, time
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from flask import Response, stream_with_context

FORMULA_STARTS = ("=", "+", "-", "@")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROWS_PER_WRITE = 500  # rows turned into XML and handed to the zip at a time (and sent, when streaming)
EXCEL_EPOCH = datetime(1899, 12, 30)
# Cell styles (indexes into cellXfs below).
BOLD, DATE, DATETIME, TIME, QUOTED = 1, 2, 3, 4, 5

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
STYLES = (HEAD + f'<styleSheet xmlns="{MAIN}">'
          '<numFmts count="3"><numFmt numFmtId="164" formatCode="dd.mm.yyyy"/>'
          '<numFmt numFmtId="165" formatCode="dd.mm.yyyy hh:mm"/><numFmt numFmtId="166" formatCode="hh:mm"/></numFmts>'
          '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
          '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
          '<fills count="2"><fill><patternFill patternType="none"/></fill>'
          '<fill><patternFill patternType="gray125"/></fill></fills>'
          '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
          '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
          '<cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
          '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
          '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
          '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
          '<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
          '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/></cellXfs>'
          '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')

# Characters XML 1.0 cannot hold (the ones openpyxl refuses); openpyxl itself is not imported for this and a column's
# letters: importing it costs every web worker 5 MiB (docs/PERFORMANCE.md), and the streaming writer needs neither.
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def get_column_letter(index: int) -> str:
    """The letters of the 1-based column ``index``: 1 -> A, 27 -> AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_title(title) -> str:
    """Excel's rules for a sheet name: at most 31 characters, none of \\ / * ? : [ ], not starting or ending with '."""
    text = "".join(" " if ch in '\\/*?:[]' else ch for ch in str(title)).strip().strip("'")
    return text[:31] or "Sheet"


def _text(ref: str, value: str, style: int = 0) -> str:
    if ILLEGAL_CHARACTERS_RE.search(value):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if not style and value.startswith(FORMULA_STARTS):
        style = QUOTED
    space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
    styled = f' s="{style}"' if style else ""
    return f'<c r="{ref}" t="inlineStr"{styled}><is><t{space}>{escape(value)}</t></is></c>'


def _cell(ref: str, value) -> str:  # noqa: C901 (one branch per kind of value)
    """One cell's XML; empty for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float, Decimal)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            from eic.core.timeutil import ALMATY

            value = value.astimezone(ALMATY).replace(tzinfo=None)
        return f'<c r="{ref}" s="{DATETIME}"><v>{(value - EXCEL_EPOCH).total_seconds() / 86400!r}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}" s="{DATE}"><v>{(value - EXCEL_EPOCH.date()).days}</v></c>'
    if isinstance(value, time):
        seconds = value.hour * 3600 + value.minute * 60 + value.second
        return f'<c r="{ref}" s="{TIME}"><v>{seconds / 86400!r}</v></c>'
    return _text(ref, str(value))


class _Pipe:
    """Where the zip writes: bytes wait here until the generator hands them on."""

    def __init__(self):
        self.parts = []

    def write(self, data):
        self.parts.append(bytes(data))
        return len(data)

    def flush(self):
        pass

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def _sheet_start(widths) -> str:
    cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths, 1))
    return (HEAD + f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}"><sheetViews><sheetView workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
            '<sheetFormatPr defaultRowHeight="15"/>' + (f"<cols>{cols}</cols>" if cols else "") + "<sheetData>")


class Counter:
    """The rows written below the headers, on all sheets (known when the last byte is made)."""

    def __init__(self):
        self.rows = 0
        self.complete = False


def iter_workbook(sheets, counter: Counter | None = None):
    """The workbook's bytes, as they are made. ``sheets``: iterable of (title, headers, rows, widths); rows may
    be a generator (a database cursor read in batches)."""
    counter = counter or Counter()
    pipe = _Pipe()
    titles = []
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=3) as book:
        for title, headers, rows, widths in sheets:
            title = sheet_title(title)
            while title in titles:  # Excel refuses two sheets of one name
                title = sheet_title(f"{title[:27]} ({len(titles) + 1})")
            titles.append(title)
            with book.open(f"xl/worksheets/sheet{len(titles)}.xml", "w", force_zip64=True) as part:
                letters = [get_column_letter(i) for i in range(1, max(len(headers), len(widths)) + 1)]
                header = "".join(_text(f"{letters[i]}1", str(h), BOLD) for i, h in enumerate(headers))
                part.write((_sheet_start(widths) + f'<row r="1">{header}</row>').encode())
                batch, number = [], 1
                for row in rows:
                    number += 1
                    if len(row) > len(letters):
                        letters += [get_column_letter(i) for i in range(len(letters) + 1, len(row) + 1)]
                    cells = "".join(_cell(f"{letters[i]}{number}", v) for i, v in enumerate(row))
                    batch.append(f'<row r="{number}">{cells}</row>')
                    if len(batch) >= ROWS_PER_WRITE:
                        part.write("".join(batch).encode())
                        batch = []
                        yield pipe.take()
                    counter.rows += 1
                part.write(("".join(batch) + "</sheetData></worksheet>").encode())
            yield pipe.take()
        _package(book, titles)
    counter.complete = True
    yield pipe.take()


def _package(book, titles):
    """The parts around the sheets: content types, relationships, the workbook and its styles."""
    n = len(titles)
    sheets = "".join(f'<sheet name={quoteattr(t)} sheetId="{i}" r:id="rId{i}"/>' for i, t in enumerate(titles, 1))
    book.writestr("xl/workbook.xml", HEAD + f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><bookViews><workbookView/>'
                  f"</bookViews><sheets>{sheets}</sheets></workbook>")
    rels = "".join(f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                   for i in range(1, n + 1))
    book.writestr("xl/_rels/workbook.xml.rels", HEAD + f'<Relationships xmlns="{PKG_REL}">{rels}'
                  f'<Relationship Id="rId{n + 1}" Type="{REL}/styles" Target="styles.xml"/></Relationships>')
    book.writestr("xl/styles.xml", STYLES)
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{ct}.worksheet+xml"/>'
                        for i in range(1, n + 1))
    book.writestr("[Content_Types].xml", HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                  'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                  'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
                  f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
                  f'<Override PartName="/xl/styles.xml" ContentType="{ct}.styles+xml"/>{overrides}</Types>')
    book.writestr("_rels/.rels", HEAD + f'<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" '
                  f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')


def write_workbook(path, sheets) -> int:
    """Write to ``path`` (a file name or a binary file object). Returns the number of rows written below the
    headers, on all sheets."""
    counter = Counter()
    out = open(path, "wb") if isinstance(path, str) else path
    try:
        for chunk in iter_workbook(sheets, counter):
            out.write(chunk)
    finally:
        if isinstance(path, str):
            out.close()
    return counter.rows


def xlsx_response(filename: str, sheets) -> Response:
    """Stream the workbook as it is made (the rows are read while it is sent). Every download is an export in
    the audit trail, with its file name and the rows sent, recorded when the stream ends; a download the
    reader broke off is recorded too, with the rows made so far and ``complete`` false."""
    from eic.audit.services import record_now

    counter = Counter()

    def stream():
        try:
            yield from iter_workbook(sheets, counter)
        finally:
            from eic.extensions import db

            db.session.rollback()  # the cursor's read transaction: nothing of it is kept
            record_now("export", record_type=filename.rsplit(".", 1)[0][:30], rows=counter.rows, via="export",
                       detail=None if counter.complete else {"complete": False})

    return Response(stream_with_context(stream()), mimetype=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
