"""When a session may take place: public holidays, closures, opening and working hours, absences,
and the sessions already booked for the specialist, the room and the child."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from eic.core.timeutil import ALMATY, holiday_name
from eic.extensions import db

from .models import Absence, Closure, OpeningHours, RosterEntry, TherapySession, WorkingHours

# Used when a center (or a specialist) has no hours recorded: Monday to Friday, 09:00-18:00.
DEFAULT_HOURS = {weekday: (time(9), time(18)) for weekday in range(5)}

CLASH_MESSAGES = {
    "holiday": _l("Public holiday: %(name)s"),
    "closed": _l("The center is closed: %(name)s"),
    "outside_opening_hours": _l("Outside the center's opening hours"),
    "outside_working_hours": _l("Outside the specialist's working hours"),
    "absent": _l("The specialist is absent"),
    "specialist_busy": _l("The specialist has another session"),
    "room_busy": _l("The room is taken"),
    "child_busy": _l("The child has another session"),
    "caregiver_busy": _l("The caregiver has another group at this time"),
    "past": _l("The time has already passed"),
}


@dataclass(frozen=True)
class Occurrence:
    """One planned occurrence of a session (UTC instants; ``day`` is the Almaty date)."""
    starts_at: datetime
    ends_at: datetime

    @property
    def local_start(self) -> datetime:
        return self.starts_at.astimezone(ALMATY)

    @property
    def day(self) -> date:
        return self.local_start.date()


@dataclass
class Clash:
    """Why an occurrence cannot be booked (``code``, e.g. specialist_busy, holiday), with what it clashed with."""
    occurrence: Occurrence
    code: str
    detail: str = ""

    @property
    def message(self) -> str:
        detail = self.detail
        if self.code == "holiday":
            from flask_babel import get_locale

            detail = holiday_name(self.occurrence.day, str(get_locale() or "")) or detail
        return str(CLASH_MESSAGES[self.code]) % {"name": detail}

    def as_dict(self) -> dict:
        return {"date": self.occurrence.day.isoformat(), "starts_at": self.occurrence.starts_at.isoformat(),
                "reason": self.code, "message": self.message}


def local_to_utc(day: date, at: time) -> datetime:
    """The UTC instant of ``at`` on ``day`` in Almaty time."""
    return datetime.combine(day, at, tzinfo=ALMATY).astimezone(timezone.utc)


def occurrences(*, start_on: date, at: time, minutes: int, weekdays=None, until_on: date | None = None,
                count: int | None = None, max_weeks: int = 53) -> list[Occurrence]:
    """The dates of a weekly series from ``start_on`` on ``weekdays`` (0 = Monday) until a date or a count.

    A single session is ``weekdays=None, count=1``.
    """
    weekdays = set(weekdays if weekdays is not None else [start_on.weekday()])
    result, day, last = [], start_on, start_on + timedelta(weeks=max_weeks)
    while day <= last and (until_on is None or day <= until_on) and (count is None or len(result) < count):
        if day.weekday() in weekdays:
            starts = local_to_utc(day, at)
            result.append(Occurrence(starts, starts + timedelta(minutes=minutes)))
        day += timedelta(days=1)
    return result


def _hours_by_weekday(rows, start_attr, end_attr):
    hours = {}
    for row in rows:
        hours.setdefault(row.weekday, []).append((getattr(row, start_attr), getattr(row, end_attr)))
    return hours


def _within(hours: dict, occ: Occurrence, busy_from: datetime, busy_until: datetime) -> bool:
    start, end = busy_from.astimezone(ALMATY), busy_until.astimezone(ALMATY)
    if start.date() != end.date() and end.time() != time(0):
        return False
    for opens, closes in hours.get(occ.day.weekday(), []):
        if opens <= start.time() and (end.time() <= closes or (end.time() == time(0) and closes == time(0))):
            return True
    return False


# Only the times are needed to find clashes: rows, not ORM objects with their joined relationships.
SPAN = (TherapySession.id, TherapySession.starts_at, TherapySession.ends_at, TherapySession.busy_from,
        TherapySession.busy_until)


def child_sessions(child_id: int, window_from: datetime, window_until: datetime, *, audience: str = "child"):
    """The child's active sessions in a window: their own, and groups they are on the roster of.

    With ``audience="caregiver"``: the caregivers' groups the family is on the roster of. The roster ids come
    first from a small indexed query, so no sub-select runs against the whole sessions table.
    """
    from eic.referrals.models import Referral

    active = TherapySession.is_active.is_(True)
    in_window = (TherapySession.starts_at < window_until, TherapySession.ends_at > window_from)
    roster_ids = list(db.session.scalars(select(RosterEntry.session_id).join(
        Referral, Referral.id == RosterEntry.referral_id).where(Referral.child_id == child_id)))
    groups = db.session.execute(select(*SPAN).where(
        active, *in_window, TherapySession.audience == audience, TherapySession.id.in_(roster_ids))).all() \
        if roster_ids else []
    if audience != "child":
        return groups
    own = db.session.execute(select(*SPAN).where(active, *in_window, TherapySession.child_id == child_id)).all()
    own_ids = {row.id for row in own}
    return own + [row for row in groups if row.id not in own_ids]


class Calendar:
    """Everything needed to check many occurrences with a handful of indexed queries."""

    def __init__(self, *, center_id, specialist_id, room_id, child_id, first: datetime, last: datetime,
                 exclude_ids=()):
        self.exclude_ids = set(exclude_ids)
        window_from, window_until = first - timedelta(days=1), last + timedelta(days=1)
        opening = db.session.scalars(select(OpeningHours).where(OpeningHours.center_id == center_id)).all()
        self.opening = _hours_by_weekday(opening, "opens", "closes") or {d: [h] for d, h in DEFAULT_HOURS.items()}
        working = db.session.scalars(select(WorkingHours).where(WorkingHours.user_id == specialist_id)).all()
        self.working = _hours_by_weekday(working, "starts", "ends") or self.opening
        first_day, last_day = first.astimezone(ALMATY).date(), last.astimezone(ALMATY).date()
        self.closures = {c.on: c.reason for c in db.session.scalars(select(Closure).where(
            Closure.center_id == center_id, Closure.on >= first_day, Closure.on <= last_day))}
        self.absences = db.session.scalars(select(Absence).where(
            Absence.user_id == specialist_id, Absence.starts_on <= last_day, Absence.ends_on >= first_day)).all()
        active = TherapySession.is_active.is_(True)
        self.specialist_sessions = db.session.execute(select(*SPAN).where(
            active, TherapySession.specialist_id == specialist_id, TherapySession.busy_from < window_until,
            TherapySession.busy_until > window_from)).all()
        self.room_sessions = [] if room_id is None else db.session.execute(select(*SPAN).where(
            active, TherapySession.room_id == room_id, TherapySession.starts_at < window_until,
            TherapySession.ends_at > window_from)).all()
        self.child_sessions = [] if child_id is None else child_sessions(child_id, window_from, window_until)

    def clashes(self, occ: Occurrence, *, busy_from: datetime, busy_until: datetime, now: datetime,
                at_center: bool = True) -> list[Clash]:
        found = []
        if occ.starts_at < now:
            found.append(Clash(occ, "past"))
        if (name := holiday_name(occ.day)) is not None:
            found.append(Clash(occ, "holiday", name))
        if occ.day in self.closures:
            found.append(Clash(occ, "closed", self.closures[occ.day]))
        if at_center and not _within(self.opening, occ, occ.starts_at, occ.ends_at):
            found.append(Clash(occ, "outside_opening_hours"))
        if not _within(self.working, occ, busy_from, busy_until):
            found.append(Clash(occ, "outside_working_hours"))
        if any(a.starts_on <= occ.day <= a.ends_on for a in self.absences):
            found.append(Clash(occ, "absent"))
        for sessions, code, start, end, lo, hi in (
            (self.specialist_sessions, "specialist_busy", busy_from, busy_until, "busy_from", "busy_until"),
            (self.room_sessions, "room_busy", occ.starts_at, occ.ends_at, "starts_at", "ends_at"),
            (self.child_sessions, "child_busy", occ.starts_at, occ.ends_at, "starts_at", "ends_at"),
        ):
            if any(s.id not in self.exclude_ids and getattr(s, lo) < end and start < getattr(s, hi)
                   for s in sessions):
                found.append(Clash(occ, code))
        return found
