"""Booked against available hours, per specialist and per room, for a period (this week, this month).

Available: the weekly working hours of a specialist (the center's opening hours where none are recorded, and
Monday to Friday 09:00-18:00 where the center has none either), and the opening hours for a room, on every day of
the period that is not a public holiday or a closure of the center, and for a specialist not a day of absence.
Booked: active (not cancelled) sessions in the period; for a specialist their busy time including travel to a
home visit, for a room the session itself. A group session counts once, whatever the size of its roster.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Float, case, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

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


class seconds_between(FunctionElement):
    """The seconds from one timestamp column to another, in SQL (summed by the database, not row by row here)."""
    type = Float()
    inherit_cache = True


@compiles(seconds_between)
def _seconds_generic(element, compiler, **kw):
    start, end = list(element.clauses)
    return f"EXTRACT(EPOCH FROM ({compiler.process(end, **kw)} - {compiler.process(start, **kw)}))"


@compiles(seconds_between, "sqlite")
def _seconds_sqlite(element, compiler, **kw):
    start, end = list(element.clauses)
    return f"((julianday({compiler.process(end, **kw)}) - julianday({compiler.process(start, **kw)})) * 86400.0)"


def loads(center_id: int, specialists, rooms, *, first: date, last: date) -> dict[str, list[Load]]:
    """``{"specialists": [...], "rooms": [...]}`` for the days ``first``..``last`` (inclusive)."""
    return loads_of_spans(center_id, specialists, rooms, {"span": (first, last)})["span"]


def loads_of_spans(center_id: int, specialists, rooms, spans: dict) -> dict[str, dict[str, list[Load]]]:
    """``loads`` of several spans at once (``{name: (first, last)}``, e.g. this week and this month), each reference
    table read once and the booked hours added up by the database, per span, in one query."""
    first, last = min(f for f, _l in spans.values()), max(la for _f, la in spans.values())
    closed = set(db.session.scalars(select(Closure.on).where(Closure.center_id == center_id, Closure.on >= first,
                                                             Closure.on <= last)))
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

    booked = _booked(center_id, spans)
    result = {}
    for name, (span_first, span_last) in spans.items():
        open_days = list(_days(span_first, span_last, closed))

        def available(weekly: dict, away=(), open_days=open_days) -> float:
            return sum(weekly.get(day.weekday(), 0.0) for day in open_days
                       if not any(lo <= day <= hi for lo, hi in away))

        by_specialist, by_room = booked[name]
        result[name] = {
            "specialists": [Load(s.id, s.full_name, available(working.get(s.id) or opening, absences.get(s.id, ())),
                                 round(by_specialist.get(s.id, 0.0) / 3600, 2)) for s in specialists],
            "rooms": [Load(r.id, r.name, available(opening), round(by_room.get(r.id, 0.0) / 3600, 2))
                      for r in rooms]}
    return result


def _instants(span) -> tuple[datetime, datetime]:
    first, last = span
    return (datetime.combine(first, time(0), tzinfo=ALMATY),
            datetime.combine(last + timedelta(days=1), time(0), tzinfo=ALMATY))


def _booked(center_id: int, spans: dict) -> dict[str, tuple[dict, dict]]:
    """Booked seconds per specialist (busy time) and per room (the session) in each span, in one grouped query:
    {span name: ({specialist id: s}, {room id: s})}."""
    bounds = {name: _instants(span) for name, span in spans.items()}
    start, end = min(s for s, _e in bounds.values()), max(e for _s, e in bounds.values())
    busy = seconds_between(TherapySession.busy_from, TherapySession.busy_until)
    held = seconds_between(TherapySession.starts_at, TherapySession.ends_at)
    columns = []
    for span_start, span_end in bounds.values():
        inside = (TherapySession.starts_at >= span_start) & (TherapySession.starts_at < span_end)
        columns += [func.sum(case((inside, busy), else_=0.0)), func.sum(case((inside, held), else_=0.0))]
    rows = db.session.execute(select(TherapySession.specialist_id, TherapySession.room_id, *columns)
                              .where(TherapySession.center_id == center_id, TherapySession.is_active.is_(True),
                                     TherapySession.starts_at >= start, TherapySession.starts_at < end)
                              .group_by(TherapySession.specialist_id, TherapySession.room_id)).all()
    result = {name: ({}, {}) for name in spans}
    for specialist_id, room_id, *sums in rows:
        for i, name in enumerate(spans):
            by_specialist, by_room = result[name]
            by_specialist[specialist_id] = by_specialist.get(specialist_id, 0.0) + float(sums[2 * i] or 0)
            if room_id is not None:
                by_room[room_id] = by_room.get(room_id, 0.0) + float(sums[2 * i + 1] or 0)
    return result
