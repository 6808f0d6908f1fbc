"""Keeping the ledger and the outbox from growing without end.

The outbox delivery runs every minute, so its ledger rows are kept 14 days; every other run is kept 400 days
(catch-up only looks back 8 days, so an old period can never run again anyway). Delivered messages are kept
180 days for administrators to read; failed ones until someone looks.
"""
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete

from eic.extensions import db
from eic.jobs.outcome import N_, outcome
from eic.jobs.scheduler import Job

from .models import JobRun

MINUTELY_JOBS = ("notifications.deliver_outbox",)
MINUTELY_DAYS, LEDGER_DAYS, OUTBOX_DAYS = 14, 400, 180


def prune(now) -> str:
    """Scheduled: drop old ledger rows (every-minute jobs' successes sooner) and delivered outbox messages."""
    from eic.notifications.models import OutboxMessage

    minutely = db.session.execute(delete(JobRun).where(
        JobRun.job_id.in_(MINUTELY_JOBS), JobRun.status == "succeeded",
        JobRun.started_at < now - timedelta(days=MINUTELY_DAYS))).rowcount
    old = db.session.execute(delete(JobRun).where(JobRun.status != "running",
                                                  JobRun.started_at < now - timedelta(days=LEDGER_DAYS))).rowcount
    messages = db.session.execute(delete(OutboxMessage).where(
        OutboxMessage.status.in_(["sent", "kept"]),
        OutboxMessage.created_at < now - timedelta(days=OUTBOX_DAYS))).rowcount
    return outcome(N_("Removed: %(ledger)s from the ledger, %(outbox)s from the outbox"),
                   ledger=minutely + old, outbox=messages)


JOBS = [Job("jobs.prune", prune, {"hour": 3, "minute": 30}, label=_l("Prune the job ledger and the outbox"))]
