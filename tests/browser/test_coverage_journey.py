"""The ministry official opens coverage in Russian, changes the year and downloads the report."""
from datetime import date

import pytest

from eic.accounts.services import hash_password
from eic.core.roles import Role
from eic.extensions import db
from tests.browser.conftest import log_in
from tests.clock import months_published

pytestmark = pytest.mark.browser
PASSWORD = "browser-test-password"


@pytest.fixture(scope="module")
def ministry(live_app):
    from eic.centers.services import load_reference
    from eic.referrals.status import Status
    from tests.factories.accounts import user_for_role
    from tests.factories.centers import center
    from tests.factories.referrals import ReferralFactory

    with live_app.app_context():
        load_reference()
        user_for_role(Role.MINISTRY, email="ministry@browser.test", password_hash=hash_password(PASSWORD))
        for _ in range(7):
            ReferralFactory(center=center("aktobe"), status=Status.ENROLLED, referred_on=date(2026, 3, 2),
                            enrolled_on=date(2026, 3, 20))
        db.session.commit()


def test_coverage_in_russian_with_download(browser, live_server, ministry, shot, tmp_path):
    page = browser.new_context(locale="ru-RU", accept_downloads=True).new_page()
    log_in(page, live_server, "ministry@browser.test", PASSWORD, "ru")
    assert page.locator("h1").inner_text() == "Охват по регионам"
    page.fill("[data-testid=period] input[name=year]", "2026")
    page.click("[data-testid=period] button[type=submit]")
    assert "year=2026" in page.url
    assert "Актюбинская область" in page.locator("[data-testid=regions]").inner_text()
    # The charts are drawn from the vendored Chart.js (no network): the canvases have pixels.
    chart = "Chart.getChart(document.querySelector('[data-testid=chart-%s]'))"
    page.wait_for_function("() => window.Chart && " + chart % "regions")
    assert page.evaluate("() => " + chart % "months" + ".data.labels.length") == months_published(2026)
    shot(page, "21-ministry-coverage-ru")
    with page.expect_download() as info:
        page.click("[data-testid=download]")
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    from openpyxl import load_workbook

    book = load_workbook(path)
    assert book.sheetnames == ["Сводка", "Регионы", "Центры", "Месяцы", "Своевременность"]
    march = [row for row in book["Месяцы"].iter_rows(min_row=2, values_only=True) if row[0] == "2026-03"]
    assert march == [("2026-03", 7, 7, 7)]
