"""When a center is open and a specialist works: opening hours, closures, working hours, absences."""
from datetime import date, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from eic.centers.permissions import can_coordinate_center
from eic.core.errors import ValidationFailed
from eic.extensions import db

from ..models import ABSENCE_KINDS, Absence, Closure, OpeningHours, WorkingHours
from ..permissions import require


def _check_hours(hours: dict, errors: dict):
    for weekday, span in hours.items():
        if span is None:
            continue
        start, end = span
        if not isinstance(start, time) or not isinstance(end, time) or start >= end:
            errors[f"day_{weekday}"] = [_l("The start must be before the end.")]


def _replace_hours(hours: dict, delete_stmt, make_row) -> None:
    errors = {}
    _check_hours(hours, errors)
    if errors:
        raise ValidationFailed(fields=errors)
    db.session.execute(delete_stmt)
    db.session.add_all(make_row(day, span) for day, span in sorted(hours.items()) if span is not None)
    db.session.flush()


def set_opening_hours(center, *, hours: dict, actor) -> None:
    """Replace a center's weekly opening hours: ``{weekday: (opens, closes) or None}`` (None = closed)."""
    require(can_coordinate_center(actor, center.id))
    _replace_hours(hours, delete(OpeningHours).where(OpeningHours.center_id == center.id),
                   lambda day, span: OpeningHours(center_id=center.id, weekday=day, opens=span[0], closes=span[1]))


def set_working_hours(specialist, *, hours: dict, actor) -> None:
    """Replace a specialist's weekly working hours (same shape as opening hours)."""
    require(can_coordinate_center(actor, specialist.center_id))
    _replace_hours(hours, delete(WorkingHours).where(WorkingHours.user_id == specialist.id),
                   lambda day, span: WorkingHours(user_id=specialist.id, weekday=day, starts=span[0], ends=span[1]))


def add_closure(center, *, on: date, reason: str, actor) -> Closure:
    """Close the center on a day (the center's coordinator). Raises ValidationFailed without a date or reason."""
    require(can_coordinate_center(actor, center.id))
    if on is None:
        raise ValidationFailed(fields={"on": [_l("Enter a date as YYYY-MM-DD.")]})
    if not (reason or "").strip():
        raise ValidationFailed(fields={"reason": [_l("Give a reason.")]})
    row = Closure(center_id=center.id, on=on, reason=reason.strip()[:200])
    db.session.add(row)
    db.session.flush()
    return row


def add_absence(specialist, *, starts_on: date, ends_on: date, kind: str, actor) -> Absence:
    """Record a specialist's absence (their center's coordinator). Raises ValidationFailed for an end before
    the start or an unknown kind."""
    require(can_coordinate_center(actor, specialist.center_id))
    errors = {}
    if starts_on is None or ends_on is None or ends_on < starts_on:
        errors["ends_on"] = [_l("The end date is before the start date.")]
    if kind not in ABSENCE_KINDS:
        errors["kind"] = [_l("Choose the kind of absence.")]
    if errors:
        raise ValidationFailed(fields=errors)
    row = Absence(user_id=specialist.id, starts_on=starts_on, ends_on=ends_on, kind=kind)
    db.session.add(row)
    db.session.flush()
    return row


def hours_of(model, owner_column, owner_id) -> dict:
    """The weekly hours of one center (OpeningHours) or one specialist (WorkingHours): weekday to (start, end)."""
    start, end = ("opens", "closes") if model is OpeningHours else ("starts", "ends")
    return {r.weekday: (getattr(r, start), getattr(r, end))
            for r in db.session.scalars(select(model).where(owner_column == owner_id))}
