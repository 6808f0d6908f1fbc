"""The rollout's pages, files and API as each role uses them."""
import io
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import func, select

from eic.core.roles import Role
from eic.extensions import db
from eic.rollout.models import AllocationLine, Visit
from tests.factories.accounts import user_for_role
from tests.factories.centers import center
from tests.factories.rollout import (AllocationLineFactory, CohortFactory, EnrolmentFactory, EquipmentItemFactory,
                                     TraineeFactory)


def test_foundation_adds_a_line_and_bad_input_changes_nothing(client, login_as):
    login_as(Role.FOUNDATION)
    item = EquipmentItemFactory(unit_price=1_250_000)
    response = client.post("/rollout/equipment", data={"center": center("aktobe").id, "item": item.id,
                                                       "programme_year": 1999, "quantity": 0, "source": "bank"},
                           headers={"Accept-Language": "ru"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and db.session.scalar(select(func.count()).select_from(AllocationLine)) == 0
    assert "Укажите год от 2020 до 2100." in page and "Укажите количество от 1." in page
    response = client.post("/rollout/equipment", data={"center": center("aktobe").id, "item": item.id,
                                                       "programme_year": 2022, "quantity": 4, "source": "kamkorlyk",
                                                       "expected_delivery_on": "2022-09-01"})
    assert response.status_code == 302
    page = client.get("/rollout/equipment", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "5\xa0000\xa0000\xa0₸" in page  # grouped the Russian way; the sign never wraps onto a line of its own


def test_a_line_moves_along_its_pipeline_from_its_page(client, login_as):
    login_as(Role.FOUNDATION)
    line = AllocationLineFactory(center_id=center("aktobe").id)
    url = f"/rollout/equipment/{line.id}"
    page = client.post(url, data={"what": "advance", "advance-on": "2022-06-01", "advance-document": ""},
                       headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Give the contract number." in page and "Give the expected delivery date." in page
    assert client.post(url, data={"what": "advance", "advance-on": "2022-06-01", "advance-document": "C-9",
                                  "advance-expected_delivery_on": "2022-07-01"}).status_code == 302
    page = client.get(url, headers={"Accept-Language": "kk"}).get_data(as_text=True)
    assert "Тапсырыс берілді" in page and "C-9" in page


def test_coordinators_read_their_own_center_only(client, login_as):
    coordinator = login_as(Role.COORDINATOR)
    mine = AllocationLineFactory(center_id=coordinator.center_id)
    other = AllocationLineFactory(center_id=center("oral").id)
    page = client.get("/rollout/equipment").get_data(as_text=True)
    assert f"/rollout/equipment/{mine.id}" in page and f"/rollout/equipment/{other.id}" not in page
    assert client.get(f"/rollout/equipment/{other.id}").status_code == 404
    assert client.post("/rollout/equipment", data={}).status_code == 403
    assert client.post(f"/rollout/equipment/{mine.id}", data={"what": "advance"}).status_code == 403
    EnrolmentFactory(trainee=TraineeFactory(center_id=center("oral").id, full_name="Someone Elsewhere"))
    EnrolmentFactory(trainee=TraineeFactory(center_id=coordinator.center_id, full_name="Someone Here"))
    page = client.get("/rollout/training").get_data(as_text=True)
    assert "Someone Here" in page and "Someone Elsewhere" not in page
    book = load_workbook(io.BytesIO(client.get("/rollout/training.xlsx").data))
    names = [row[1] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert names == ["Someone Here"]


def test_the_ministry_sees_national_aggregates_without_names(client, login_as):
    EnrolmentFactory(trainee=TraineeFactory(center_id=center("oral").id, full_name="Named Person"))
    login_as(Role.MINISTRY)
    page = client.get("/rollout/", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "Готовность к внедрению" in page and 'data-testid="trained">0 / 299' in page
    assert "Named Person" not in page
    assert client.get("/rollout/training").status_code == 403


def test_exports_have_real_numbers_and_text_stays_text(client, login_as):
    login_as(Role.FOUNDATION)
    item = EquipmentItemFactory(name_en="=HYPERLINK(\"http://x\")", name_ru="=HYPERLINK(\"http://x\")",
                                name_kk="=HYPERLINK(\"http://x\")", unit_price=870_273_144)
    AllocationLineFactory(center_id=center("aktobe").id, item=item, quantity=3, stage="delivered")
    sheet = load_workbook(io.BytesIO(client.get("/rollout/equipment.xlsx").data)).active
    row = [c for c in sheet[2]]
    assert row[3].value.startswith("=HYPERLINK") and row[3].data_type == "s"
    assert row[8].value == 2_610_819_432 and isinstance(row[8].value, int)
    budget = load_workbook(io.BytesIO(client.get("/rollout/budget.xlsx?year=2022",
                                                 headers={"Accept-Language": "en"}).data))
    rows = list(budget["By source"].iter_rows(min_row=2, values_only=True))
    assert rows[0][1] == 870_273_144  # seed 001, the whole programme
    assert rows[-1] == ("Total", 870_273_144, 2_610_819_432, 2_610_819_432, 2_610_819_432)


def test_a_visit_from_the_form(client, login_as):
    login_as(Role.FOUNDATION)
    data = {"center": center("aktobe").id, "kind": "mentoring", "visited_on": "2022-10-03", "mentor": "A. Mentor",
            "score_referral_pathway": "3", "score_individual_plans": "1", "findings": "Plans lack family goals",
            "actions-0-description": "", "actions-0-owner": "", "actions-1-description": "Rewrite plans",
            "actions-1-owner": "", "actions-1-due_on": "2022-11-01"}
    page = client.post("/rollout/visits", data=data, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "This field is required." in page and db.session.scalar(select(func.count()).select_from(Visit)) == 0
    data["actions-1-owner"] = "Coordinator"
    assert client.post("/rollout/visits", data=data).status_code == 302
    visit = db.session.scalar(select(Visit))
    assert visit.scores == {"referral_pathway": 3, "individual_plans": 1} and len(visit.actions) == 1


def test_api_scopes_and_shapes(api, session):
    foundation, ministry = user_for_role(Role.FOUNDATION), user_for_role(Role.MINISTRY)
    coordinator = user_for_role(Role.COORDINATOR, center=center("aktobe"))
    AllocationLineFactory(center_id=center("aktobe").id, quantity=2, unit_price=10)
    AllocationLineFactory(center_id=center("oral").id)
    enrolment = EnrolmentFactory(cohort=CohortFactory(), trainee=TraineeFactory(center_id=center("aktobe").id))
    enrolment.status, enrolment.completed_on = "completed", date(2022, 4, 15)
    session.commit()
    api.as_user(foundation)
    assert len(api.get("/api/v1/rollout/equipment").json) == 2
    body = api.get("/api/v1/rollout/budget?year=2022").json
    assert body["programme"]["programme"] == 870_273_144 and body["by_center"]["aktobe"]["planned"] == 20
    api.as_user(coordinator)
    assert [line["center"] for line in api.get("/api/v1/rollout/equipment").json] == ["aktobe"]
    assert api.get("/api/v1/rollout/budget").status_code == 403
    api.as_user(ministry)
    training = api.get("/api/v1/rollout/training").json
    assert training["trained"] == 1 and training["target"] == 299 and "aktobe" in training["by_center"]
    assert api.get("/api/v1/rollout/equipment").status_code == 403


def test_the_registers_do_not_query_per_row(client, login_as, engine):
    from sqlalchemy import event

    login_as(Role.FOUNDATION)

    def statements(url):
        seen = []
        listener = lambda *args: seen.append(1)  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    def add(n):
        for _ in range(n):
            AllocationLineFactory(center_id=center("aktobe").id, stage="delivered")
            EnrolmentFactory(trainee=TraineeFactory(center_id=center("aktobe").id), cohort=CohortFactory())

    add(2)
    few = {url: statements(url) for url in ("/rollout/equipment.xlsx", "/rollout/training.xlsx")}
    add(8)
    many = {url: statements(url) for url in few}
    assert many == few
