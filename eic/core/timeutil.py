"""Time in one place: stored in UTC, shown and reasoned about in Asia/Almaty."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy.types import DateTime, TypeDecorator

ALMATY = ZoneInfo("Asia/Almaty")


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def almaty_today() -> date:
    """Today's date in Kazakhstan (UTC+5 since 1 March 2024, from tz data, never a fixed offset)."""
    return utc_now().astimezone(ALMATY).date()


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later; 29 February becomes 1 March in a common year.

    A child born on 29 February completes a year only when 28 February has passed.
    """
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end``."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return months


class UTCDateTime(TypeDecorator):
    """Aware datetimes stored as UTC on every backend (SQLite drops offsets: PITFALLS 16)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: use an aware datetime")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)
