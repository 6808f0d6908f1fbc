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
