"""A foundation user imports a training roster in Russian, is told which row is wrong, fixes it, imports again and
sees the training progress change."""
from datetime import date

import pytest
from openpyxl import Workbook

from eic.accounts.services import hash_password
from eic.core.roles import Role
from eic.extensions import db
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser
PASSWORD = "browser-test-password"


@pytest.fixture(scope="module")
def foundation(live_app):
    from eic.centers.services import load_reference
    from tests.factories.accounts import user_for_role
    from tests.factories.rollout import CohortFactory, CourseFactory

    with live_app.app_context():
        load_reference()
        user_for_role(Role.FOUNDATION, email="foundation@browser.test", password_hash=hash_password(PASSWORD))
        CohortFactory(course=CourseFactory(code="EI-CORE"), name="2022-04 Астана", starts_on=date(2022, 4, 4),
                      ends_on=date(2022, 5, 27))
        db.session.commit()


def roster(path, discipline_of_row_3):
    book = Workbook()
    sheet = book.active
    sheet.append(["Код центра", "ФИО", "Код специальности", "Эл. почта", "Код курса", "Группа", "Дата окончания",
                  "Номер сертификата"])
    sheet.append(["aktobe", "Аманова Айгерім", "speech_therapist", "", "EI-CORE", "2022-04 Астана",
                  date(2022, 5, 27), "KMK-001"])
    sheet.append(["aktobe", "Бекова Динара", discipline_of_row_3, "", "EI-CORE", "2022-04 Астана",
                  date(2022, 5, 27), "KMK-002"])
    sheet.append(["oral", "Сейітов Ержан", "psychologist", "", "EI-CORE", "2022-04 Астана", None, ""])
    book.save(path)


def test_import_fix_and_import_again(browser, live_server, foundation, shot, tmp_path):
    page = browser.new_context(locale="ru-RU").new_page()
    log_in(page, live_server, "foundation@browser.test", PASSWORD, "ru")
    page.goto(f"{live_server}/rollout/training")
    assert page.locator("[data-testid=trained]").inner_text().startswith("0 / 299")
    bad, good = tmp_path / "roster-bad.xlsx", tmp_path / "roster.xlsx"
    roster(bad, "логопед")
    page.set_input_files("[data-testid=import-roster] input[type=file]", str(bad))
    page.click("[data-testid=import-roster] button[type=submit]")
    errors = page.locator("[data-testid=import-errors]")
    assert "Ничего не импортировано" in errors.inner_text()
    assert "3\tC (Код специальности)\tНеизвестный код специальности." in errors.inner_text()
    assert page.locator("[data-testid=trained]").inner_text().startswith("0 / 299")
    shot(page, "31-foundation-roster-error-ru")
    roster(good, "physiotherapist")
    page.set_input_files("[data-testid=import-roster] input[type=file]", str(good))
    page.click("[data-testid=import-roster] button[type=submit]")
    assert "Импортировано строк: 3." in page.locator(".flash.success").inner_text()
    assert page.locator("[data-testid=trained]").inner_text().startswith("2 / 299")
    assert "Сейітов Ержан" in page.locator("[data-testid=needed]").inner_text()
    shot(page, "32-foundation-roster-imported-ru")
