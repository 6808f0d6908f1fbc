"""Importing the equipment allocation and the training roster from .xlsx, through the same services as the forms.

Each row runs inside a savepoint; a row that fails is rolled back and its messages are kept, named by row and
column, and the next row is tried, so that one upload reports every problem. If any row failed, ``RowsInvalid`` is
raised and the caller rolls the whole file back: a file with any error imports nothing.
"""
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from eic.centers.models import Center, Discipline
from eic.centers.services import _whole_number
from eic.core.errors import DomainError, ValidationFailed
from eic.core.xlsx_import import RowError, RowsInvalid
from eic.extensions import db

from . import services
from .labels import SOURCE_LABELS
from .models import Cohort, Course, EquipmentItem


@dataclass(frozen=True)
class Column:
    """One column of an import template: its letter, the field it fills, its heading and an example."""
    letter: str
    field: str
    label: object
    example: object


EQUIPMENT = (
    Column("A", "center", _l("Center code"), "aktobe"),
    Column("B", "item", _l("Item code"), "REH-001"),
    Column("C", "programme_year", _l("Programme year"), 2022),
    Column("D", "quantity", _l("Quantity"), 2),
    Column("E", "source", _l("Funding source"), "samruk_kazyna"),
    Column("F", "expected_delivery_on", _l("Expected delivery"), date(2022, 9, 1)),
    Column("G", "notes", _l("Notes"), ""),
)
ROSTER = (
    Column("A", "center", _l("Center code"), "aktobe"),
    Column("B", "full_name", _l("Full name"), "Аманова Айгерім"),
    Column("C", "discipline", _l("Discipline code"), "speech_therapist"),
    Column("D", "email", _l("E-mail"), ""),
    Column("E", "course", _l("Course code"), "EI-CORE"),
    Column("F", "cohort", _l("Cohort"), "2022-04 Astana"),
    Column("G", "completed_on", _l("Completed on"), None),
    Column("H", "certificate_number", _l("Certificate number"), ""),
)
KINDS = {"equipment": EQUIPMENT, "roster": ROSTER}


def _date(value):
    """A date from a cell: an Excel date, or text as YYYY-MM-DD or DD.MM.YYYY; None if empty; False if unreadable."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(str(value).strip(), fmt).date()
        except ValueError:
            continue
    return False


def _plain(text) -> str:
    """Case, quotes and punctuation dropped: «Қамқорлық» қоры == Қамқорлық қоры."""
    return " ".join("".join(ch if ch.isalnum() else " " for ch in str(text).casefold()).split())


def _source(value) -> str | None:
    """A funding source by its code or its name in any of the three languages."""
    text = str(value or "").strip()
    if text in SOURCE_LABELS:
        return text
    wanted = _plain(text)
    for code, label in SOURCE_LABELS.items():
        for locale in ("kk", "ru", "en"):
            with force_locale(locale):
                if _plain(label) == wanted:
                    return code
    return None


def _run(rows, columns, handle):
    letters = {c.field: c.letter for c in columns}
    errors = []
    for number, values in rows:
        cells = dict(zip((c.field for c in columns), values))
        savepoint = db.session.begin_nested()
        try:
            handle(cells)
        except ValidationFailed as exc:
            savepoint.rollback()
            for name, messages in exc.fields.items():
                for message in messages:
                    errors.append(RowError(number, letters.get(name, columns[0].letter), message))
        except DomainError as exc:
            savepoint.rollback()
            errors.append(RowError(number, columns[0].letter, exc.message))
        else:
            savepoint.commit()
    if errors:
        raise RowsInvalid(errors)
    return len(rows)


def import_equipment(rows, *, actor) -> int:
    """Import allocation lines from a spreadsheet's rows (foundation only). Raises RowsInvalid with every
    error by row and column, and then imports nothing; returns the number of lines stored."""
    services.require_foundation(actor)
    centers = {c.code: c for c in db.session.scalars(select(Center))}
    items = {i.code: i for i in db.session.scalars(select(EquipmentItem))}

    def handle(cells):
        errors = {}
        center = centers.get(str(cells["center"] or "").strip().lower())
        item = items.get(str(cells["item"] or "").strip())
        expected = _date(cells["expected_delivery_on"])
        source = _source(cells["source"])
        if center is None:
            errors["center"] = [_l("Unknown center code.")]
        if item is None:
            errors["item"] = [_l("Unknown item code: add the item to the catalogue first.")]
        if expected is False:
            errors["expected_delivery_on"] = [_l("Enter a date as YYYY-MM-DD.")]
        if source is None:
            errors["source"] = [_l("Choose a funding source.")]
        try:
            services.plan_line(center=center, item=item, programme_year=_whole_number(cells["programme_year"]),
                               quantity=_whole_number(cells["quantity"]), source=source or "",
                               expected_delivery_on=expected or None, notes=str(cells["notes"] or ""), actor=actor)
        except ValidationFailed as exc:
            for name, messages in exc.fields.items():
                errors.setdefault(name, list(messages))  # the more precise message above wins
        if errors:
            raise ValidationFailed(fields=errors)

    return _run(rows, EQUIPMENT, handle)


# Past flake8's complexity limit on purpose: a flat list of per-cell checks.
def import_roster(rows, *, actor) -> int:  # noqa: C901
    """Import a training roster (trainees and their enrolments) from a spreadsheet's rows (foundation only).
    Raises RowsInvalid with every error by row and column, and then imports nothing; returns the rows stored."""
    services.require_foundation(actor)
    centers = {c.code: c for c in db.session.scalars(select(Center))}
    disciplines = {d.code: d for d in db.session.scalars(select(Discipline))}
    courses = {c.code: c for c in db.session.scalars(select(Course))}

    def handle(cells):
        errors = {}
        center = centers.get(str(cells["center"] or "").strip().lower())
        discipline = disciplines.get(str(cells["discipline"] or "").strip())
        course = courses.get(str(cells["course"] or "").strip())
        cohort = None
        if center is None:
            errors["center"] = [_l("Unknown center code.")]
        if discipline is None:
            errors["discipline"] = [_l("Unknown discipline code.")]
        if course is None:
            errors["course"] = [_l("Unknown course code.")]
        else:
            cohort = db.session.scalar(select(Cohort).where(Cohort.course_id == course.id,
                                                            Cohort.name == str(cells["cohort"] or "").strip()))
            if cohort is None:
                errors["cohort"] = [_l("This course has no cohort of that name.")]
        completed_on = _date(cells["completed_on"])
        if completed_on is False:
            errors["completed_on"] = [_l("Enter a date as YYYY-MM-DD.")]
        certificate = str(cells["certificate_number"] or "").strip()
        if certificate and completed_on is None:
            errors["completed_on"] = [_l("A certificate needs the completion date.")]
        person = {"center": center, "full_name": str(cells["full_name"] or ""), "discipline": discipline,
                  "email": str(cells["email"] or ""), "actor": actor}
        try:
            if errors:  # the staff member's own checks too, so that all of the row's messages come at once
                services.find_or_add_trainee(**person)
            else:
                enrolment = services.enrol_staff_member(cohort=cohort, **person)
        except ValidationFailed as exc:
            for name, messages in exc.fields.items():
                errors.setdefault(name, messages)
        if errors:
            raise ValidationFailed(fields=errors)
        if completed_on:
            services.complete(enrolment, completed_on=completed_on, certificate_number=certificate, actor=actor)

    return _run(rows, ROSTER, handle)
