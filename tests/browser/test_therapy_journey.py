"""A coordinator writes a plan and books a weekly series, sees a clash, skips it; a specialist records
attendance and a note (Russian)."""
from datetime import date, datetime, timedelta, timezone

import pytest

from eic.accounts.services import hash_password
from eic.core.roles import Role
from eic.core.timeutil import ALMATY, almaty_today, holiday_name
from eic.extensions import db
from eic.referrals.status import Status
from eic.therapy.models import TherapySession
from tests.browser.conftest import log_in as login

pytestmark = pytest.mark.browser
PASSWORD = "browser-test-password"


def first_monday_with_a_holiday_ahead() -> date:
    """A Monday from which four weekly Mondays include exactly one public holiday."""
    day = date.today() + timedelta(days=14)
    day += timedelta(days=(0 - day.weekday()) % 7)
    while sum(1 for n in range(4) if holiday_name(day + timedelta(weeks=n))) != 1:
        day += timedelta(weeks=1)
    return day


@pytest.fixture(scope="module")
def world(live_app):
    from eic.centers.services import load_reference
    from tests.factories.accounts import user_for_role
    from tests.factories.centers import RoomFactory, center
    from tests.factories.referrals import ReferralFactory

    with live_app.app_context():
        load_reference()
        hashed = hash_password(PASSWORD)
        aktobe = center("aktobe")
        coordinator = user_for_role(Role.COORDINATOR, email="coord2@browser.test", password_hash=hashed)
        specialist = user_for_role(Role.SPECIALIST, email="spec2@browser.test", password_hash=hashed)
        RoomFactory(center=aktobe, name="Кабинет 1")
        referral = ReferralFactory(center=aktobe, status=Status.ENROLLED)
        now = datetime.now(timezone.utc).replace(second=0, microsecond=0)
        db.session.add(TherapySession(center_id=aktobe.id, specialist_id=specialist.id, referral_id=referral.id,
                                      child_id=referral.child_id, setting="home", address="Демо көшесі, 3",
                                      starts_at=now - timedelta(minutes=50), ends_at=now - timedelta(minutes=20),
                                      busy_from=now - timedelta(minutes=50), busy_until=now - timedelta(minutes=20)))
        db.session.commit()
        # Close to Almaty midnight the session 50 minutes ago lies on the day before: "My day" is opened on it.
        day = (now - timedelta(minutes=50)).astimezone(ALMATY).date()
        return {"referral": referral.id, "child": referral.child.full_name, "specialist": specialist.full_name,
                "coordinator": coordinator.email, "day": day}


def log_in(page, base, email):
    login(page, base, email, PASSWORD, "ru")


def test_plan_series_clash_attendance_note(browser, live_server, world, shot):
    page = browser.new_context(locale="ru-RU").new_page()
    log_in(page, live_server, "coord2@browser.test")
    page.goto(f"{live_server}/therapy/cases/{world['referral']}/plan")
    form = page.locator("[data-testid=plan-form]")
    form.locator("input[name='goals-0-description']").fill("Говорит 20 слов")
    form.locator("input[name='goals-0-criterion']").fill("Подсчёт логопеда")
    form.locator("input[name='goals-0-target_on']").fill((date.today() + timedelta(days=120)).isoformat())
    form.locator("select[name='services-0-discipline_id']").select_option(label="Логопед")
    form.locator("input[name='services-0-frequency']").fill("1")
    form.locator("select[name='services-0-setting']").select_option("center")
    form.locator("input[name='services-0-ends_on']").fill((date.today() + timedelta(days=180)).isoformat())
    form.locator("button[type=submit]").click()
    assert "Поле" not in page.locator(".flash.error").all_inner_texts()
    assert page.locator("[data-testid=plan-form] .error").count() >= 1  # the reason for a service at the center
    form = page.locator("[data-testid=plan-form]")
    form.locator("input[name='services-0-setting_reason']").fill("Нужен сенсорный зал")
    form.locator("button[type=submit]").click()
    assert "Говорит 20 слов" in page.locator("[data-testid=goals]").inner_text()
    shot(page, "11-coordinator-plan-ru")

    monday = first_monday_with_a_holiday_ahead()
    page.goto(f"{live_server}/therapy/cases/{world['referral']}/book")
    booking = page.locator("[data-testid=booking-form]")
    booking.locator("select[name=specialist]").select_option(label=world["specialist"])
    booking.locator("select[name=room]").select_option(label="Кабинет 1")
    booking.locator("input[name=start_on]").fill(monday.isoformat())
    booking.locator("input[name=at]").fill("10:00")
    booking.locator("input[name=weekdays][value='0']").check()
    booking.locator("input[name=count]").fill("4")
    booking.locator("button[type=submit]").click()
    clashes = page.locator("[data-testid=clashes]").inner_text()
    assert "Праздничный день" in clashes
    shot(page, "12-coordinator-clash-ru")
    page.locator("[data-testid=booking-form] input[name=skip_dates]").first.check()
    page.locator("[data-testid=booking-form] button[type=submit]").click()
    assert page.locator(".flash.success").count() == 1
    assert page.locator("[data-testid=week]").inner_text().count(world["child"]) >= 1
    shot(page, "13-coordinator-week-ru")

    spec = browser.new_context(locale="ru-RU").new_page()
    log_in(spec, live_server, "spec2@browser.test")
    spec.click("a[href='/therapy/my-day']")
    if world["day"] != almaty_today():
        spec.goto(f"{live_server}/therapy/my-day?day={world['day'].isoformat()}")
    assert world["child"] in spec.locator("[data-testid=my-day]").inner_text()
    spec.locator("[data-testid=my-day] a").first.click()
    attendance = spec.locator("[data-testid=attendance-form]")
    attendance.locator("select[name=attended]").select_option("yes")
    attendance.locator("button[type=submit]").click()
    assert spec.locator("[data-testid=attendance]").inner_text() == "Присутствовал"
    note = spec.locator("[data-testid=note-form]")
    note.locator("textarea[name=done]").fill("Игры на очерёдность, звукоподражание")
    note.locator("textarea[name=family_plan]").fill("Читать книжку с картинками каждый вечер")
    note.locator("button[type=submit]").click()
    assert "звукоподражание" in spec.locator("[data-testid=note]").inner_text()
    shot(spec, "14-specialist-attendance-note-ru")
