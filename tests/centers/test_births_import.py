"""Births per region from the statistics bureau's spreadsheet: all rows or nothing, errors by row and column."""
import io

from openpyxl import load_workbook
from sqlalchemy import select

from eic.centers.models import Region, RegionBirths
from eic.core.roles import Role
from eic.extensions import db
from tests.core.test_xlsx_import import workbook_bytes

HEADER = ("Region", "Year", "Births")


def births(year):
    return dict(db.session.execute(select(Region.iso_code, RegionBirths.births).join(
        RegionBirths, RegionBirths.region_id == Region.id).where(RegionBirths.year == year)).all())


def upload(client, data, lang="ru"):
    return client.post("/centers/births/import", data={"file": (io.BytesIO(data), "births.xlsx")},
                       content_type="multipart/form-data", headers={"Accept-Language": lang})


def test_a_good_file_by_iso_kato_and_name_in_any_language(client, login_as):
    login_as(Role.ADMIN)
    data = workbook_bytes([("KZ-15", 2025, 19874), ("270000000", 2025, "15 230"), ("г. Астана", 2025, 31000.0),
                           ("Шымкент қаласы", 2025, 28000), ("north kazakhstan region", 2025, 7000)], HEADER)
    response = upload(client, data)
    assert response.status_code == 302 and "year=2025" in response.location
    assert births(2025) == {"KZ-15": 19874, "KZ-27": 15230, "KZ-71": 31000, "KZ-79": 28000, "KZ-59": 7000}
    # A second file replaces the same region and year and keeps the others.
    assert upload(client, workbook_bytes([("KZ-15", 2025, 20000)], HEADER)).status_code == 302
    assert births(2025)["KZ-15"] == 20000 and births(2025)["KZ-27"] == 15230


def test_one_bad_row_in_the_middle_imports_nothing_and_is_named(client, login_as):
    login_as(Role.ADMIN)
    data = workbook_bytes([("KZ-15", 2025, 19874), ("Атлантида", 2025, -3), ("KZ-27", 2025, 15230),
                           ("KZ-15", 2025, 1)], HEADER)
    response = upload(client, data, "ru")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and births(2025) == {}
    assert "Ничего не импортировано" in page
    errors = page[page.index('data-testid="import-errors"'):]
    assert "<td>3</td><td>A (Область)</td>" in errors and "<td>3</td><td>C" in errors
    assert "<td>5</td><td>A (Область)</td>" in errors and "строке 2" in errors


def test_wrong_file_type_and_missing_file(client, login_as):
    login_as(Role.ADMIN)
    response = client.post("/centers/births/import", data={"file": (io.BytesIO(b"a,b\n1,2\n"), "births.csv")},
                           content_type="multipart/form-data", headers={"Accept-Language": "kk"})
    assert response.status_code == 422 and "Excel" in response.get_data(as_text=True)
    response = client.post("/centers/births/import", data={}, headers={"Accept-Language": "en"})
    assert response.status_code == 422 and "Choose a file to upload." in response.get_data(as_text=True)
    assert births(2025) == {}


def test_an_upload_over_the_request_limit_is_a_clear_413(client, login_as, app):
    login_as(Role.ADMIN)
    app.config["MAX_CONTENT_LENGTH"], before = 10_000, app.config["MAX_CONTENT_LENGTH"]
    try:
        response = upload(client, b"x" * 20_000, "en")
    finally:
        app.config["MAX_CONTENT_LENGTH"] = before
    assert response.status_code == 413 and "too large" in response.get_data(as_text=True)


def test_the_template_lists_every_region(client, login_as):
    login_as(Role.ADMIN)
    response = client.get("/centers/births/template.xlsx?year=2025", headers={"Accept-Language": "en"})
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Region", "Year", "Live births")
    assert len(rows) == 1 + db.session.scalar(select(db.func.count()).select_from(Region))
    assert rows[1][1] == 2025 and rows[1][2] is None
    # The template, filled in, imports as it is.
    filled = [(r[0], r[1], 1000) for r in rows[1:]]
    assert upload(client, workbook_bytes(filled, rows[0][:3])).status_code == 302
    assert len(births(2025)) == len(filled)


def test_imports_are_audited_and_a_refused_one_leaves_only_its_refusal(client, login_as):
    from eic.audit.models import AuditEvent

    admin = login_as(Role.ADMIN)
    upload(client, workbook_bytes([("KZ-15", 2025, 19874), ("Атлантида", 2025, -3)], HEADER))
    upload(client, workbook_bytes([("KZ-15", 2025, 19874), ("KZ-27", 2025, 15230)], HEADER))
    rows = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "import").order_by(AuditEvent.id)).all()
    assert [(e.outcome, e.rows, e.actor_id, e.record_type) for e in rows] == [
        ("refused", 2, admin.id, "births"), ("ok", 2, admin.id, "births")]  # refused: its errors
