"""Reads of the audit trail. Pages go backwards by id (keyset): each page is one index range scan, however many
millions of rows the table holds."""
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from eic.accounts.models import User
from eic.core.timeutil import ALMATY
from eic.extensions import db

from .models import AuditEvent

PAGE = 50


def events(*, actor_id=None, referral_id=None, action=None, first: date | None = None, last: date | None = None,
           before_id=None, limit=PAGE):
    """A SELECT of (event, actor) newest first, narrowed by actor, case, action and Almaty dates."""
    stmt = select(AuditEvent, User).outerjoin(User, User.id == AuditEvent.actor_id).order_by(AuditEvent.id.desc())
    if actor_id:
        stmt = stmt.where(AuditEvent.actor_id == actor_id)
    if referral_id:
        stmt = stmt.where(AuditEvent.referral_id == referral_id)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if first:
        stmt = stmt.where(AuditEvent.at >= datetime.combine(first, time(0), tzinfo=ALMATY))
    if last:
        stmt = stmt.where(AuditEvent.at < datetime.combine(last + timedelta(days=1), time(0), tzinfo=ALMATY))
    if before_id:
        stmt = stmt.where(AuditEvent.id < before_id)
    return stmt.limit(limit) if limit else stmt


def page_of_events(**filters) -> tuple[list, int | None]:
    """One page and the id to continue before (None on the last page)."""
    rows = db.session.execute(events(limit=PAGE + 1, **filters)).all()
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    return rows, (rows[-1][0].id if more else None)


def who_opened(referral_id: int, limit: int = 30) -> list:
    """The latest looks at and changes of one case, with who did them."""
    return db.session.execute(events(referral_id=referral_id, limit=limit)).all()


def actor_by_email(email: str):
    """The account with ``email`` (any case), or None."""
    from sqlalchemy import func

    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
