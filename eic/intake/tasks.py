"""The child's clock: first contact, the plan by day 45 (warnings at days 30 and 40), the first session after the
plan, transition planning at 2 years 9 months and the third birthday approaching."""
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from eic.core.settings import get_setting
from eic.core.timeutil import ALMATY, add_years
from eic.extensions import db
from eic.jobs.outcome import N_, outcome
from eic.jobs.scheduler import Job
from eic.notifications.services import case_recipients, notify_each
from eic.referrals.models import Referral
from eic.referrals.status import Status

PLAN_WARNINGS = (30, 40)
AGE_LIMIT_NOTICE_DAYS = 30


def child_clock(now) -> str:
    """Scheduled: tell the case's coordinator and lead when a child waits past a timeliness target
    (first contact, plan, first session), once per case and target."""
    from eic.capacity import settings as targets
    from eic.core.timeutil import add_working_days
    from eic.therapy.models import Plan, TherapySession

    today = now.astimezone(ALMATY).date()
    contact_days = get_setting(targets.FIRST_CONTACT_DAYS.key)
    plan_days = get_setting(targets.PLAN_DAYS.key)
    session_days = get_setting(targets.FIRST_SESSION_DAYS.key)
    open_cases = db.session.scalars(select(Referral).where(
        Referral.is_open.is_(True), Referral.status.in_([Status.ACCEPTED, Status.WAITLISTED, Status.ENROLLED]))).all()
    ids = [r.id for r in open_cases]
    plans = dict(db.session.execute(select(Plan.referral_id, func.min(Plan.starts_on)).where(
        Plan.referral_id.in_(ids)).group_by(Plan.referral_id)).all()) if ids else {}
    attended = set(db.session.scalars(select(TherapySession.referral_id).where(
        TherapySession.referral_id.in_(ids), TherapySession.attendance == "attended").distinct())) if ids else set()
    made = 0
    for r in open_cases:
        child = {"child": r.child.full_name}
        if r.first_contact_on is None and add_working_days(r.referred_on, contact_days) < today:
            made += notify_each(case_recipients(r, lead=False), kind="first_contact_overdue", key=f"contact:r{r.id}",
                                subject_id=r.id, params=child | {"days": contact_days})
        day = (today - r.referred_on).days
        if r.id not in plans:
            for warning in PLAN_WARNINGS:
                if day >= warning:
                    made += notify_each(case_recipients(r), kind="plan_warning", key=f"plan{warning}:r{r.id}",
                                        subject_id=r.id, params=child | {"days": warning})
            if day >= plan_days:
                made += notify_each(case_recipients(r), kind="plan_overdue", key=f"plan{plan_days}:r{r.id}",
                                    subject_id=r.id, params=child)
        elif r.id not in attended and (today - plans[r.id]).days >= session_days:
            made += notify_each(case_recipients(r), kind="first_session_due", key=f"session:r{r.id}",
                                subject_id=r.id, params=child | {"days": session_days})
    return outcome(N_("Notifications made: %(n)s"), n=made)


def age_milestones(now) -> str:
    """Transition planning from 2 years 9 months; the third birthday (the service's end) within 30 days."""
    today = now.astimezone(ALMATY).date()
    made = 0
    for r in db.session.scalars(select(Referral).where(Referral.is_open.is_(True),
                                                       Referral.status == Status.ENROLLED)):
        born = r.child.birth_on
        third = add_years(born, 3)
        transition = born + relativedelta(years=2, months=9)
        child = {"child": r.child.full_name}
        if transition <= today < third:
            made += notify_each(case_recipients(r), kind="transition_planning", key=f"transition:r{r.id}",
                                subject_id=r.id, params=child)
        if today <= third <= today + timedelta(days=AGE_LIMIT_NOTICE_DAYS):
            made += notify_each(case_recipients(r), kind="age_limit", key=f"agelimit:r{r.id}", subject_id=r.id,
                                params=child | {"date": third.isoformat()})
    return outcome(N_("Notifications made: %(n)s"), n=made)


JOBS = [
    Job("intake.child_clock", child_clock, {"hour": 7, "minute": 10}, label=_l("The child's clock: contact, plan, "
                                                                               "first session")),
    Job("intake.age_milestones", age_milestones, {"hour": 7, "minute": 20},
        label=_l("Transition planning and the age limit")),
]
