"""Plan reviews, three missed sessions in a row, late session notes, and the families' reminders the day before."""
from datetime import datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from eic.core.timeutil import ALMATY
from eic.extensions import db
from eic.jobs.outcome import N_, outcome
from eic.jobs.scheduler import Job
from eic.notifications.services import case_recipients, notify_each, queue_family_message
from eic.referrals.consent import in_force as consent_in_force
from eic.referrals.models import Referral
from eic.referrals.status import Status

from .models import Plan, RosterEntry, TherapySession

REVIEW_NOTICE_DAYS = 14
NOTE_LOOKBACK_DAYS = 14


def plan_reviews(now) -> str:
    """Scheduled: tell the case's coordinator and lead that a plan review is coming due or overdue,
    once per plan and review date."""
    today = now.astimezone(ALMATY).date()
    made = 0
    rows = db.session.execute(select(Plan, Referral).join(Referral, Referral.id == Plan.referral_id).where(
        Plan.is_current.is_(True), Referral.is_open.is_(True), Referral.status == Status.ENROLLED,
        Plan.next_review_on <= today + timedelta(days=REVIEW_NOTICE_DAYS))).all()
    for plan, referral in rows:
        due = plan.next_review_on
        kind, key = ("review_overdue", f"reviewlate:p{plan.id}:{due}") if due < today else \
            ("review_due", f"review:p{plan.id}:{due}")
        made += notify_each(case_recipients(referral), kind=kind, key=key, subject_id=referral.id,
                            params={"child": referral.child.full_name, "date": due.isoformat()})
    return outcome(N_("Notifications made: %(n)s"), n=made)


def missed_sessions(now) -> str:
    """Scheduled: tell the case's coordinator and lead when a child misses several sessions in a row,
    once per streak."""
    from .queries import missed_in_a_row_ids

    enrolled = db.session.scalars(select(Referral).where(Referral.is_open.is_(True),
                                                         Referral.status == Status.ENROLLED)).all()
    by_id = {r.id: r for r in enrolled}
    made = 0
    for rid in missed_in_a_row_ids(list(by_id)):
        # The streak is named by its latest session, so a new streak later is told again.
        last = db.session.scalar(select(TherapySession.id).where(
            TherapySession.referral_id == rid, TherapySession.attendance.is_not(None))
            .order_by(TherapySession.starts_at.desc()).limit(1))
        made += notify_each(case_recipients(by_id[rid]), kind="missed_sessions", key=f"missed:r{rid}:s{last}",
                            subject_id=rid, params={"child": by_id[rid].child.full_name})
    return outcome(N_("Notifications made: %(n)s"), n=made)


def late_notes(now) -> str:
    """Attended sessions of the last two weeks that ended before today and have no note: their specialist."""
    today = now.astimezone(ALMATY).date()
    start_of_today = datetime.combine(today, time(0), tzinfo=ALMATY)
    rows = db.session.execute(select(TherapySession, Referral).join(
        Referral, Referral.id == TherapySession.referral_id).where(
        TherapySession.attendance == "attended", TherapySession.note_recorded_at.is_(None),
        TherapySession.ends_at < start_of_today,
        TherapySession.starts_at >= start_of_today - timedelta(days=NOTE_LOOKBACK_DAYS))).all()
    made = 0
    for session, referral in rows:
        made += notify_each([session.specialist_id], kind="late_note", key=f"note:s{session.id}",
                            subject_id=referral.id, params={"child": referral.child.full_name,
                                                            "date": session.starts_at.astimezone(ALMATY).date()})
    return outcome(N_("Notifications made: %(n)s"), n=made)


def session_reminders(now) -> str:
    """Tomorrow's sessions: a text message to each family, in the family's language, once per session. A run caught
    up late (after downtime) skips sessions that have already begun."""
    from eic.core.timeutil import utc_now

    tomorrow = now.astimezone(ALMATY).date() + timedelta(days=1)
    start = datetime.combine(tomorrow, time(0), tzinfo=ALMATY)
    sessions = db.session.scalars(select(TherapySession).where(
        TherapySession.is_active.is_(True), TherapySession.starts_at >= max(start, utc_now()),
        TherapySession.starts_at < start + timedelta(days=1))).all()
    made = 0
    for session in sessions:
        referrals = [session.referral] if session.referral is not None else [
            entry.referral for entry in db.session.scalars(select(RosterEntry).where(
                RosterEntry.session_id == session.id))]
        for referral in referrals:
            caregiver = referral.caregiver
            if caregiver is None or not caregiver.phone or not consent_in_force(referral.child_id, "sms"):
                continue  # no number, or the family has not agreed to (or has withdrawn) text reminders
            local = session.starts_at.astimezone(ALMATY)
            if queue_family_message(kind="session_reminder", phone=caregiver.phone,
                                    language=caregiver.preferred_language,
                                    params={"date": local.strftime("%d.%m.%Y"),
                                            "time": local.strftime("%H:%M")},
                                    dedupe_key=f"remind:s{session.id}:r{referral.id}"):
                made += 1
    db.session.flush()
    return outcome(N_("Reminders queued: %(n)s"), n=made)


JOBS = [
    Job("therapy.plan_reviews", plan_reviews, {"hour": 7, "minute": 30}, label=_l("Plan reviews due and overdue")),
    Job("therapy.missed_sessions", missed_sessions, {"hour": 7, "minute": 40},
        label=_l("Three missed sessions in a row")),
    Job("therapy.late_notes", late_notes, {"hour": 9, "minute": 0}, label=_l("Session notes not written")),
    Job("therapy.session_reminders", session_reminders, {"hour": 17, "minute": 0},
        label=_l("Reminders to families the day before")),
]
