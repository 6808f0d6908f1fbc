"""Form helpers shared by the domains."""
import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _find_field(form, name: str):
    """A top-level field, or a field inside a FieldList of FormFields named ``<list>-<index>-<field>``."""
    if name in form:
        return form[name]
    match = re.fullmatch(r"(\w+?)-(\d+)-(\w+)", name)
    if match and match.group(1) in form:
        entries = form[match.group(1)].entries
        index = int(match.group(2))
        if index < len(entries) and hasattr(entries[index], "form") and match.group(3) in entries[index].form:
            return entries[index].form[match.group(3)]
    return None


def apply_errors(form, fields: dict, field_map: dict | None = None) -> list[str]:
    """Put a service's field messages on the form's fields; returns messages no field took (a hidden field shows
    no message, so its messages are returned too)."""
    field_map = field_map or {}
    leftovers = []
    for name, messages in fields.items():
        target = _find_field(form, field_map.get(name, name.replace(".", "_")))
        if target is not None and target.type not in ("HiddenField", "CSRFTokenField"):
            target.errors = list(target.errors or []) + [str(m) for m in messages]
        else:
            leftovers.extend(str(m) for m in messages)
    return leftovers


def run_and_commit(action, success_message, *, form=None, field_map=None, reraise=()) -> bool:
    """Run a service call for a page: commit and flash success, or roll back and report every message of the
    DomainError it raised; with a ``form``, field messages go on its fields and only the rest is flashed.
    Returns whether it succeeded. Exceptions of the ``reraise`` classes are rolled back and raised again, for a
    page that answers them with a page of its own (a duplicate referral, a booking clash, rejected rows).
    Every write a page makes goes through here, so no page commits half of a change."""
    from flask import flash

    from eic.core.errors import DomainError, ValidationFailed
    from eic.extensions import db

    try:
        action()
    except reraise:
        db.session.rollback()
        raise
    except ValidationFailed as exc:
        db.session.rollback()
        if form is None:
            flash(" ".join([str(exc.message)] + [str(m) for v in exc.fields.values() for m in v]), "error")
        elif leftovers := apply_errors(form, exc.fields, field_map):
            flash(" ".join(leftovers), "error")
        return False
    except DomainError as exc:
        db.session.rollback()
        flash(" ".join([str(exc.message)] + [str(m) for v in exc.fields.values() for m in v]), "error")
        return False
    db.session.commit()
    if success_message:
        flash(success_message, "success")
    return True


def hidden_fields(form):
    """The form's hidden fields (its CSRF token first) without ids: a page with several forms would otherwise
    repeat the id ``csrf_token``. Use ``{{ hidden(form) }}`` instead of ``form.hidden_tag()``."""
    from markupsafe import Markup

    return Markup("".join(str(f(id=False)) for f in form if f.type in ("HiddenField", "CSRFTokenField")))


def confirm_field():
    """A box to tick before something that cannot be undone (a withdrawal, a discharge, cancelling a series,
    closing an account): the page refuses the post without it and changes nothing."""
    from wtforms import BooleanField
    from wtforms.validators import DataRequired

    return BooleanField(_l("I understand that this cannot be undone."),
                        validators=[DataRequired(_l("Tick the box to confirm."))])


class SpreadsheetForm(FlaskForm):
    """An .xlsx upload; the file itself is checked by ``eic.core.xlsx_import`` before it is parsed."""

    file = FileField(_l("Spreadsheet (.xlsx)"), validators=[FileRequired(_l("Choose a file to upload."))])


class PlainForm(FlaskForm):
    """A form with only its CSRF token, for buttons that post one choice."""
