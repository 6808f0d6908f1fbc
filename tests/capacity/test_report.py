"""The center capacity report (.xlsx) and ``GET /api/v1/centers/<code>/capacity``."""
from datetime import date, datetime, timedelta, timezone
from io import BytesIO

from openpyxl import load_workbook

from eic.core.roles import Role
from eic.referrals.status import Status
from tests.factories.accounts import user_for_role
from tests.factories.centers import center
from tests.factories.referrals import ReferralFactory


def test_capacity_report_workbook(client, login_as, almaty_today):
    coordinator = login_as(Role.COORDINATOR)
    ReferralFactory(center=coordinator.center, status=Status.ENROLLED, enrolled_on=almaty_today)
    response = client.get("/capacity/report.xlsx", headers={"Accept-Language": "ru"})
    assert response.status_code == 200
    name = f"capacity-{coordinator.center.code}-{almaty_today.year}.xlsx"
    assert response.headers["Content-Disposition"].endswith(f'{name}"')
    book = load_workbook(BytesIO(response.data))
    assert book.sheetnames[0] == "Сводка" and len(book.sheetnames) == 6
    summary = {row[0]: row[1] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert summary["Обслужено семей"] == 1 and summary["Годовой план"] == coordinator.center.annual_target_families
    assert isinstance(summary["На дату"], datetime)  # a real Excel date
    months = list(book.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert months[-1][1] == 1 and isinstance(months[-1][0], datetime)
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
    hours = list(book.worksheets[4].iter_rows(min_row=2, values_only=True))
    assert {type(r[2]) for r in hours} <= {int, float}


def test_a_coordinator_reads_only_their_own_center(client, login_as):
    login_as(Role.COORDINATOR)  # Aktobe
    response = client.get("/capacity/report.xlsx?center=oral", headers={"Accept-Language": "en"})
    assert load_workbook(BytesIO(response.data)).worksheets[0]["B2"].value == "Aktobe"


def test_capacity_api(api, session, almaty_today):
    coordinator = user_for_role(Role.COORDINATOR, center=center("aktobe"))
    ReferralFactory(center=center("aktobe"), status=Status.ENROLLED, enrolled_on=almaty_today)
    session.commit()
    api.as_user(coordinator)
    body = api.get("/api/v1/centers/aktobe/capacity").json
    assert body["center"] == "aktobe" and body["families_served"] == 1 and body["target"] == 600
    assert set(body["timeliness"]) == {"first_contact", "plan", "first_session"}
    assert set(body["hours"]) == {"week", "month"} and body["hours"]["week"]["first"] <= almaty_today.isoformat()
    assert "full_name" not in str(body) and "iin" not in str(body)
    assert api.get("/api/v1/centers/oral/capacity").status_code == 403
    assert api.get("/api/v1/centers/nowhere/capacity").status_code == 404
    assert api.get("/api/v1/centers/aktobe/capacity?year=1999").status_code == 404
    api.as_user(user_for_role(Role.ADMIN))
    assert api.get("/api/v1/centers/oral/capacity?year=2026").json["year"] == 2026


def test_capacity_page_shows_hours_and_charts(client, login_as, almaty_today):
    from tests.factories.centers import RoomFactory
    from tests.factories.therapy import TherapySessionFactory

    coordinator = login_as(Role.COORDINATOR)
    start = datetime.combine(almaty_today, datetime.min.time(), tzinfo=timezone.utc) + timedelta(hours=5)
    TherapySessionFactory(center_id=coordinator.center_id, room=RoomFactory(center=coordinator.center, name="Зал"),
                          starts_at=start, ends_at=start + timedelta(minutes=60), busy_from=start,
                          busy_until=start + timedelta(minutes=60))
    page = client.get("/capacity/", headers={"Accept-Language": "kk"}).get_data(as_text=True)
    assert 'data-testid="hours-rooms"' in page and "Зал" in page and "1,0 /" in page  # a decimal comma in Kazakh
    assert "vendor/chartjs/chart.umd.min.js" in page and 'data-testid="chart-served"' in page
    assert page.count('data-testid="hours-rooms"') == 1
    assert page[page.index("<title>"):page.index("</title>")].count("<") == 1  # the title is text only
    assert date.today().year >= 2026
