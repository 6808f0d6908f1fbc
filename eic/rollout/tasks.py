"""Foundation reminders: equipment deliveries overdue, training refreshers due, mentoring actions overdue."""
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from eic.core.roles import Role
from eic.core.timeutil import ALMATY
from eic.extensions import db
from eic.jobs.outcome import N_, outcome
from eic.jobs.scheduler import Job
from eic.notifications.services import in_each_language, notify_each, users_with_role

from . import figures
from .models import Enrolment

REFRESHER_NOTICE_DAYS = 60


def rollout_reminders(now) -> str:
    """Scheduled: tell the foundation about overdue deliveries, refreshers coming due and overdue actions,
    once per line, enrolment or action and date."""
    today = now.astimezone(ALMATY).date()
    staff = users_with_role(Role.FOUNDATION)
    made = 0
    for line in figures.overdue_deliveries(today):
        made += notify_each(staff, kind="delivery_overdue", key=f"delivery:l{line.id}:{line.expected_delivery_on}",
                            params={**in_each_language("item", line.item, "name"),
                                    **in_each_language("center", line.center, "city"),
                                    "date": line.expected_delivery_on.isoformat()})
    for enrolment in db.session.scalars(select(Enrolment).where(
            Enrolment.status == "completed", Enrolment.expires_on.is_not(None),
            Enrolment.expires_on <= today + timedelta(days=REFRESHER_NOTICE_DAYS))):
        made += notify_each(staff, kind="refresher_due", key=f"refresher:e{enrolment.id}:{enrolment.expires_on}",
                            params={"person": enrolment.trainee.full_name,
                                    **in_each_language("center", enrolment.trainee.center, "city"),
                                    "course": enrolment.cohort.course.code,
                                    "date": enrolment.expires_on.isoformat()})
    for action in figures.overdue_actions(today):
        made += notify_each(staff, kind="action_overdue", key=f"action:a{action.id}:{action.due_on}",
                            params={**in_each_language("center", action.visit.center, "city"),
                                    "action": action.description[:120],
                                    "date": action.due_on.isoformat()})
    return outcome(N_("Notifications made: %(n)s"), n=made)


JOBS = [Job("rollout.reminders", rollout_reminders, {"hour": 8, "minute": 30},
            label=_l("Deliveries overdue, refreshers due, mentoring actions overdue"))]
