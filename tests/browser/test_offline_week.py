"""A specialist's week without a network, at 390x844 in Russian: the app opens offline, three visits and a
checklist are recorded, and the server holds them exactly once when the network returns; a session the
coordinator moved meanwhile is shown as a conflict with both versions; a change whose answer was lost is applied
once when sent again."""
import time
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from eic.accounts.services import hash_password
from eic.core.roles import Role
from eic.extensions import db
from eic.referrals.status import Status
from eic.therapy.models import HomeVisitChecklist, SyncChange, TherapySession
from tests.browser.conftest import LIVE
from tests.browser.conftest import log_in as login

pytestmark = pytest.mark.browser
PASSWORD = "browser-test-password"
PHONE = {"width": 390, "height": 844}
PATIENCE = 60_000  # milliseconds: a generous bound for a condition, never a fixed wait


def make_visits(specialist_email, n):
    """``n`` home visits of the specialist that began in the last hour (attendance can be recorded)."""
    from tests.factories.centers import RoomFactory, center
    from tests.factories.intake import TeamMemberFactory
    from tests.factories.referrals import ReferralFactory

    with LIVE["app"].app_context():
        from eic.accounts.models import User

        specialist = db.session.scalar(select(User).where(User.email == specialist_email))
        now = datetime.now(timezone.utc).replace(microsecond=0)
        ids = []
        for i in range(n):
            referral = ReferralFactory(center=center("aktobe"), status=Status.ENROLLED)
            TeamMemberFactory(referral_id=referral.id, specialist=specialist)
            starts = now - timedelta(minutes=50 - 3 * i)
            row = TherapySession(center_id=referral.center_id, specialist_id=specialist.id, referral_id=referral.id,
                                 child_id=referral.child_id, setting="home", address=f"Арал, Абай көшесі {i + 1}",
                                 room_id=RoomFactory(center=referral.center).id, starts_at=starts,
                                 ends_at=starts + timedelta(minutes=2), busy_from=starts,
                                 busy_until=starts + timedelta(minutes=2))
            db.session.add(row)
            db.session.flush()
            ids.append(row.id)
        db.session.commit()
        return ids


@pytest.fixture(scope="module")
def people(live_app):
    from eic.centers.services import load_reference
    from tests.factories.accounts import user_for_role

    with live_app.app_context():
        load_reference()
        hashed = hash_password(PASSWORD)
        emails = []
        for n in range(4):
            emails.append(user_for_role(Role.SPECIALIST, email=f"offline{n}@browser.test", password_hash=hashed).email)
        db.session.commit()
        return emails


def open_week(browser, base, email, expected):
    context = browser.new_context(locale="ru-RU", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    login(page, base, email, PASSWORD, "ru")
    page.goto(f"{base}/therapy/offline/")
    page.wait_for_function(f"() => document.querySelectorAll('[data-testid=offline-session]').length === {expected}",
                           timeout=PATIENCE)
    # Once the service worker controls the page, a reload puts the page in its cache.
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=PATIENCE)
    page.reload()
    until(page, "() => caches.has('eic-offline-page')")
    page.wait_for_function(f"() => document.querySelectorAll('[data-testid=offline-session]').length === {expected}",
                           timeout=PATIENCE)
    return context, page


def settled(page):
    """Wait until nothing is on its way to the server and nothing waits to go."""
    page.wait_for_function("() => document.body.dataset.syncing !== '1' && "
                           "!document.querySelector('[data-testid=queued][data-state=waiting]')", timeout=PATIENCE)


def settled_sending(page):
    page.wait_for_function("() => document.body.dataset.syncing !== '1'", timeout=PATIENCE)


def until(page, predicate):
    """Poll an (async) page function until it is true, within ``PATIENCE``."""
    deadline = time.monotonic() + PATIENCE / 1000
    while not page.evaluate(predicate):
        assert time.monotonic() < deadline, f"never true: {predicate}"
        page.wait_for_timeout(200)


def record_visit(page, session_id, note, *, checklist=None):
    card = page.locator(f"[data-testid=offline-session][data-id='{session_id}']")
    card.locator("[data-testid=came]").click()
    card = page.locator(f"[data-testid=offline-session][data-id='{session_id}']")
    card.locator("[data-testid=note-details] summary").click()
    card.locator("[data-testid=note-form] textarea[name=done]").fill(note)
    card.locator("[data-testid=note-form] button[type=submit]").click()
    if checklist:
        card = page.locator(f"[data-testid=offline-session][data-id='{session_id}']")
        card.locator("[data-testid=checklist-details] summary").click()
        form = card.locator("[data-testid=checklist-form]")
        for name, text in checklist.items():
            form.locator(f"textarea[name={name}]").fill(text)
        form.locator("button[type=submit]").click()


def queued(page) -> int:
    return page.locator("[data-testid=queued]").count()


def test_three_visits_offline_reach_the_server_once(browser, live_server, people, shot):
    ids = make_visits(people[0], 3)
    context, page = open_week(browser, live_server, people[0], 3)
    context.set_offline(True)
    page.reload()  # the app opens with no network
    page.wait_for_function("() => document.querySelectorAll('[data-testid=offline-session]').length === 3",
                           timeout=PATIENCE)
    for n, session_id in enumerate(ids):
        record_visit(page, session_id, f"Визит {n + 1}: игры с картинками",
                     checklist={"development": "Ходит, 10 слов", "living_conditions": "Тепло, чисто"} if n == 0
                     else None)
    assert queued(page) == 7 and page.locator("[data-testid=queued][data-state=waiting]").count() == 7
    shot(page, "offline-01-queued-ru-390")
    context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    page.wait_for_function("() => document.querySelectorAll('[data-testid=queued]').length === 0", timeout=PATIENCE)
    shot(page, "offline-02-sent-ru-390")
    with LIVE["app"].app_context():
        rows = db.session.scalars(select(TherapySession).where(TherapySession.id.in_(ids))
                                  .order_by(TherapySession.starts_at)).all()
        assert [r.attendance for r in rows] == ["attended"] * 3
        assert [r.note_done for r in rows] == [f"Визит {n + 1}: игры с картинками" for n in range(3)]
        assert db.session.scalar(select(func.count()).select_from(HomeVisitChecklist).where(
            HomeVisitChecklist.session_id.in_(ids))) == 1
        assert db.session.scalar(select(func.count()).select_from(SyncChange).where(
            SyncChange.session_id.in_(ids))) == 7
    context.close()


def test_a_session_moved_meanwhile_is_a_conflict_and_nothing_typed_is_lost(browser, live_server, people, shot):
    (session_id,) = make_visits(people[1], 1)
    context, page = open_week(browser, live_server, people[1], 1)
    context.set_offline(True)
    record_visit(page, session_id, "Записано без сети")
    with LIVE["app"].app_context():  # meanwhile the coordinator moves it ten minutes earlier
        row = db.session.get(TherapySession, session_id)
        for name in ("starts_at", "ends_at", "busy_from", "busy_until"):
            setattr(row, name, getattr(row, name) - timedelta(minutes=10))
        db.session.commit()
    context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("[data-testid=conflict]", timeout=PATIENCE)
    conflict = page.locator("[data-testid=conflict]").first.inner_text()
    assert "Записано без сети" not in conflict or "На сервере" in conflict
    shot(page, "offline-03-conflict-ru-390")
    while page.locator("[data-testid=conflict]").count():
        settled(page)
        page.locator("[data-testid=conflict]").first.get_by_role("button", name="Оставить моё").click()
        settled(page)
    page.wait_for_function("() => document.querySelectorAll('[data-testid=queued]').length === 0", timeout=PATIENCE)
    with LIVE["app"].app_context():
        row = db.session.get(TherapySession, session_id)
        assert row.attendance == "attended" and row.note_done == "Записано без сети"
    context.close()


def test_a_change_whose_answer_was_lost_is_applied_once(browser, live_server, people):
    (session_id,) = make_visits(people[2], 1)
    context, page = open_week(browser, live_server, people[2], 1)
    lost = []

    def drop_the_answer(route):
        if not lost:
            route.fetch()  # the server applies the change...
            lost.append(True)
            route.abort()  # ...and the answer never arrives
        else:
            route.continue_()

    page.route("**/api/v1/sync", drop_the_answer)
    page.locator(f"[data-testid=offline-session][data-id='{session_id}'] [data-testid=came]").click()
    deadline = time.monotonic() + PATIENCE / 1000
    while not lost:  # the first sending, whose answer is lost
        assert time.monotonic() < deadline, "the change was never sent"
        page.wait_for_timeout(200)
    settled_sending(page)
    assert page.locator("[data-testid=queued]").count() == 1  # still queued: the device never heard back
    page.get_by_role("button", name="Отправить сейчас").click()
    page.wait_for_function("() => document.querySelectorAll('[data-testid=queued]').length === 0", timeout=PATIENCE)
    with LIVE["app"].app_context():
        assert db.session.get(TherapySession, session_id).attendance == "attended"
        assert db.session.scalar(select(func.count()).select_from(SyncChange).where(
            SyncChange.session_id == session_id)) == 1
    context.close()


def test_an_old_week_is_removed_and_an_ended_session_asks_for_the_log_in_keeping_the_queue(browser, live_server,
                                                                                           people):
    (session_id,) = make_visits(people[3], 1)
    context, page = open_week(browser, live_server, people[3], 1)
    context.set_offline(True)
    page.locator(f"[data-testid=offline-session][data-id='{session_id}'] [data-testid=came]").click()
    assert page.locator("[data-testid=queued]").count() == 1
    # The device has not synced for 15 days (the setting says 14): the week goes, the typing stays.
    page.evaluate("""() => { const key = Object.keys(localStorage).find(k => k.endsWith('.week'));
        const week = JSON.parse(localStorage.getItem(key)); week.syncedAt = Date.now() - 15 * 86400000;
        localStorage.setItem(key, JSON.stringify(week)); }""")
    page.reload()
    page.wait_for_selector("[data-testid=queued]", timeout=PATIENCE)
    assert page.locator("[data-testid=offline-session]").count() == 0
    assert page.locator("[data-testid=queued]").count() == 1
    # Meanwhile the log-in session ended (log-out elsewhere: the device's token is revoked, the cookie is gone).
    with LIVE["app"].app_context():
        from eic.accounts.models import User
        from eic.accounts.services import end_sessions

        end_sessions(db.session.scalar(select(User).where(User.email == people[3])))
        db.session.commit()
    context.clear_cookies()
    context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("[data-testid=offline-status] a", timeout=PATIENCE)  # "log in"
    assert page.locator("[data-testid=queued]").count() == 1
    with LIVE["app"].app_context():
        assert db.session.get(TherapySession, session_id).attendance is None
    # Logged in again, the app sends what waited.
    login(page, live_server, people[3], PASSWORD, "ru")
    page.goto(f"{live_server}/therapy/offline/")
    page.wait_for_function("() => document.querySelectorAll('[data-testid=queued]').length === 0", timeout=PATIENCE)
    with LIVE["app"].app_context():
        assert db.session.get(TherapySession, session_id).attendance == "attended"
    context.close()
