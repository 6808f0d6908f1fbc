"""The family's door: a code by text message to the phone on the child's referral, and the family's own page."""
import re
from datetime import timedelta

from sqlalchemy import func, select

from eic.core.roles import Role
from eic.core.timeutil import utc_now
from eic.extensions import db
from eic.family import access
from eic.family.models import FamilyCode
from eic.notifications.models import OutboxMessage
from tests.factories.referrals import CaregiverFactory, ReferralFactory
from tests.factories.therapy import TherapySessionFactory

PHONE = "+77015550101"


def family(phone=PHONE, language="kk", **referral):
    """A referral whose caregiver has ``phone``."""
    made = ReferralFactory(**referral)
    made.caregiver.phone, made.caregiver.preferred_language = phone, language
    db.session.commit()
    return made


def sent_code(phone=PHONE) -> str:
    body = db.session.scalars(select(OutboxMessage.body).where(OutboxMessage.recipient == phone,
                                                               OutboxMessage.kind == "login_code")
                              .order_by(OutboxMessage.id.desc())).first()
    return re.search(r"\b(\d{6})\b", body).group(1)


def ask(client, phone=PHONE, lang="kk"):
    return client.post("/family/login", data={"phone": phone}, headers={"Accept-Language": lang})


def enter(client, code, lang="kk"):
    return client.post("/family/code", data={"code": code}, headers={"Accept-Language": lang})


def test_a_caregiver_logs_in_with_the_code_and_sees_their_childs_sessions(client, session):
    referral = family(language="ru")
    soon = utc_now() + timedelta(days=2)
    TherapySessionFactory(referral_id=referral.id, child_id=referral.child_id, center_id=referral.center_id,
                          starts_at=soon, ends_at=soon + timedelta(minutes=45))
    answer = ask(client, "8 701 555 01 01")  # the way people write it
    assert answer.status_code == 302 and answer.location.endswith("/family/code")
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "login_code"))
    assert message.recipient == PHONE and message.language == "ru" and "действителен 10 минут" in message.body
    code = sent_code()
    stored = db.session.scalar(select(FamilyCode))
    assert code not in stored.code_hash and len(stored.code_hash) == 64  # only an HMAC is kept
    assert timedelta(minutes=9) < stored.expires_at - utc_now() <= timedelta(minutes=10)
    page = enter(client, code)
    assert page.status_code == 302 and page.location.endswith("/family/")
    home = client.get("/family/").get_data(as_text=True)
    assert referral.child.first_name in home and home.count('data-testid="session"') == 1
    # The code is used once.
    client.post("/logout")
    ask(client)
    assert enter(client, code).status_code == 422


def test_a_number_not_on_record_is_answered_the_same_and_gets_nothing(client, session):
    answer = ask(client, "+77015559999")
    assert answer.status_code == 302 and answer.location.endswith("/family/code")
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert db.session.scalar(select(func.count()).select_from(FamilyCode)) == 0
    page = enter(client, "123456", lang="ru").get_data(as_text=True)
    assert "Код устарел или не запрашивался" in page


def test_a_phone_that_is_not_a_phone_is_refused_in_the_users_language(client, session):
    answer = ask(client, "12ab", lang="kk")
    assert answer.status_code == 422
    assert "дұрыс телефон нөмірін" in answer.get_data(as_text=True)


def test_wrong_codes_count_and_the_fifth_ends_the_code(client, session):
    family()
    ask(client)
    code = sent_code()
    wrong = "000000" if code != "000000" else "111111"
    first = enter(client, wrong, lang="ru").get_data(as_text=True)
    assert "Осталось попыток: 4" in first
    for _ in range(4):
        enter(client, wrong)
    refused = enter(client, code, lang="ru")
    assert refused.status_code == 422 and "слишком много раз" in refused.get_data(as_text=True)
    assert db.session.scalar(select(FamilyCode.tries)) == 5


def test_a_code_expires_after_ten_minutes(client, session, monkeypatch):
    family()
    ask(client)
    code = sent_code()
    later = utc_now() + timedelta(minutes=10, seconds=1)
    monkeypatch.setattr(access, "utc_now", lambda: later)
    assert enter(client, code).status_code == 422


def test_a_new_code_ends_the_one_before(client, session):
    family()
    ask(client)
    first = sent_code()
    ask(client)
    second = sent_code()
    if first != second:
        assert enter(client, first).status_code == 422
    assert enter(client, second).status_code == 302


def test_three_codes_an_hour_per_number(client, session):
    family()
    assert [ask(client).status_code for _ in range(3)] == [302, 302, 302]
    refused = ask(client, lang="ru")
    assert refused.status_code == 429 and "Попробуйте через час" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(FamilyCode)) == 3


def test_asking_for_codes_is_limited_per_address(client, session, app):
    from eic.extensions import limiter

    app.config["EIC_FAMILY_CODE_LIMIT"], before = "4 per minute", app.config["EIC_FAMILY_CODE_LIMIT"]
    limiter.reset()
    try:
        statuses = [ask(client, f"+7701555{n:04d}").status_code for n in range(5)]
        assert statuses == [302] * 4 + [429]
    finally:
        limiter.reset()
        app.config["EIC_FAMILY_CODE_LIMIT"] = before


def test_a_caregiver_sees_all_their_children_and_no_one_elses(client, session, login_as):
    mine = family()
    second = family()  # the same mother, a younger child
    mine.child.first_name, second.child.first_name = "Әлия", "Нұрлан"
    other = family(phone="+77015550202")
    other.child.first_name = "Бөтенбала"
    CaregiverFactory(child=other.child, phone="+77015550303")
    user = access._account_for(PHONE)
    db.session.commit()
    login_as(user)
    page = client.get("/family/").get_data(as_text=True)
    assert mine.child.first_name in page and second.child.first_name in page
    assert page.count('data-testid="child"') == 2
    assert "Бөтенбала" not in page
    # Every staff page and another family's records are not there for a caregiver.
    for address in (f"/referrals/{other.id}", f"/referrals/{mine.id}", "/intake/queue", f"/family/copy/{mine.id}",
                    "/account/tokens", "/password", "/notifications"):
        assert client.get(address).status_code == 404, address


def test_staff_do_not_reach_the_family_page(client, session, login_as):
    login_as(Role.COORDINATOR)
    assert client.get("/family/").status_code == 404


def test_a_caregivers_session_lasts_a_day(client, session, login_as):
    family()
    user = access._account_for(PHONE)
    db.session.commit()
    login_as(user)
    with client.session_transaction() as s:
        s["login_at"] = s["last_seen"] = (utc_now() - timedelta(hours=23)).timestamp()
    assert client.get("/family/").status_code == 200
    with client.session_transaction() as s:
        s["login_at"] = s["last_seen"] = (utc_now() - timedelta(hours=25)).timestamp()
    answer = client.get("/family/")
    assert answer.status_code == 302 and answer.location.endswith("/family/login")


def test_the_staff_log_in_page_shows_families_their_own_door(client, session):
    page = client.get("/login", headers={"Accept-Language": "kk"}).get_data(as_text=True)
    assert 'href="/family/login"' in page and "SMS-кодпен кіру" in page


def coming(referral, hours):
    at = utc_now() + timedelta(hours=hours)
    return TherapySessionFactory(referral_id=referral.id, child_id=referral.child_id, center_id=referral.center_id,
                                 starts_at=at, ends_at=at + timedelta(minutes=45))


def caregiver_logged_in(login_as, phone=PHONE):
    user = access._account_for(phone)
    db.session.commit()
    login_as(user)
    return user


def notices(kind):
    from eic.notifications.models import Notification

    return db.session.scalars(select(Notification).where(Notification.kind == kind)).all()


def test_the_family_confirms_and_the_specialist_and_coordinator_are_told(client, session, login_as):
    from tests.factories.accounts import user_for_role

    referral = family()
    coordinator = user_for_role(Role.COORDINATOR, center=referral.center)
    row = coming(referral, 72)
    caregiver_logged_in(login_as)
    answer = client.post(f"/family/sessions/{row.id}/confirm", headers={"Accept-Language": "ru"})
    assert answer.status_code == 302
    assert row.family_confirmed_at is not None
    assert {n.user_id for n in notices("family_confirmed")} == {row.specialist_id, coordinator.id}
    page = client.get("/family/").get_data(as_text=True)  # in the family's language (kk), whatever the browser's
    assert "Рақмет: орталық сіздің келетініңізді біледі." in page and 'data-testid="confirmed"' in page


def test_a_cancellation_with_notice_and_one_at_short_notice(client, session, login_as):
    referral = family()
    early, late = coming(referral, 72), coming(referral, 5)
    caregiver_logged_in(login_as)
    client.post(f"/family/sessions/{early.id}/cancel", data={"reason": "Бала ауырып қалды"})
    client.post(f"/family/sessions/{late.id}/cancel", data={"reason": "Көлік жоқ"})
    assert (early.is_active, early.cancelled_by_family, early.absence_reason) == (
        False, True, "family_cancelled_notice")
    assert (late.is_active, late.absence_reason) == (False, "family_cancelled_no_notice")
    assert early.cancel_reason == "Бала ауырып қалды"
    assert notices("family_cancelled") and notices("family_cancelled_late")
    page = client.get("/family/").get_data(as_text=True)
    assert page.count('data-testid="session"') == 0  # cancelled sessions leave the list


def test_a_cancellation_needs_a_reason_and_changes_nothing_without_one(client, session, login_as):
    referral = family()
    row = coming(referral, 72)
    caregiver_logged_in(login_as)
    answer = client.post(f"/family/sessions/{row.id}/cancel", data={"reason": "  "},
                         headers={"Accept-Language": "kk"}, follow_redirects=True)
    assert "Орталыққа себебін айтыңыз." in answer.get_data(as_text=True)
    assert row.is_active and not notices("family_cancelled")


def test_another_familys_session_is_not_there_and_a_past_one_cannot_be_answered(client, session, login_as):
    mine, theirs = family(), family(phone="+77015550404")
    other_row, past = coming(theirs, 72), coming(mine, -2)
    caregiver_logged_in(login_as)
    assert client.post(f"/family/sessions/{other_row.id}/confirm").status_code == 404
    assert client.post(f"/family/sessions/{other_row.id}/cancel", data={"reason": "x"}).status_code == 404
    assert other_row.is_active and other_row.family_confirmed_at is None
    answer = client.post(f"/family/sessions/{past.id}/cancel", data={"reason": "late"},
                         headers={"Accept-Language": "ru"}, follow_redirects=True)
    assert "Бұл сабақ басталып кетті." in answer.get_data(as_text=True) and past.is_active


def test_the_plan_in_plain_words_without_what_is_internal(client, session, login_as):
    from tests.factories.therapy import GoalFactory, PlanFactory, PlanServiceFactory, ReviewFactory

    referral = family(language="ru")
    plan = PlanFactory(referral_id=referral.id, notes="Внутренняя заметка команды")
    GoalFactory(plan_id=plan.id, kind="child", description="Говорит 10 слов", criterion="Считает логопед")
    GoalFactory(plan_id=plan.id, kind="family", description="Мама знает, как играть с ребёнком в речевые игры")
    PlanServiceFactory(plan_id=plan.id, kind="therapy", frequency=2, per="week", minutes=45)
    PlanServiceFactory(plan_id=plan.id, kind="counselling", frequency=1, per="month", is_refused=True)
    ReviewFactory(plan_id=plan.id, reviewed_on=plan.starts_on, notes="Оценки GAS обсуждены внутри")
    user = caregiver_logged_in(login_as)
    user.locale = "ru"
    db.session.commit()
    page = client.get("/family/").get_data(as_text=True)
    assert 'data-testid="plan"' in page and "План, согласованный с вами" in page
    assert "Говорит 10 слов" in page and "Мама знает, как играть" in page
    assert "2 раза в неделю" in page and "45 минут" in page and "визит на дом" in page
    assert "Следующий пересмотр плана вместе с вами: 1 декабря 2027" in page
    assert "Внутренняя заметка" not in page and "Оценки GAS" not in page  # the team's own notes stay inside
    assert "Считает логопед" not in page
    assert "Консультирование" not in page  # a refused service is not on the family's list
