"""The directory's reminder: each week, the people who keep entries due a check (last checked six months ago or
more) are told how many there are (a coordinator for their region, foundation staff for every region)."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from eic.jobs.outcome import N_, outcome
from eic.jobs.scheduler import Job, weekly

JOB_ID = "support.check_reminder"


def check_reminder(now) -> str:
    """Scheduled: a notification to each editor with entries due a check, once a week."""
    from eic.accounts.models import User
    from eic.core.timeutil import ALMATY
    from eic.extensions import db
    from eic.notifications.services import notify

    from . import services

    today = now.astimezone(ALMATY).date()
    period = weekly(now)
    told = 0
    editors = db.session.scalars(select(User).where(User.role.in_(services.EDITORS),
                                                    User.is_active_account.is_(True))).all()
    for user in editors:
        due = services.stale_count(user, today)
        if due and notify(user.id, kind="support_check", params={"n": due},
                          dedupe_key=f"support_check:{period}:u{user.id}"):
            told += 1
    return outcome(N_("People reminded: %(n)s"), n=told)


JOBS = [Job(JOB_ID, check_reminder, {"day_of_week": "mon", "hour": 8, "minute": 0}, weekly,
            _l("Remind to check support directory entries older than six months"))]
