"""A mother on her phone, in Kazakh: logs in with the code from the text message, confirms one session and cancels
another, ticks the home practice, answers the wellbeing check-in, opens the support directory; the coordinator then
sees the cancellation and the check-in task."""
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from eic.accounts.services import hash_password
from eic.core.roles import Role
from eic.extensions import db
from eic.referrals.status import Status
from eic.therapy.models import TherapySession
from tests.browser.conftest import LIVE
from tests.browser.conftest import log_in as login

pytestmark = pytest.mark.browser
PASSWORD = "browser-test-password"
PHONE = "+77015550777"
PHONE_AS_TYPED = "8 701 555 07 77"
PHONE_SIZE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def world(live_app):
    from eic.centers.services import load_reference
    from tests.factories.accounts import user_for_role
    from tests.factories.centers import RoomFactory, center
    from tests.factories.referrals import ReferralFactory
    from tests.factories.support import SupportEntryFactory

    with live_app.app_context():
        load_reference()
        hashed = hash_password(PASSWORD)
        aktobe = center("aktobe")
        coordinator = user_for_role(Role.COORDINATOR, email="coord.family@browser.test", password_hash=hashed)
        specialist = user_for_role(Role.SPECIALIST, email="spec.family@browser.test")
        room = RoomFactory(center=aktobe, name="Кабинет 1")
        referral = ReferralFactory(center=aktobe, status=Status.ENROLLED)
        referral.caregiver.phone, referral.caregiver.preferred_language = PHONE, "kk"
        now = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
        for starts in (now - timedelta(days=2), now + timedelta(days=3), now + timedelta(days=4)):
            row = TherapySession(center_id=aktobe.id, specialist_id=specialist.id, referral_id=referral.id,
                                 child_id=referral.child_id, room_id=room.id, starts_at=starts,
                                 ends_at=starts + timedelta(minutes=45), busy_from=starts,
                                 busy_until=starts + timedelta(minutes=45))
            if starts < now:
                row.attendance, row.note_done = "attended", "Суреттер бойынша ойын"
                row.note_family_plan = "Күн сайын 10 минут суреттер бойынша сөйлесіңіз"
            db.session.add(row)
        SupportEntryFactory(region_id=aktobe.region_id, category="ngo",
                            name_kk="«Ерекше бала» ата-аналар қауымдастығы", offer_kk="Ата-аналардың бір-біріне көмегі",
                            contacts="+7 700 000 30 30")
        db.session.commit()
        return {"coordinator": coordinator.email, "child": referral.child.full_name, "referral": referral.id}


def sent_code() -> str:
    from eic.notifications.models import OutboxMessage

    with LIVE["app"].app_context():
        body = db.session.scalars(select(OutboxMessage.body).where(
            OutboxMessage.recipient == PHONE, OutboxMessage.kind == "login_code").order_by(
            OutboxMessage.id.desc())).first()
    return re.search(r"\b(\d{6})\b", body).group(1)


def test_a_caregiver_answers_sessions_practises_checks_in_and_finds_support(browser, live_server, world, shot):
    phone = browser.new_context(locale="kk-KZ", viewport=PHONE_SIZE, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.goto(f"{live_server}/family/login")
    page.fill("input[name=phone]", PHONE_AS_TYPED)
    shot(page, "family-01-login-kk-390")
    page.click("form:has(input[name=phone]) button[type=submit]")
    page.wait_for_url("**/family/code")
    page.fill("input[name=code]", sent_code())
    page.click("form:has(input[name=code]) button[type=submit]")
    page.wait_for_url("**/family/")
    assert page.locator("[data-testid=session]").count() == 2
    shot(page, "family-02-home-kk-390")

    # "We will come" for the first, "we cannot come" with the reason for the second.
    page.locator("[data-testid=session]").nth(0).get_by_role("button", name="Келеміз").click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=confirmed]").count() == 1
    second = page.locator("[data-testid=session]").nth(1)
    second.locator("summary").click()
    second.locator("input[name=reason]").fill("Бала ауырып қалды")
    second.get_by_role("button", name="Сабақтан бас тарту").click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=session]").count() == 1
    assert page.locator(".flash.success").count() == 1

    # Home practice.
    practice = page.locator("[data-testid=practice]").first
    practice.locator("input[name=comment]").fill("Мысықты көрсетті")
    practice.get_by_role("button", name="Бүгін жаттықтық").click()
    page.wait_for_load_state()
    assert "Мысықты көрсетті" in page.locator("[data-testid=tick]").first.inner_text()
    shot(page, "family-03-answered-kk-390")

    # The wellbeing check-in: 3 + 2 + 1 + 1 = 7, a task for the coordinator.
    page.get_by_role("link", name="Төрт сұраққа жауап беру").click()
    page.wait_for_url("**/family/checkin")
    # Nothing chosen: every question says so, and nothing is saved.
    page.click("[data-testid=checkin-form] button[type=submit]")
    assert page.locator(".error").count() == 4
    for name, value in (("q1", 3), ("q2", 2), ("q3", 1), ("q4", 1)):
        page.check(f"#{name}-{value}")
    shot(page, "family-04-checkin-kk-390")
    page.click("[data-testid=checkin-form] button[type=submit]")
    page.wait_for_selector("[data-testid=checkin-result]")
    assert "үйлестірушісі" in page.inner_text("[data-testid=checkin-result]")
    shot(page, "family-05-checkin-result-kk-390")

    # The support directory, searched in Kazakh.
    page.get_by_role("link", name="Қолдауды қайдан табуға болады").first.click()
    page.wait_for_url("**/family/support")
    page.fill("input[name=q]", "ата-аналар")
    page.get_by_role("button", name="Табу").click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=entry]").count() == 1
    shot(page, "family-06-directory-kk-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_SIZE["width"]
    phone.close()

    # The coordinator sees the cancellation among the notifications and the check-in as a task.
    desk = browser.new_context(locale="kk-KZ", viewport={"width": 1366, "height": 768}).new_page()
    login(desk, live_server, world["coordinator"], PASSWORD, "kk")
    desk.goto(f"{live_server}/notifications")
    assert "Бала ауырып қалды" in desk.inner_text("main")
    desk.goto(f"{live_server}/family/center")
    task = desk.locator("[data-testid=checkin-task]")
    assert task.count() == 1 and world["child"] in task.inner_text()
    shot(desk, "family-07-coordinator-tasks-kk-1366")
    desk.goto(f"{live_server}/intake/cases/{world['referral']}#family")
    assert "12-ден 7 балл" in desk.inner_text("[data-testid=family-panel]")
    desk.context.close()
