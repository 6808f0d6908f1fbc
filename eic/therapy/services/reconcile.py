"""Keeping the calendar true when hours, absences or closures change.

A change is tried inside a savepoint: the calendar (``therapy.calendar.Calendar``, the same checks as booking) then
says which booked sessions from now on it no longer allows, and proposes a free slot for each: the same specialist
first (the same time on the next days, then other times), then a colleague of the same discipline. The savepoint
is rolled back, and the coordinator decides for each session: move it to the proposed slot, or cancel it. The
change and every decision are then applied together, all or nothing, and each family is told in its language.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from eic.core.errors import ValidationFailed
from eic.core.roles import Role
from eic.core.timeutil import ALMATY, utc_now
from eic.extensions import db

from ..calendar import Calendar, Occurrence, local_to_utc
from ..models import TherapySession
from . import sessions as session_services

# What a change of hours, an absence or a closure can make untrue; a clash with another booking is not one of them.
CALENDAR_CONFLICTS = ("holiday", "closed", "absent", "outside_opening_hours", "outside_working_hours")
SEARCH_DAYS = 14
# Other start times tried on a day, after the session's own time.
DAY_TIMES = [time(h, m) for h in range(9, 18) for m in (0, 30)]


@dataclass(frozen=True)
class Slot:
    """A proposed new time: who, which day, at what time (Almaty)."""
    specialist_id: int
    on: date
    at: time

    @property
    def key(self) -> str:
        return f"{self.specialist_id}|{self.on.isoformat()}|{self.at.strftime('%H:%M')}"

    @classmethod
    def parse(cls, raw: str | None):
        """The slot written by ``key``, or None if ``raw`` is not one."""
        try:
            specialist, on, at = (raw or "").split("|")
            return cls(int(specialist), date.fromisoformat(on), time.fromisoformat(at))
        except ValueError:
            return None


@dataclass
class Affected:
    """A booked session the change makes untrue, why (messages in the reader's language), and the slot proposed
    for it (None if none is free)."""
    session_id: int
    reasons: list
    proposal: Slot | None


def _calendar_for(session: TherapySession, specialist_id: int, first: datetime, last: datetime) -> Calendar:
    return Calendar(center_id=session.center_id, specialist_id=specialist_id, room_id=session.room_id,
                    child_id=session.child_id, first=first, last=last, exclude_ids=[session.id])


def untrue_sessions(center_id: int, *, now: datetime | None = None, specialist_id: int | None = None,
                    until: datetime | None = None) -> list:
    """The center's active sessions from ``now`` on (until ``until``; one specialist's, if given) that the
    calendar no longer allows, with the clashes that say why: [(session, [Clash])], by start time."""
    now = now or utc_now()
    stmt = select(TherapySession).where(TherapySession.center_id == center_id, TherapySession.is_active.is_(True),
                                        TherapySession.starts_at >= now)
    if until is not None:
        stmt = stmt.where(TherapySession.starts_at < until)
    if specialist_id is not None:
        stmt = stmt.where(TherapySession.specialist_id == specialist_id)
    found = []
    by_specialist = {}
    for session in db.session.scalars(stmt.order_by(TherapySession.starts_at)):
        by_specialist.setdefault(session.specialist_id, []).append(session)
    for specialist, rows in by_specialist.items():
        calendar = Calendar(center_id=center_id, specialist_id=specialist, room_id=None, child_id=None,
                            first=rows[0].starts_at, last=rows[-1].ends_at)
        for session in rows:
            occ = Occurrence(session.starts_at, session.ends_at)
            clashes = [c for c in calendar.clashes(occ, busy_from=session.busy_from, busy_until=session.busy_until,
                                                   now=now, at_center=session.setting not in
                                                   session_services.NO_ROOM_SETTINGS)
                       if c.code in CALENDAR_CONFLICTS]
            if clashes:
                found.append((session, clashes))
    return sorted(found, key=lambda pair: pair[0].starts_at)


def _free(calendar: Calendar, session: TherapySession, on: date, at: time, now: datetime) -> bool:
    minutes = session.ends_at - session.starts_at
    travel = session.starts_at - session.busy_from
    starts = local_to_utc(on, at)
    occ = Occurrence(starts, starts + minutes)
    return not calendar.clashes(occ, busy_from=starts - travel, busy_until=starts + minutes + travel, now=now,
                                at_center=session.setting not in session_services.NO_ROOM_SETTINGS)


def _colleagues(session: TherapySession) -> list[int]:
    from eic.accounts.models import User

    discipline_id = session.specialist.discipline_id
    if discipline_id is None:
        return []
    return list(db.session.scalars(select(User.id).where(
        User.center_id == session.center_id, User.role == Role.SPECIALIST, User.is_active_account.is_(True),
        User.discipline_id == discipline_id, User.id != session.specialist_id).order_by(User.full_name)))


def propose(session: TherapySession, *, now: datetime | None = None, taken=()) -> Slot | None:
    """A free slot for ``session`` within SEARCH_DAYS of its day (never in the past): its specialist at the same
    time on the next days, then at other times, then a colleague of the same discipline at the same time, then
    at other times. ``taken`` are slots already proposed to other sessions of this change."""
    now = now or utc_now()
    local = session.starts_at.astimezone(ALMATY)
    first_day = max(local.date(), now.astimezone(ALMATY).date())
    days = [first_day + timedelta(days=n) for n in range(SEARCH_DAYS + 1)]
    window = (local_to_utc(days[0], time(0)), local_to_utc(days[-1], time(23, 59)))
    for specialist_id in [session.specialist_id, *_colleagues(session)]:
        calendar = _calendar_for(session, specialist_id, *window)
        for times in ([local.time()], [t for t in DAY_TIMES if t != local.time()]):
            for day in days:
                for at in times:
                    slot = Slot(specialist_id, day, at)
                    if slot not in taken and _free(calendar, session, day, at, now):
                        return slot
    return None


def affected(center_id: int, *, now: datetime | None = None, specialist_id: int | None = None) -> list[Affected]:
    """What the change already applied (in the caller's savepoint) makes untrue, each with a proposed slot."""
    now = now or utc_now()
    result, taken = [], set()
    for session, clashes in untrue_sessions(center_id, now=now, specialist_id=specialist_id):
        slot = propose(session, now=now, taken=taken)
        if slot is not None:
            taken.add(slot)
        result.append(Affected(session.id, [c.message for c in clashes], slot))
    return result


def try_change(change, center_id: int, *, specialist_id: int | None = None, now: datetime | None = None):
    """Apply ``change`` in a savepoint, list what it makes untrue, and roll it back. Raises what the change
    raises (a DomainError: nothing to reconcile then)."""
    savepoint = db.session.begin_nested()
    try:
        change()
        db.session.flush()
        return affected(center_id, now=now, specialist_id=specialist_id)
    finally:
        savepoint.rollback()


def settle(decisions: dict, *, center_id: int, actor, reason: str, specialist_id: int | None = None,
           now: datetime | None = None) -> dict:
    """After the change is applied (same transaction): carry out the coordinator's decision for every session it
    makes untrue: ``{session id: ("move", Slot) | ("cancel", None)}``. A session without a decision, a slot that
    is not free or a cancellation without a reason raises ValidationFailed or BookingClash, and the caller rolls
    the whole change back. Returns the counts moved and cancelled."""
    from eic.accounts.models import User

    now = now or utc_now()
    counts = {"moved": 0, "cancelled": 0}
    errors = {}
    for session, _clashes in untrue_sessions(center_id, now=now, specialist_id=specialist_id):
        what, slot = decisions.get(session.id, (None, None))
        if what == "move" and slot is not None:
            specialist = db.session.get(User, slot.specialist_id)
            session_services.move_session(session, on=slot.on, at=slot.at, specialist=specialist, actor=actor,
                                          now=now)
            counts["moved"] += 1
        elif what == "cancel":
            if not (reason or "").strip():
                errors["reason"] = [_l("Give the reason the families will be told.")]
                continue
            session_services.cancel_session(session, reason=reason, actor=actor)
            counts["cancelled"] += 1
        else:
            errors[f"decision-{session.id}"] = [_l("Choose to move or to cancel this session.")]
    if errors:
        raise ValidationFailed(fields=errors)
    return counts
