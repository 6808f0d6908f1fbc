"""Domain-free checks shared by forms, the API, imports and services: lenient parsing of numbers and dates from
query strings, JSON and spreadsheets, and a collector of field messages under dotted names."""
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l

from eic.core.text import clean

REQUIRED = _l("This field is required.")


# The largest id or count the database holds (INTEGER on PostgreSQL): a bigger number is no record of ours, and
# passing it on would make PostgreSQL fail with "integer out of range" instead of answering "not found".
MAX_INT = 2 ** 31 - 1
# Dates a person may mean: the day after 9999-12-31 does not exist, and nothing here happened before 1900.
FIRST_YEAR, LAST_YEAR = 1900, 2100


def parse_date(value) -> date | None:
    """An ISO date (``2027-03-10``) or a ``date`` between FIRST_YEAR and LAST_YEAR; None for anything else, never an
    exception."""
    if isinstance(value, date):
        return value if FIRST_YEAR <= value.year <= LAST_YEAR else None
    try:
        parsed = date.fromisoformat(str(value).strip())
    except (TypeError, ValueError):
        return None
    return parsed if FIRST_YEAR <= parsed.year <= LAST_YEAR else None


def parse_int(value) -> int | None:
    """A whole number written with ASCII digits, or an ``int``; None otherwise.

    ``bool`` is refused although it is an ``int`` (JSON ``true`` is not 1), and so are digits of other scripts
    that ``str.isdigit`` accepts ("٣")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if -MAX_INT <= value <= MAX_INT else None
    text = str(value).strip()
    if text.lstrip("-").isdigit() and text.isascii() and len(text) <= 11:
        return parse_int(int(text))
    return None


@dataclass
class Errors:
    """Collects field messages under dotted names (``child.iin``); false while empty."""

    fields: dict = field(default_factory=dict)

    def add(self, name, message):
        self.fields.setdefault(name, []).append(message)

    def __bool__(self):
        return bool(self.fields)


def text_field(data: dict, key: str, errors: Errors, prefix: str = "", *, required=True, max_len=200) -> str:
    """``data[key]`` trimmed; adds a message under ``prefix + key`` when it is missing or too long."""
    value = clean(data.get(key))
    if required and not value:
        errors.add(prefix + key, REQUIRED)
    elif len(value) > max_len:
        errors.add(prefix + key, _l("At most %(n)s characters.", n=max_len))
    return value
