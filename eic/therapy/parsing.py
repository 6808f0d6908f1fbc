"""Turning API and form input into the booking services' arguments, with field messages."""
from datetime import time

from flask_babel import lazy_gettext as _l

from eic.core.errors import ValidationFailed
from eic.core.validation import parse_date, parse_int


def parse_time(value) -> time | None:
    try:
        hours, minutes = str(value).strip().split(":")
        return time(int(hours), int(minutes))
    except (TypeError, ValueError):
        return None


def booking_arguments(data: dict) -> dict:
    """Check the types of a booking request; raises ValidationFailed naming every bad field."""
    errors, out = {}, {}
    for name, parser, required, message in (
        ("specialist_id", parse_int, True, _l("Choose a specialist of this center.")),
        ("referral_id", parse_int, True, _l("Choose the child.")),
        ("room_id", parse_int, False, _l("Choose a room of this center.")),
        ("start_on", parse_date, True, _l("Enter a date as YYYY-MM-DD.")),
        ("until_on", parse_date, False, _l("Enter a date as YYYY-MM-DD.")),
        ("at", parse_time, True, _l("Enter a time as HH:MM.")),
        ("minutes", parse_int, True, _l("A session lasts from 10 to 240 minutes.")),
        ("count", parse_int, False, _l("Give a whole number.")),
        ("travel_minutes", parse_int, False, _l("Give a whole number.")),
    ):
        raw = data.get(name)
        if raw in (None, ""):
            if required:
                errors[name] = [_l("This field is required.")]
            out[name] = None
            continue
        value = parser(raw)
        if value is None:
            errors[name] = [message]
        out[name] = value
    weekdays = data.get("weekdays")
    if weekdays is not None:
        parsed = [parse_int(d) for d in weekdays] if isinstance(weekdays, list) else [None]
        if any(d is None for d in parsed):
            errors["weekdays"] = [_l("Choose the days of the week.")]
        weekdays = parsed
    skip = [parse_date(d) for d in data.get("skip_dates") or []]
    if any(d is None for d in skip):
        errors["skip_dates"] = [_l("Enter a date as YYYY-MM-DD.")]
    if errors:
        raise ValidationFailed(fields=errors)
    out["weekdays"] = weekdays
    out["skip_dates"] = skip
    out["setting"] = str(data.get("setting") or "center")
    if out["count"] is None and out["until_on"] is None and weekdays is None:
        out["count"] = 1
    return out
