"""Time in one place: stored in UTC, shown and reasoned about in Asia/Almaty; Kazakhstan's public holidays and
working days."""
import re
from datetime import date, datetime, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
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


# The holidays package names Kazakhstan's holidays in Kazakh and English but not in Russian: the product names
# them in Russian itself, from the English names (the official Russian names of the Labour Code).
HOLIDAY_LANGUAGES = {"kk": "kk"}
RUSSIAN_HOLIDAYS = {
    "New Year's Day": "Новый год",
    "Orthodox Christmas": "Православное Рождество",
    "International Women's Day": "Международный женский день",
    "Nowruz Holiday": "Наурыз мейрамы",
    "Kazakhstan's People Solidarity Holiday": "Праздник единства народа Казахстана",
    "Defender of the Fatherland Day": "День защитника Отечества",
    "Victory Day": "День Победы",
    "Capital Day": "День Столицы",
    "Eid al-Adha": "Курбан айт",
    "Constitution Day": "День Конституции",
    "Republic Day": "День Республики",
    "Independence Day": "День Независимости",
    "First President Day": "День Первого Президента",
}
SUBSTITUTED = re.compile(r"^Day off \(substituted from (\d{2})/(\d{2})/(\d{4})\)$")


def _russian_holiday(english: str) -> str:
    """One English holiday name in Russian; the package's suffixes and moved days off included."""
    if match := SUBSTITUTED.match(english):
        month, day, year = match.groups()
        return f"Выходной день (перенесён с {day}.{month}.{year})"
    for suffix, russian in ((" (observed)", " (перенесённый выходной)"), (" (estimated)", " (ожидаемая дата)")):
        if english.endswith(suffix):
            return _russian_holiday(english[:-len(suffix)]) + russian
    return RUSSIAN_HOLIDAYS.get(english, english)


@lru_cache(maxsize=8)
def kz_holidays(language: str = "en_US") -> holidays.HolidayBase:
    """Kazakhstan's public holidays, including the days off moved by government decree and the weekend days
    worked in exchange (``weekend_workdays``). The calendar fills in each year on first use."""
    return holidays.country_holidays("KZ", language=language)


def holiday_name(day: date, locale: str | None = None) -> str | None:
    """The public holiday on ``day`` in Kazakhstan, named in Kazakh, Russian or English (``locale``); or None."""
    name = kz_holidays(HOLIDAY_LANGUAGES.get(locale or "", "en_US")).get(day)
    if name is not None and locale == "ru":
        return "; ".join(_russian_holiday(part) for part in name.split("; "))
    return name


def is_working_day(day: date) -> bool:
    """A weekday that is not a holiday, or a weekend day worked by decree (Sunday 5 January 2025)."""
    return kz_holidays().is_working_day(day)


def add_working_days(day: date, days: int) -> date:
    """The date ``days`` working days after ``day`` (``day`` itself is not counted)."""
    return kz_holidays().get_nth_working_day(day, days) if days > 0 else day


class UTCDateTime(TypeDecorator):
    """Aware datetimes stored as UTC on every backend (SQLite drops offsets: docs/PITFALLS.md #16)."""

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
        if value is None or value.tzinfo is timezone.utc:
            return value
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)
