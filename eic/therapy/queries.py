"""Reads of the calendar, always scoped to a center."""
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

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


def missed_in_a_row_ids(referral_ids, *, run: int = 3) -> set[int]:
    """Of ``referral_ids``, those whose last ``run`` recorded sessions were all missed by the family.

    One query with a window function instead of one query per child.
    """
    if not referral_ids:
        return set()
    ranked = select(TherapySession.referral_id, TherapySession.attendance, TherapySession.absence_reason,
                    func.row_number().over(partition_by=TherapySession.referral_id,
                                           order_by=TherapySession.starts_at.desc()).label("n")).where(
        TherapySession.referral_id.in_(list(referral_ids)), TherapySession.is_active.is_(True),
        TherapySession.attendance.is_not(None)).subquery()
    rows = db.session.execute(select(ranked).where(ranked.c.n <= run)).all()
    by_referral = {}
    for row in rows:
        by_referral.setdefault(row.referral_id, []).append(row)
    return {rid for rid, last in by_referral.items()
            if len(last) == run and all(r.attendance == "absent" and r.absence_reason in FAMILY_MISSES for r in last)}


def notes_missing_or_late(center_id: int, *, since: datetime):
    """Attended sessions of a center since ``since`` with no note yet (callers apply the lateness rule)."""
    return db.session.scalars(select(TherapySession).where(
        TherapySession.center_id == center_id, TherapySession.attendance == "attended",
        TherapySession.note_recorded_at.is_(None), TherapySession.ends_at >= since)
        .order_by(TherapySession.ends_at)).all()


def session_log(*, center_id: int, first: date, last: date, specialist_id=None):
    """The session log for an export: columns, not objects, in one query with the specialist, room and child
    joined (no query per row), read 2,000 rows at a time from a server-side cursor; cancelled sessions included."""
    from sqlalchemy.orm import aliased

    from eic.accounts.models import User
    from eic.centers.models import Room
    from eic.referrals.models import Child

    sessions = sessions_between(center_id=center_id, first=first, last=last, include_cancelled=True,
                                specialist_id=specialist_id).subquery()
    s = aliased(TherapySession, sessions)
    return (select(s.id, s.starts_at, s.ends_at, User.full_name, Child.last_name, Child.first_name, Child.patronymic,
                   s.setting, Room.name, s.address, s.is_active, s.attendance, s.absence_reason)
            .join(User, User.id == s.specialist_id).outerjoin(Room, Room.id == s.room_id)
            .outerjoin(Child, Child.id == s.child_id).order_by(s.starts_at, s.id)
            .execution_options(yield_per=2000))


def discharge_of(referral_id: int):
    """The case's discharge record, or None."""
    from .models import Discharge

    return db.session.scalar(select(Discharge).where(Discharge.referral_id == referral_id))


def outcome_ratings(referral_id: int) -> dict:
    """The case's outcome ratings by kind (entry and exit)."""
    from .models import OutcomeRating

    ratings = db.session.scalars(select(OutcomeRating).where(OutcomeRating.referral_id == referral_id))
    return {o.kind: o for o in ratings}


def plan_history(referral_id: int) -> list:
    """Every version of the case's plan, oldest first."""
    from .models import Plan

    return db.session.scalars(select(Plan).where(Plan.referral_id == referral_id).order_by(Plan.version)).all()


def current_plans(referral_ids) -> dict:
    """The current plan of each of these cases, by referral id (one query)."""
    from .models import Plan

    return {p.referral_id: p for p in db.session.scalars(select(Plan).where(
        Plan.referral_id.in_(list(referral_ids)), Plan.is_current.is_(True)))}


def upcoming_closures(center_id: int, today) -> list:
    """The center's closures from today on."""
    from .models import Closure

    return db.session.scalars(select(Closure).where(Closure.center_id == center_id, Closure.on >= today)
                              .order_by(Closure.on)).all()


def upcoming_absences(center_id: int, today) -> list:
    """Absences of the center's staff that have not ended before today."""
    from eic.accounts.models import User

    from .models import Absence

    return db.session.scalars(select(Absence).join(User, User.id == Absence.user_id).where(
        User.center_id == center_id, Absence.ends_on >= today).order_by(Absence.starts_on)).all()


def follow_ups(center_id: int, *, first: date | None = None, last: date | None = None) -> list:
    """The center's discharged children with their follow-up check date, (Discharge, Referral) pairs by date;
    only checks on or after ``first`` and on or before ``last`` when given (every one otherwise)."""
    from eic.referrals.models import Referral

    from .models import Discharge

    stmt = select(Discharge, Referral).join(Referral, Referral.id == Discharge.referral_id).where(
        Referral.center_id == center_id)
    if first is not None:
        stmt = stmt.where(Discharge.follow_up_on >= first)
    if last is not None:
        stmt = stmt.where(Discharge.follow_up_on <= last)
    return db.session.execute(stmt.order_by(Discharge.follow_up_on, Discharge.id)).all()


def sessions_by_id(ids) -> dict:
    """The sessions with these ids, by id (with their specialist, room, child and caregiver)."""
    if not ids:
        return {}
    return {s.id: s for s in db.session.scalars(select(TherapySession).where(TherapySession.id.in_(list(ids))))}


def freed_by_families(center_id: int, *, now, days: int = 14) -> list[TherapySession]:
    """The center's sessions of the next ``days`` that a family cancelled and whose time the specialist still has
    free (nothing booked over it since): slots to offer to a child on the waitlist, earliest first."""
    from sqlalchemy.orm import aliased

    other = aliased(TherapySession)
    taken = select(other.id).where(other.specialist_id == TherapySession.specialist_id,
                                   other.is_active.is_(True), other.busy_from < TherapySession.busy_until,
                                   other.busy_until > TherapySession.busy_from).exists()
    return db.session.scalars(select(TherapySession).where(
        TherapySession.center_id == center_id, TherapySession.cancelled_by_family.is_(True),
        TherapySession.is_active.is_(False), TherapySession.starts_at >= now,
        TherapySession.starts_at < now + timedelta(days=days), ~taken).order_by(TherapySession.starts_at)).all()
