"""Each job notifies the right people once, and never twice on a rerun: controlled time in Asia/Almaty, across
midnight, on a working-day calendar with Kazakhstan's holidays."""
from datetime import date, datetime, timedelta, timezone
from io import BytesIO

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from eic.core.roles import Role
from eic.core.timeutil import ALMATY
from eic.extensions import db
from eic.jobs import scheduler
from eic.jobs.outcome import worded
from eic.notifications.models import Notification, OutboxMessage
from eic.referrals.status import Status
from tests.factories.accounts import user_for_role
from tests.factories.centers import center
from tests.factories.intake import TeamMemberFactory
from tests.factories.referrals import CaregiverFactory, ChildFactory, ConsentFactory, ReferralFactory


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """An Almaty wall-clock time, as the UTC instant the scheduler is given."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ALMATY).astimezone(timezone.utc)


def job(job_id):
    return scheduler.job_by_id(job_id)


def got(user, kind=None):
    stmt = select(Notification).where(Notification.user_id == user.id)
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    return db.session.scalars(stmt).all()


@pytest.fixture
def team(ctx):
    aktobe = center("aktobe")
    return {"coordinator": user_for_role(Role.COORDINATOR, center=aktobe), "admin": user_for_role(Role.ADMIN),
            "other": user_for_role(Role.COORDINATOR, center=center("oral")), "center": aktobe}


def test_referral_acknowledgement_across_a_holiday_and_midnight(team):
    # Submitted on Friday 5 March 2027; Monday 8 March is a holiday: two working days are Tuesday and Wednesday.
    referral = ReferralFactory(center=team["center"], status=Status.SUBMITTED, referred_on=date(2027, 3, 5),
                               submitted_at=at(date(2027, 3, 5), 16))
    ack = job("referrals.ack_overdue")
    scheduler.run_job(ack, at(date(2027, 3, 9), 23, 50))
    assert got(team["coordinator"]) == []
    scheduler.run_job(ack, at(date(2027, 3, 10), 0, 10))  # ten minutes after midnight: due
    (note,) = got(team["coordinator"], "referral_ack_overdue")
    assert note.subject_id == referral.id and got(team["other"]) == [] and got(team["admin"]) == []
    assert scheduler.run_job(ack, at(date(2027, 3, 10), 9)) is None  # the same day again: the ledger
    scheduler.run_job(ack, at(date(2027, 3, 11), 9))  # the next day: a new period, nothing new
    assert len(got(team["coordinator"])) == 1
    scheduler.run_job(ack, at(date(2027, 3, 12), 9))  # four working days: the administrators
    (escalated,) = got(team["admin"], "referral_ack_escalated")
    assert referral.child.last_name not in str(escalated.params) and escalated.subject_id is None
    scheduler.run_job(ack, at(date(2027, 3, 15), 9))
    assert len(got(team["admin"])) == 1 and len(got(team["coordinator"])) == 1


def test_the_childs_clock(team):
    lead = TeamMemberFactory(is_lead=True, specialist__center=team["center"],
                             referral_id=ReferralFactory(center=team["center"]).id).specialist
    referred = date(2027, 3, 1)
    referral = ReferralFactory(center=team["center"], status=Status.ACCEPTED, referred_on=referred,
                               first_contact_on=None)
    TeamMemberFactory(is_lead=True, specialist=lead, referral_id=referral.id)
    clock = job("intake.child_clock")
    scheduler.run_job(clock, at(referred + timedelta(days=6), 8))  # 7 March: 4 working days (8 March holiday)
    assert got(team["coordinator"], "first_contact_overdue") == []
    scheduler.run_job(clock, at(referred + timedelta(days=9), 8))
    assert len(got(team["coordinator"], "first_contact_overdue")) == 1
    assert got(lead, "first_contact_overdue") == []  # the coordinator's step
    for day in (29, 30, 31, 40, 44, 45, 46):
        scheduler.run_job(clock, at(referred + timedelta(days=day), 8))
    for person in (team["coordinator"], lead):
        assert sorted(n.params["days"] for n in got(person, "plan_warning")) == ["30", "40"]
        assert len(got(person, "plan_overdue")) == 1


def test_plan_reviews_missed_sessions_and_late_notes(team):
    from tests.factories.therapy import PlanFactory, RoomFactory, TherapySessionFactory

    referral = ReferralFactory(center=team["center"], status=Status.ENROLLED, enrolled_on=date(2027, 1, 10))
    specialist = TeamMemberFactory(is_lead=True, specialist__center=team["center"],
                                   referral_id=referral.id).specialist
    PlanFactory(referral_id=referral.id, starts_on=date(2027, 1, 20), next_review_on=date(2027, 4, 20))
    reviews = job("therapy.plan_reviews")
    scheduler.run_job(reviews, at(date(2027, 4, 5), 8))  # 15 days before
    assert got(specialist, "review_due") == []
    scheduler.run_job(reviews, at(date(2027, 4, 6), 8))
    scheduler.run_job(reviews, at(date(2027, 4, 7), 8))
    assert len(got(specialist, "review_due")) == 1 and len(got(team["coordinator"], "review_due")) == 1
    scheduler.run_job(reviews, at(date(2027, 4, 21), 8))
    assert len(got(specialist, "review_overdue")) == 1

    room = RoomFactory(center=team["center"])
    for n, reason in enumerate(("child_ill", "family_cancelled_notice", "other")):
        start = at(date(2027, 4, 12 + n), 10)
        TherapySessionFactory(center_id=referral.center_id, specialist=specialist, room=room,
                              referral_id=referral.id, child_id=referral.child_id, starts_at=start,
                              ends_at=start + timedelta(minutes=45), busy_from=start,
                              busy_until=start + timedelta(minutes=45), attendance="absent", absence_reason=reason)
    start = at(date(2027, 4, 15), 10)
    noted = TherapySessionFactory(center_id=referral.center_id, specialist=specialist, room=room,
                                  referral_id=referral.id, child_id=referral.child_id, starts_at=start,
                                  ends_at=start + timedelta(minutes=45), busy_from=start,
                                  busy_until=start + timedelta(minutes=45), attendance="attended")
    missed = job("therapy.missed_sessions")
    scheduler.run_job(missed, at(date(2027, 4, 15), 8))  # before the 15 April session is recorded... it is
    assert got(team["coordinator"], "missed_sessions") == []  # the last recorded session was attended
    noted.attendance, noted.absence_reason = "absent", "child_ill"
    db.session.flush()
    scheduler.run_job(missed, at(date(2027, 4, 16), 8))
    scheduler.run_job(missed, at(date(2027, 4, 17), 8))
    assert len(got(team["coordinator"], "missed_sessions")) == 1 and len(got(specialist, "missed_sessions")) == 1
    noted.attendance, noted.absence_reason = "attended", None
    db.session.flush()
    notes = job("therapy.late_notes")
    scheduler.run_job(notes, at(date(2027, 4, 15), 23))  # the same day: not late yet
    assert got(specialist, "late_note") == []
    scheduler.run_job(notes, at(date(2027, 4, 16), 9))
    scheduler.run_job(notes, at(date(2027, 4, 17), 9))
    assert len(got(specialist, "late_note")) == 1 and got(team["coordinator"], "late_note") == []


def test_age_milestones(team):
    child = ChildFactory(birth_on=date(2024, 6, 15))
    referral = ReferralFactory(center=team["center"], child=child, status=Status.ENROLLED,
                               enrolled_on=date(2025, 1, 10))
    ages = job("intake.age_milestones")
    scheduler.run_job(ages, at(date(2027, 3, 14), 8))  # 2 years 8 months 30 days
    assert got(team["coordinator"]) == []
    scheduler.run_job(ages, at(date(2027, 3, 15), 8))  # 2 years 9 months
    assert len(got(team["coordinator"], "transition_planning")) == 1
    scheduler.run_job(ages, at(date(2027, 5, 16), 8))  # 30 days before the third birthday
    scheduler.run_job(ages, at(date(2027, 5, 17), 8))
    (limit,) = got(team["coordinator"], "age_limit")
    assert limit.params["date"] == "2027-06-15" and limit.subject_id == referral.id
    assert len(got(team["coordinator"], "transition_planning")) == 1


def test_family_reminders_the_day_before_in_their_language(team):
    from tests.factories.therapy import RoomFactory, TherapySessionFactory

    kk_child, ru_child = ChildFactory(first_name="Әлихан"), ChildFactory(first_name="Мария")
    kk = ReferralFactory(center=team["center"], child=kk_child, status=Status.ENROLLED,
                         caregiver=CaregiverFactory(child=kk_child, preferred_language="kk", phone="+77011111111"))
    ru = ReferralFactory(center=team["center"], child=ru_child, status=Status.ENROLLED,
                         caregiver=CaregiverFactory(child=ru_child, preferred_language="ru", phone="+77022222222"))
    # A third family did not agree to text reminders: it gets none.
    silent_child = ChildFactory(first_name="Айя")
    silent = ReferralFactory(center=team["center"], child=silent_child, status=Status.ENROLLED,
                             caregiver=CaregiverFactory(child=silent_child, phone="+77033333333"))
    for referral in (kk, ru):
        ConsentFactory(child_id=referral.child_id, kind="sms")
    ConsentFactory(child_id=silent.child_id, kind="sms", given=False)
    room = RoomFactory(center=team["center"])
    for n, referral in enumerate((kk, ru, silent)):
        start = at(date(2027, 4, 13), 10 + n)
        TherapySessionFactory(center_id=referral.center_id, room=room, referral_id=referral.id,
                              child_id=referral.child_id, starts_at=start, ends_at=start + timedelta(minutes=45),
                              busy_from=start, busy_until=start + timedelta(minutes=45))
    reminders = job("therapy.session_reminders")
    scheduler.run_job(reminders, at(date(2027, 4, 12), 17))
    scheduler.run_job(reminders, at(date(2027, 4, 12), 17), manual=True)  # an administrator runs it again
    messages = {m.recipient: m for m in db.session.scalars(select(OutboxMessage))}
    assert set(messages) == {"+77011111111", "+77022222222"}
    # What a family needs (when), in its language; not the child's name (a phone number is not always private).
    assert messages["+77011111111"].language == "kk" and "Әлихан" not in messages["+77011111111"].body
    assert "13.04.2027" in messages["+77022222222"].body and "11:00" in messages["+77022222222"].body
    assert "Мария" not in messages["+77022222222"].body
    assert messages["+77022222222"].body != messages["+77011111111"].body
    assert {m.channel for m in messages.values()} == {"sms"}


def test_rollout_reminders_and_the_weekly_workbook(team, app):
    from tests.factories.rollout import AllocationLineFactory, EnrolmentFactory, VisitActionFactory

    foundation, ministry = user_for_role(Role.FOUNDATION), user_for_role(Role.MINISTRY)
    AllocationLineFactory(stage="ordered", expected_delivery_on=date(2027, 4, 1))
    EnrolmentFactory(status="completed", completed_on=date(2025, 4, 1), expires_on=date(2027, 6, 1))
    VisitActionFactory(due_on=date(2027, 4, 1))
    scheduler.run_job(job("rollout.reminders"), at(date(2027, 4, 1), 9))
    assert got(foundation) == []  # due today is not overdue; the refresher is 61 days away
    scheduler.run_job(job("rollout.reminders"), at(date(2027, 4, 2), 9))
    scheduler.run_job(job("rollout.reminders"), at(date(2027, 4, 3), 9))
    scheduler.run_job(job("rollout.reminders"), at(date(2027, 4, 3), 9), manual=True)
    assert len(got(foundation, "delivery_overdue")) == 1 and got(team["coordinator"]) == []
    assert len(got(foundation, "refresher_due")) == 1 and len(got(foundation, "action_overdue")) == 1
    run = scheduler.run_job(job("coverage.weekly_workbook"), at(date(2026, 11, 16), 3))
    assert run.status == "succeeded"
    from openpyxl import load_workbook

    from eic.coverage.tasks import JOB_ID, kept_workbooks
    from eic.jobs import files

    with force_locale("en"):
        assert worded(run.result) == "Workbooks written: 3"
    with force_locale("ru"):
        assert worded(run.result) == "Записано книг: 3"
    # One workbook per language, each in its own language.
    headings = {}
    for language in ("kk", "ru", "en"):
        assert kept_workbooks(language) == [(date(2026, 11, 16), f"coverage-2026-W47-{language}.xlsx")]
        kept = files.named(JOB_ID, f"coverage-2026-W47-{language}.xlsx")
        sheet = load_workbook(BytesIO(kept.content)).worksheets[0]
        headings[language] = " ".join(str(c.value) for row in sheet.iter_rows(max_row=6) for c in row)
    assert "Kazakhstan" in headings["en"] and "Kazakhstan" not in headings["ru"]
    assert headings["ru"] != headings["kk"]
    assert len(got(ministry, "coverage_workbook")) == 1


def test_email_goes_to_the_outbox_only_if_chosen_and_only_after_commit(team, client, login_as):
    from eic.notifications import services

    coordinator = team["coordinator"]
    services.set_email_kinds(coordinator, ["plan_overdue", "nonsense"])
    assert services.email_kinds(coordinator) == {"plan_overdue"}
    nested = db.session.begin_nested()
    services.notify(coordinator.id, kind="plan_overdue", params={"child": "X"}, dedupe_key="t:1")
    nested.rollback()  # the transaction that caused it failed: no notification, no e-mail
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    services.notify(coordinator.id, kind="plan_overdue", params={"child": "X"}, dedupe_key="t:1")
    services.notify(coordinator.id, kind="review_due", params={"child": "X", "date": "2027-01-01"})
    assert services.notify(coordinator.id, kind="plan_overdue", params={"child": "X"}, dedupe_key="t:1") is None
    (mail,) = db.session.scalars(select(OutboxMessage)).all()
    assert mail.channel == "email" and mail.recipient == coordinator.email and mail.status == "pending"
    run = scheduler.run_job(job("notifications.deliver_outbox"), at(date(2027, 1, 5), 9, 1))
    with force_locale("en"):
        assert worded(run.result) == "Sent: 0, kept: 1, failed: 0, to retry: 0"
    assert db.session.get(OutboxMessage, mail.id).status == "kept"
    login_as(coordinator)
    response = client.post("/notifications/email", data={"kind": ["review_due"]})
    assert response.status_code == 302 and services.email_kinds(coordinator) == {"review_due"}


def test_a_caught_up_reminder_run_skips_sessions_already_begun(team):
    from eic.core.timeutil import utc_now
    from tests.factories.therapy import RoomFactory, TherapySessionFactory

    now = utc_now().replace(microsecond=0)
    room = RoomFactory(center=team["center"])
    phones = {}
    for hours in (-1, 2):
        child = ChildFactory()
        referral = ReferralFactory(center=team["center"], child=child, status=Status.ENROLLED,
                                   caregiver=CaregiverFactory(child=child, phone=f"+7701000000{hours + 5}"))
        ConsentFactory(child_id=child.id, kind="sms")
        start = now + timedelta(hours=hours)
        if start.astimezone(ALMATY).date() != now.astimezone(ALMATY).date():
            pytest.skip("too close to Almaty midnight for this check")
        TherapySessionFactory(center_id=referral.center_id, room=room, referral_id=referral.id,
                              child_id=referral.child_id, starts_at=start, ends_at=start + timedelta(minutes=30),
                              busy_from=start, busy_until=start + timedelta(minutes=30))
        phones[hours] = referral.caregiver.phone
    # Yesterday's 17:00 firing, run only now (the scheduler was down): today's sessions still ahead only.
    yesterday = now.astimezone(ALMATY).date() - timedelta(days=1)
    scheduler.run_job(job("therapy.session_reminders"), at(yesterday, 17))
    assert {m.recipient for m in db.session.scalars(select(OutboxMessage))} == {phones[2]}


def test_the_outbox_shows_administrators_delivery_metadata_only(team, client, login_as):
    """The administrators' outbox showed children's full names (in e-mail bodies) and caregivers' phone numbers
    with the child's first name. Now: kind, recipient role, status, attempts, error; e-mails carry no child's
    name at all, and text messages only what a family needs."""
    from eic.notifications import services

    coordinator = team["coordinator"]
    services.set_email_kinds(coordinator, ["plan_overdue"])
    services.notify(coordinator.id, kind="plan_overdue", params={"child": "Жекеқұпия Әлихан"})
    services.queue_family_message(kind="session_reminder", phone="+77015550000", language="ru",
                                  params={"child": "Әлихан", "date": "13.04.2027", "time": "10:00"},
                                  dedupe_key="t:sms")
    db.session.commit()
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.channel == "email"))
    assert "Жекеқұпия" not in mail.body and "Әлихан" not in mail.body
    text = db.session.scalar(select(OutboxMessage).where(OutboxMessage.channel == "sms"))
    assert "Әлихан" not in text.body and "13.04.2027" in text.body
    login_as(user_for_role(Role.ADMIN))
    page = client.get("/admin/outbox", headers={"Accept-Language": "en"}).get_data(as_text=True)
    for secret in ("Жекеқұпия", "Әлихан", "+77015550000", coordinator.email, mail.body, text.body):
        assert secret not in page, secret
    assert "Center coordinator" in page and "A family" in page and "Plan overdue" in page
