"""Reads of the calendar, always scoped to a center."""
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from eic.core.timeutil import ALMATY
from eic.extensions import db

from .models import FAMILY_MISSES, TherapySession


def day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """UTC instants from the start of ``first`` to the end of ``last``, Almaty days."""
    start = datetime.combine(first, time(0), tzinfo=ALMATY)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=ALMATY)
    return start, end


def sessions_between(*, center_id: int, first: date, last: date, specialist_id=None, room_id=None,
                     referral_id=None, include_cancelled=False):
    """A SELECT of a center's sessions on Almaty days ``first``..``last``, optionally for one specialist,
    room or child, in time order."""
    start, end = day_bounds(first, last)
    stmt = select(TherapySession).where(TherapySession.center_id == center_id, TherapySession.starts_at >= start,
                                        TherapySession.starts_at < end)
    if not include_cancelled:
        stmt = stmt.where(TherapySession.is_active.is_(True))
    for column, value in ((TherapySession.specialist_id, specialist_id), (TherapySession.room_id, room_id),
                          (TherapySession.referral_id, referral_id)):
        if value is not None:
            stmt = stmt.where(column == value)
    return stmt.order_by(TherapySession.starts_at, TherapySession.id)


def missed_in_a_row(referral_id: int, *, run: int = 3) -> bool:
    """Whether the child's last ``run`` sessions with attendance recorded were all missed by the family."""
    last = db.session.scalars(select(TherapySession).where(
        TherapySession.referral_id == referral_id, TherapySession.is_active.is_(True),
        TherapySession.attendance.is_not(None)).order_by(TherapySession.starts_at.desc()).limit(run)).all()
    return len(last) == run and all(s.attendance == "absent" and s.absence_reason in FAMILY_MISSES for s in last)
