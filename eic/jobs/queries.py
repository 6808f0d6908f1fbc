"""Reads of the job ledger and the outbox for the administrators' pages."""
from sqlalchemy import select

from eic.extensions import db
from eic.notifications.models import OutboxMessage

from .models import JobRun


def last_run_by_job(limit: int = 500) -> dict:
    """Each job's latest run among the newest ``limit`` runs."""
    last = {}
    for run in db.session.scalars(select(JobRun).order_by(JobRun.started_at.desc()).limit(limit)):
        last.setdefault(run.job_id, run)
    return last


def recent_runs(limit: int = 100) -> list:
    """The ``limit`` most recent job runs from the ledger, newest first."""
    return db.session.scalars(select(JobRun).order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(limit)).all()


def outbox_newest_first():
    """A SELECT of the outbox, newest first (for pagination). The page shows its delivery metadata only: never
    the body, the subject or the address, since administrators see no child data (docs/SECURITY.md)."""
    return select(OutboxMessage).order_by(OutboxMessage.id.desc())


def recipient_roles(addresses) -> dict:
    """The role of the account behind each e-mail address (a text message's number matches none: a family)."""
    from eic.accounts.models import User

    addresses = list(addresses)
    if not addresses:
        return {}
    return dict(db.session.execute(select(User.email, User.role).where(User.email.in_(addresses))).all())
