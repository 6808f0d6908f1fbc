"""Referrals not acted on: the coordinator after the acknowledgement target, the administrators after twice it."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from eic.core.roles import Role
from eic.core.settings import declare, get_setting
from eic.core.timeutil import ALMATY
from eic.extensions import db
from eic.jobs.outcome import N_, outcome
from eic.jobs.scheduler import Job
from eic.notifications.services import case_recipients, in_each_language, notify_each, users_with_role

from .models import Referral
from .status import Status

ACK_WORKING_DAYS = declare("referrals.ack_working_days", 2,
                           _l("A submitted referral is acknowledged within working days"), minimum=1, maximum=20)


def ack_overdue(now) -> str:
    """Scheduled: remind the center when a referral is not acknowledged within the target in working days,
    and tell the administrators at twice the target."""
    from eic.core.timeutil import add_working_days

    today = now.astimezone(ALMATY).date()
    target = get_setting(ACK_WORKING_DAYS.key)
    first = second = 0
    for referral in db.session.scalars(select(Referral).where(Referral.status == Status.SUBMITTED)):
        received = referral.submitted_at.astimezone(ALMATY).date()
        center = in_each_language("center", referral.center, "city")
        params = {"child": referral.child.full_name, "days": target, **center}
        if add_working_days(received, target) <= today:
            first += notify_each(case_recipients(referral, lead=False), kind="referral_ack_overdue",
                                 key=f"ack1:r{referral.id}", subject_id=referral.id, params=params)
        if add_working_days(received, 2 * target) <= today:
            second += notify_each(users_with_role(Role.ADMIN), kind="referral_ack_escalated",
                                  key=f"ack2:r{referral.id}", params={**center, "days": 2 * target})
    return outcome(N_("Reminders to centers: %(first)s, escalated to administrators: %(second)s"),
                   first=first, second=second)


def anonymise_closed(now):
    """Scheduled: anonymise the children whose cases all closed longer ago than the retention setting."""
    from eic.core.settings import get_setting
    from eic.core.timeutil import ALMATY

    from .retention import anonymise, due_children
    from .settings import RETENTION_YEARS

    today = now.astimezone(ALMATY).date()
    done = anonymise(due_children(today, get_setting(RETENTION_YEARS.key)), today=today)
    return outcome(N_("Children anonymised: %(n)s"), n=done)


JOBS = [Job("referrals.ack_overdue", ack_overdue, {"hour": 8, "minute": 5}, label=_l(
    "Referrals not acknowledged in time")),
        Job("referrals.anonymise_closed", anonymise_closed, {"hour": 2, "minute": 40}, label=_l(
            "Anonymise the records kept past the retention period"))]
