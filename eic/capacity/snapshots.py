"""Filling and reading the monthly "families served" summary (``ServedMonth``).

- ``refresh(months)`` recomputes whole months from the live tables, each in one INSERT ... SELECT, and marks them
  current. Only months that are over are stored: the current month is always read live.
- ``served_rows`` answers "which (center, child) pairs were served between two dates" from the summary for the
  months that are current in it, and live for the rest, so that a figure is never wrong, only sometimes slower.
- A change that touches a past month (attendance recorded late, a session cancelled after the fact, an enrolment
  date corrected) marks that month stale in the same transaction (a flush listener); the
  nightly job (and ``flask capacity snapshot``) computes it again.
"""
from datetime import date, timedelta

from sqlalchemy import delete, event, func, insert, literal, select
from sqlalchemy.orm import Session

from eic.core.timeutil import ALMATY, almaty_today, utc_now
from eic.extensions import db

from .models import ServedMonth, SnapshotMonth
from .served import closed_months, live_served_rows, month_end, month_start


def refresh(months: list[date]) -> dict[date, int]:
    """Recompute the given (closed) months; returns the rows stored per month. The caller commits."""
    stored = {}
    for first in months:
        rows = live_served_rows(first, month_end(first)).subquery()
        db.session.execute(delete(ServedMonth).where(ServedMonth.month == first))
        db.session.execute(insert(ServedMonth).from_select(
            ["month", "center_id", "child_id"], select(literal(first), rows.c.center_id, rows.c.child_id)))
        count = db.session.scalar(select(func.count()).select_from(ServedMonth).where(ServedMonth.month == first))
        db.session.execute(delete(SnapshotMonth).where(SnapshotMonth.month == first))
        db.session.add(SnapshotMonth(month=first, rows=count, refreshed_at=utc_now()))
        db.session.flush()
        stored[first] = count
    return stored


def stale_or_missing(first: date, last: date, today: date | None = None) -> list[date]:
    """Closed months in a range that the summary does not hold as current."""
    months = closed_months(first, last, today)
    if not months:
        return []
    current = set(db.session.scalars(select(SnapshotMonth.month).where(SnapshotMonth.month.in_(months))))
    return [m for m in months if m not in current]


def refresh_due(*, today: date | None = None, back_to: date | None = None) -> dict[date, int]:
    """The nightly work: every closed month since ``back_to`` (default: 1 January of last year) that is stale or
    missing, and always the month just over (late attendance is usually recorded in its first days)."""
    today = today or almaty_today()
    back_to = back_to or date(today.year - 1, 1, 1)
    due = stale_or_missing(back_to, today, today)
    last_month = month_start(month_start(today) - timedelta(days=1))
    if last_month >= back_to and last_month not in due:
        due.append(last_month)
    return refresh(sorted(due))


# Past flake8's complexity limit on purpose: one branch per kind of changed record, side by side.
def _months_touched(session: Session) -> set[date]:  # noqa: C901
    """Closed months whose "served" a pending change may alter."""
    from eic.referrals.models import Referral
    from eic.therapy.models import RosterEntry, TherapySession

    current = month_start(almaty_today())
    touched = set()

    def add_time(value):
        if value is not None:
            day = value.astimezone(ALMATY).date() if hasattr(value, "astimezone") else value
            if month_start(day) < current:
                touched.add(month_start(day))

    def old_value(obj, column):
        """The value in the database before this flush (the object's own history is lost once it expired)."""
        if obj in session.new or obj.id is None:
            return None
        with session.no_autoflush:
            return session.execute(select(column).where(type(obj).id == obj.id)).scalar()

    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if isinstance(obj, TherapySession):
            with session.no_autoflush:
                add_time(obj.starts_at)
            if db.inspect(obj).attrs.starts_at.history.has_changes():
                add_time(old_value(obj, TherapySession.starts_at))
        elif isinstance(obj, RosterEntry) and obj.session_id is not None:
            with session.no_autoflush:
                booked = session.get(TherapySession, obj.session_id)
            if booked is not None:
                add_time(booked.starts_at)
        elif isinstance(obj, Referral) and db.inspect(obj).attrs.enrolled_on.history.has_changes():
            add_time(obj.enrolled_on)
            add_time(old_value(obj, Referral.enrolled_on))
    return touched


def _stale_on_change(session, _flush_context, _instances):
    if not session.new and not session.dirty and not session.deleted:
        return
    months = _months_touched(session)
    if months:
        session.execute(delete(SnapshotMonth).where(SnapshotMonth.month.in_(months)))


def init_listeners() -> None:
    """Mark a month's snapshot stale whenever a flush changes what it counts (installed once per process)."""
    if not event.contains(Session, "before_flush", _stale_on_change):
        event.listen(Session, "before_flush", _stale_on_change)
