"""A pediatrician refers in Kazakh; the coordinator accepts, contacts, assesses and assigns a team;
the pediatrician sees the child enrolled."""
from datetime import timedelta

import pyotp
import pytest

from eic.accounts.services import create_user, hash_password
from eic.centers.queries import center_by_code, discipline_by_code, polyclinic_by_name
from eic.centers.services import load_reference
from eic.core.roles import Role
from eic.core.timeutil import almaty_today
from eic.extensions import db
from tests.browser.conftest import log_in as login
from tests.factories.referrals import valid_iin

pytestmark = pytest.mark.browser
PASSWORD = "browser-test-password"


@pytest.fixture(scope="module")
def people(live_app):
    with live_app.app_context():
        load_reference()
        hashed = hash_password(PASSWORD)
        aktobe = center_by_code("aktobe")
        clinic = polyclinic_by_name("Ақтөбе №1 емхана", create_in=aktobe.region)
        create_user(email="ped@browser.test", full_name="Педиатр Сынақова", role=Role.PEDIATRICIAN, password=None,
                    hashed_password=hashed, polyclinic=clinic)
        coordinator = create_user(email="coord@browser.test", full_name="Үйлестіруші Демобаев",
                                  role=Role.COORDINATOR, password=None, hashed_password=hashed, center=aktobe)
        coordinator.totp_secret = pyotp.random_base32()  # enrolled: a coordinator logs in with a code
        for code in ("speech_therapist", "neurologist", "rehab_physician", "physiotherapist", "psychologist",
                     "occupational_therapist"):
            create_user(email=f"{code}@browser.test", full_name=f"Маман {code}", role=Role.SPECIALIST,
                        password=None, hashed_password=hashed, center=aktobe, discipline=discipline_by_code(code),
                        languages="kk,ru")
        db.session.commit()


def log_in(page, base, email):
    login(page, base, email, PASSWORD, "kk")


def test_referral_to_enrolment(browser, live_server, people, shot):
    born = almaty_today() - timedelta(days=420)
    iin = valid_iin(born, "M")
    ped = browser.new_context(locale="kk-KZ").new_page()
    log_in(ped, live_server, "ped@browser.test")
    ped.click("a[href='/referrals/new']")
    ped.fill("input[name=iin]", "123456789012")
    ped.fill("input[name=last_name]", "Сынақов")
    ped.fill("input[name=first_name]", "Әлихан")
    ped.fill("input[name=birth_date]", born.isoformat())
    ped.check("input[name=sex][value=M]")
    ped.fill("input[name=gestational_age_weeks]", "33")
    ped.fill("input[name=birth_weight_g]", "1900")
    ped.fill("input[name=address]", "Демо көшесі, 7")
    ped.fill("input[name=caregiver_full_name]", "Гүлнар Сынақова")
    ped.select_option("select[name=caregiver_relation]", "mother")
    ped.fill("input[name=caregiver_phone]", "+7 701 555 1234")
    ped.fill("input[name=icd10_codes]", "P07.3, F80.81")
    ped.check("input[name=risk_factors][value=preterm_32_36w]")
    ped.fill("input[name=consent_given_by]", "Гүлнар Сынақова")
    ped.click("form button[type=submit]:has-text('Жолдаманы жіберу')")
    assert ped.locator(".error").filter(has_text="бақылау цифры қате").count() == 1
    assert ped.locator(".error").filter(has_text="F80.81").count() == 1
    shot(ped, "01-pediatrician-bad-input-kk")

    ped.fill("input[name=iin]", iin)
    ped.fill("input[name=icd10_codes]", "P07.3")
    ped.click("form button[type=submit]:has-text('Жолдаманы жіберу')")
    assert ped.locator(".flash.success").count() == 1
    assert ped.locator("h1 .status").inner_text() == "Жіберілді"
    shot(ped, "02-pediatrician-submitted-kk")
    referral_url = ped.url

    coord = browser.new_context(locale="kk-KZ").new_page()
    log_in(coord, live_server, "coord@browser.test")
    assert coord.locator("[data-testid=queue]").inner_text().count("Сынақов Әлихан") == 1
    shot(coord, "03-coordinator-queue")
    coord.click("text=Сынақов Әлихан")
    coord.click("[data-testid=accept]")
    assert coord.locator("h1 .status").inner_text() == "Қабылданды"
    contact = coord.locator("[data-testid=contact-form]")
    contact.locator("input[name=person_reached]").fill("Анасы")
    contact.locator("button[type=submit]").click()
    assert coord.locator(".flash.success").count() == 1
    assessment = coord.locator("[data-testid=assessment-form]")
    assessment.locator("select[name=motor]").select_option("2")
    assessment.locator("select[name=communication]").select_option("1")
    assessment.locator("select[name=phq4_1]").select_option("3")
    assessment.locator("select[name=phq4_2]").select_option("2")
    assessment.locator("select[name=phq4_3]").select_option("1")
    assessment.locator("select[name=urgency]").select_option("3")
    assessment.locator("button[type=submit]").click()
    summary = coord.locator("[data-testid=assessment-summary]").inner_text()
    assert "Күтім жасаушыға психологиялық қолдау қажет" in summary
    shot(coord, "04-coordinator-assessed")
    coord.locator("[data-testid=team-form] button[type=submit]").click()
    assert coord.locator("h1 .status").inner_text() == "Тіркелді"
    team = coord.locator("[data-testid=team]").inner_text()
    assert "Маман speech_therapist" in team and "Маман psychologist" in team
    shot(coord, "05-coordinator-team-assigned")

    ped.goto(referral_url)
    assert ped.locator("h1 .status").inner_text() == "Тіркелді"
    ped.click("a[href='/referrals/mine']")
    assert "Тіркелді" in ped.locator("[data-testid=my-referrals]").inner_text()
    assert ped.locator("[data-testid=unread]").inner_text() == "2"
    shot(ped, "06-pediatrician-sees-enrolled")
