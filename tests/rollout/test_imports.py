"""Equipment and roster imports: a good file, one bad row in the middle (nothing imported, the row named), a wrong
file type, an oversized file and a zip bomb; the templates import as they are."""
import io
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import func, select

from eic.core.roles import Role
from eic.extensions import db
from eic.rollout.models import AllocationLine, Enrolment, Trainee
from tests.core.test_xlsx_import import rewrite, workbook_bytes
from tests.factories.rollout import CohortFactory, CourseFactory, EquipmentItemFactory

ROSTER_HEADER = ("Center", "Name", "Discipline", "E-mail", "Course", "Cohort", "Completed", "Certificate")


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def upload(client, kind, data, lang="ru", name="file.xlsx"):
    return client.post(f"/rollout/import/{kind}", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data", headers={"Accept-Language": lang})


def test_a_good_equipment_file(client, login_as):
    login_as(Role.FOUNDATION)
    EquipmentItemFactory(code="REH-001", unit_price=2_500_000)
    data = workbook_bytes([("aktobe", "REH-001", 2022, 2, "samruk_kazyna", date(2022, 9, 1), ""),
                           ("ORAL", "REH-001", "2022", "3", "«Қамқорлық» қоры", "01.10.2022", "note")],
                          ("c", "i", "y", "q", "s", "e", "n"))
    response = upload(client, "equipment", data)
    assert response.status_code == 302
    lines = db.session.scalars(select(AllocationLine).order_by(AllocationLine.id)).all()
    assert [(line.center.code, line.quantity, line.amount, line.source) for line in lines] == [
        ("aktobe", 2, 5_000_000, "samruk_kazyna"), ("oral", 3, 7_500_000, "kamkorlyk")]
    assert lines[1].expected_delivery_on == date(2022, 10, 1)


def test_one_bad_row_in_the_middle_imports_nothing_and_is_named(client, login_as):
    login_as(Role.FOUNDATION)
    EquipmentItemFactory(code="REH-001")
    data = workbook_bytes([("aktobe", "REH-001", 2022, 2, "samruk_kazyna", None, ""),
                           ("aktobe", "NOPE", 2022, 0, "bank", "32.13.2022", ""),
                           ("oral", "REH-001", 2022, 1, "akimat", None, "")], ("c", "i", "y", "q", "s", "e", "n"))
    response = upload(client, "equipment", data, "ru")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and count(AllocationLine) == 0
    errors = page[page.index('data-testid="import-errors"'):]
    for column in ("B", "D", "E", "F"):
        assert f"<td>3</td><td>{column} (" in errors, column
    assert "<td>2</td>" not in errors and "<td>4</td>" not in errors
    assert "Неизвестный код оборудования" in errors


def test_roster_import_fix_and_import_again(client, login_as):
    login_as(Role.FOUNDATION)
    course = CourseFactory(code="EI-CORE")
    CohortFactory(course=course, name="2022-04 Astana", starts_on=date(2022, 4, 4), ends_on=date(2022, 4, 15))
    rows = [("aktobe", "Аманова Айгерім", "speech_therapist", "", "EI-CORE", "2022-04 Astana", date(2022, 4, 15),
             "C-001"),
            ("aktobe", "Бекова Динара", "no_such_discipline", "", "EI-CORE", "2022-04 Astana", None, ""),
            ("oral", "Сейітов Ержан", "psychologist", "", "EI-CORE", "2022-04 Astana", None, "")]
    response = upload(client, "roster", workbook_bytes(rows, ROSTER_HEADER), "kk")
    assert response.status_code == 422 and count(Trainee) == 0 and count(Enrolment) == 0
    assert "<td>3</td><td>C (" in response.get_data(as_text=True)
    rows[1] = rows[1][:2] + ("physiotherapist",) + rows[1][3:]
    assert upload(client, "roster", workbook_bytes(rows, ROSTER_HEADER)).status_code == 302
    assert count(Trainee) == 3 and count(Enrolment) == 3
    page = client.get("/rollout/training", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'data-testid="trained">1 / 299' in page


def test_wrong_type_oversized_and_zip_bomb_are_refused_with_a_message(client, login_as, app):
    login_as(Role.FOUNDATION)
    response = upload(client, "roster", b"%PDF-1.4", "en", name="roster.pdf")
    assert response.status_code == 302
    page = client.get(response.location, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "not an Excel workbook" in page
    bomb = rewrite(workbook_bytes([]), {"xl/worksheets/sheet1.xml": "<a>" + " " * (60 * 1024 * 1024) + "</a>"})
    response = upload(client, "roster", bomb, "en")
    assert "unpacks to more than" in client.get(response.location).get_data(as_text=True)
    app.config["MAX_CONTENT_LENGTH"], before = 20_000, app.config["MAX_CONTENT_LENGTH"]
    try:
        assert upload(client, "roster", b"x" * 30_000, "en").status_code == 413
    finally:
        app.config["MAX_CONTENT_LENGTH"] = before
    assert count(Trainee) == 0


def test_the_templates_list_their_codes(client, login_as):
    login_as(Role.FOUNDATION)
    EquipmentItemFactory(code="REH-001")
    book = load_workbook(io.BytesIO(client.get("/rollout/import/equipment/template.xlsx",
                                               headers={"Accept-Language": "en"}).data))
    assert book.sheetnames == ["Rows", "Codes"]
    assert [c.value for c in book["Rows"][1]][:3] == ["Center code", "Item code", "Programme year"]
    codes = {row[1] for row in book["Codes"].iter_rows(min_row=2, values_only=True)}
    assert {"aktobe", "REH-001", "samruk_kazyna"} <= codes
    assert client.get("/rollout/import/nonsense/template.xlsx").status_code == 404


def test_each_template_imports_as_it_is(client, login_as):
    """The roster template's own example row named a cohort that did not exist ("2022-04 Astana" beside
    "2022-04 Астана"): the example is now made of codes that exist, so the file downloaded imports unchanged."""
    login_as(Role.FOUNDATION)
    EquipmentItemFactory(code="REH-001")
    CohortFactory(course=CourseFactory(code="EI-CORE"), name="2026-04 Астана", starts_on=date(2026, 4, 6),
                  ends_on=date(2026, 5, 29))
    for kind, model in (("equipment", AllocationLine), ("roster", Enrolment)):
        template = client.get(f"/rollout/import/{kind}/template.xlsx").data
        response = upload(client, kind, template)
        assert response.status_code == 302, (kind, response.get_data(as_text=True)[-2000:])
        assert count(model) == 1, kind
