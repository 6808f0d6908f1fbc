"""Families served: the one definition, and the one way to read it.

A center served a family in a period when the child was enrolled at the center during the period, or attended
at least one session at the center during it, individually or on a group's roster; a child counts once however
many of these happened. ``DEFINITION`` is the sentence every page, workbook and API answer shows.

``served_rows`` reads the monthly summary (``ServedMonth``, filled by ``snapshots.py``) for months that are over
and current in it, and the live tables for the rest, so a figure is never wrong, only sometimes slower.
"""
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, literal, select, union

from eic.core.timeutil import almaty_today
from eic.extensions import db
from eic.referrals.models import Referral
from eic.therapy.models import RosterEntry, TherapySession
from eic.therapy.queries import day_bounds

from .models import ServedMonth, SnapshotMonth

DEFINITION = _l("Families served: distinct children enrolled at the center during the year, or with at least one "
                "attended session at the center during the year.")


def month_start(day: date) -> date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def month_end(first: date) -> date:
    """The last day of the month that starts on ``first``."""
    return date(first.year + (first.month == 12), first.month % 12 + 1, 1) - timedelta(days=1)


def closed_months(first: date, last: date, today: date | None = None) -> list[date]:
    """The first days of the months between two dates that are over (before the current Almaty month)."""
    current = month_start(today or almaty_today())
    result, day = [], month_start(first)
    while day <= last and day < current:
        result.append(day)
        day = month_end(day) + timedelta(days=1)
    return result


def month_spans(first: date, last: date) -> list[tuple[int, date, date]]:
    """The months that ``first``..``last`` touches: (key, first day in range, last day in range); the key is
    year x 100 + month (202503)."""
    spans, day = [], first
    while day <= last:
        end = min(month_end(month_start(day)), last)
        spans.append((day.year * 100 + day.month, day, end))
        day = end + timedelta(days=1)
    return spans


def month_key(column, first: date, last: date, *, instants: bool = False):
    """A SQL expression giving the month key (``month_spans``) of a date column, or of a timestamp column read
    on Almaty days (``instants``), for rows already limited to ``first``..``last``. Built from the months'
    bounds, so that both databases agree to the second, whatever their date functions."""
    spans = month_spans(first, last)
    if len(spans) == 1:
        return literal(spans[0][0])
    whens = []
    for key, _start, end in spans[:-1]:
        bound = day_bounds(end, end)[1] if instants else end + timedelta(days=1)
        whens.append((column < bound, key))
    return case(*whens, else_=spans[-1][0])


def live_served_rows(first: date, last: date, center_id: int | None = None):
    """The definition, on the live tables: distinct (center_id, child_id) enrolled between two dates (inclusive),
    or who attended a session in them, individually or on a group's roster."""
    return union(*live_served_parts(first, last, center_id))


def live_served_parts(first: date, last: date, center_id: int | None = None, *, by_month: bool = False) -> list:
    """The SELECTs whose UNION is ``live_served_rows`` (SQLite cannot nest a UNION inside a UNION); with
    ``by_month``, each row also carries its month key (first column)."""
    start, end = day_bounds(first, last)

    def month(column, **kw):
        return (month_key(column, first, last, **kw).label("month"),) if by_month else ()

    enrolled = select(*month(Referral.enrolled_on), Referral.center_id, Referral.child_id).where(
        Referral.enrolled_on >= first, Referral.enrolled_on <= last)
    in_period = (TherapySession.starts_at >= start, TherapySession.starts_at < end)
    session_month = month(TherapySession.starts_at, instants=True)
    attended = select(*session_month, TherapySession.center_id, TherapySession.child_id).where(
        *in_period, TherapySession.attendance == "attended", TherapySession.child_id.is_not(None))
    grouped = select(*session_month, TherapySession.center_id, Referral.child_id).select_from(RosterEntry).join(
        TherapySession, TherapySession.id == RosterEntry.session_id).join(
        Referral, Referral.id == RosterEntry.referral_id).where(*in_period, RosterEntry.attendance == "attended")
    if center_id is not None:
        enrolled = enrolled.where(Referral.center_id == center_id)
        attended = attended.where(TherapySession.center_id == center_id)
        grouped = grouped.where(TherapySession.center_id == center_id)
    return [enrolled, attended, grouped]


def served_children(center_id: int, first: date, last: date):
    """A SELECT of the distinct child ids served at a center between two dates (inclusive)."""
    rows = served_rows(first, last, center_id).subquery()
    return select(rows.c.child_id)


def families_served(center_id: int, first: date, last: date) -> int:
    """The number of families center ``center_id`` served between ``first`` and ``last`` (DEFINITION)."""
    return db.session.scalar(select(func.count()).select_from(served_rows(first, last, center_id).subquery()))


def served_by_center(first: date, last: date) -> dict[int, int]:
    """Families served per center in one query."""
    rows = served_rows(first, last).subquery()
    return dict(db.session.execute(select(rows.c.center_id, func.count()).group_by(rows.c.center_id)).all())


def served_by_center_month(first: date, last: date) -> dict[tuple[int, int], int]:
    """Families served per (month key, center id) for every month of ``first``..``last``, in one query: each
    month counts a family once, as ``served_by_center`` of that month would."""
    rows = served_rows(first, last, by_month=True).subquery()
    return {(month, center_id): n for month, center_id, n in db.session.execute(
        select(rows.c.month, rows.c.center_id, func.count()).group_by(rows.c.month, rows.c.center_id)).all()}


def served_rows(first: date, last: date, center_id: int | None = None, *, by_month: bool = False):
    """A SELECT of distinct (center_id, child_id) served between two dates: current summary months from
    ``served_months``, everything else live. With ``by_month``, distinct (month key, center_id, child_id)."""
    stored = [m for m in closed_months(first, last)
              if m >= first and month_end(m) <= last]
    if stored:
        stored = list(db.session.scalars(select(SnapshotMonth.month).where(SnapshotMonth.month.in_(stored))))
    if not stored:
        return union(*live_served_parts(first, last, center_id, by_month=by_month))
    month = (month_key(ServedMonth.month, first, last).label("month"),) if by_month else ()
    parts = [select(*month, ServedMonth.center_id, ServedMonth.child_id).where(ServedMonth.month.in_(stored))
             .distinct()]
    if center_id is not None:
        parts[0] = parts[0].where(ServedMonth.center_id == center_id)
    # The days of the range outside the stored months, as contiguous spans, live.
    stored_set, span_start, day = set(stored), None, first
    while day <= last:
        month = month_start(day)
        covered = month in stored_set
        if not covered and span_start is None:
            span_start = day
        if covered and span_start is not None:
            parts += live_served_parts(span_start, day - timedelta(days=1), center_id, by_month=by_month)
            span_start = None
        day = month_end(month) + timedelta(days=1) if covered else min(month_end(month), last) + timedelta(days=1)
    if span_start is not None:
        parts += live_served_parts(span_start, last, center_id, by_month=by_month)
    return union(*parts) if len(parts) > 1 else parts[0]
