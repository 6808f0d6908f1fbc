"""Booked against available hours, per specialist and per room, for a period (this week, this month).

Available: the weekly working hours of a specialist (the center's opening hours where none are recorded, and
Monday to Friday 09:00-18:00 where the center has none either), and the opening hours for a room, on every day of
the period that is not a public holiday or a closure of the center, and for a specialist not a day of absence.
Booked: active (not cancelled) sessions in the period; for a specialist their busy time including travel to a
home visit, for a room the session itself. A group session counts once, whatever the size of its roster.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from eic.core.timeutil import ALMATY, holiday_name
from eic.extensions import db
from eic.therapy.calendar import DEFAULT_HOURS
from eic.therapy.models import Absence, Closure, OpeningHours, TherapySession, WorkingHours


@dataclass
class Load:
    """Booked against available hours of one specialist or room over a period."""
    key: int
    name: str
    available: float  # hours
    booked: float  # hours

    @property
    def share(self) -> float | None:
        return self.booked / self.available if self.available else None


def this_week(today: date) -> tuple[date, date]:
    """Monday to Sunday of the week holding ``today``."""
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=6)


def this_month(today: date) -> tuple[date, date]:
    """The first and the last day of the month holding ``today``."""
    after = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    return today.replace(day=1), after - timedelta(days=1)


def _span_hours(start: time, end: time) -> float:
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    return (minutes if minutes > 0 else minutes + 24 * 60) / 60


def _weekly(rows, owner_attr, start_attr, end_attr) -> dict:
    """{owner: {weekday: hours}} from weekly hour rows."""
    result = {}
    for row in rows:
        per_day = result.setdefault(getattr(row, owner_attr), {})
        per_day[row.weekday] = per_day.get(row.weekday, 0.0) + _span_hours(getattr(row, start_attr),
                                                                           getattr(row, end_attr))
    return result


def _days(first: date, last: date, closed: set[date]):
    day = first
    while day <= last:
        if day not in closed and holiday_name(day) is None:
            yield day
        day += timedelta(days=1)


def loads(center_id: int, specialists, rooms, *, first: date, last: date) -> dict[str, list[Load]]:
    """``{"specialists": [...], "rooms": [...]}`` for the days ``first``..``last`` (inclusive)."""
    closed = set(db.session.scalars(select(Closure.on).where(Closure.center_id == center_id, Closure.on >= first,
                                                             Closure.on <= last)))
    open_days = list(_days(first, last, closed))
    opening = _weekly(db.session.scalars(select(OpeningHours).where(OpeningHours.center_id == center_id)),
                      "center_id", "opens", "closes").get(center_id) \
        or {d: _span_hours(*span) for d, span in DEFAULT_HOURS.items()}
    staff_ids = [s.id for s in specialists]
    working = _weekly(db.session.scalars(select(WorkingHours).where(WorkingHours.user_id.in_(staff_ids))),
                      "user_id", "starts", "ends") if staff_ids else {}
    absences = {}
    for a in db.session.scalars(select(Absence).where(Absence.user_id.in_(staff_ids), Absence.starts_on <= last,
                                                      Absence.ends_on >= first)) if staff_ids else []:
        absences.setdefault(a.user_id, []).append((a.starts_on, a.ends_on))

    start = datetime.combine(first, time(0), tzinfo=ALMATY)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=ALMATY)
    rows = db.session.execute(select(TherapySession.specialist_id, TherapySession.room_id, TherapySession.starts_at,
                                     TherapySession.ends_at, TherapySession.busy_from, TherapySession.busy_until)
                              .where(TherapySession.center_id == center_id, TherapySession.is_active.is_(True),
                                     TherapySession.starts_at >= start, TherapySession.starts_at < end)).all()
    booked_by_specialist, booked_by_room = {}, {}
    for r in rows:
        booked_by_specialist[r.specialist_id] = (booked_by_specialist.get(r.specialist_id, 0.0)
                                                 + (r.busy_until - r.busy_from).total_seconds() / 3600)
        if r.room_id is not None:
            booked_by_room[r.room_id] = (booked_by_room.get(r.room_id, 0.0)
                                         + (r.ends_at - r.starts_at).total_seconds() / 3600)

    def available(weekly: dict, away=()) -> float:
        return sum(weekly.get(day.weekday(), 0.0) for day in open_days
                   if not any(lo <= day <= hi for lo, hi in away))

    return {
        "specialists": [Load(s.id, s.full_name, available(working.get(s.id) or opening, absences.get(s.id, ())),
                             round(booked_by_specialist.get(s.id, 0.0), 2)) for s in specialists],
        "rooms": [Load(r.id, r.name, available(opening), round(booked_by_room.get(r.id, 0.0), 2)) for r in rooms],
    }
