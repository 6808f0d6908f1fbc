from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, FieldList, Form, FormField, IntegerField, SelectField, StringField,
                     TextAreaField)
from wtforms.validators import InputRequired, Optional

from eic.core.forms import MultiCheckboxField
from eic.core.i18n import localized
from eic.core.validation import REQUIRED

from .labels import (BUDGET_SOURCE_LABELS, CATEGORY_LABELS, CHECKLIST_LABELS, ISSUE_LABELS, MODE_LABELS, SOURCE_LABELS,
                     VISIT_LABELS)
from .models import CHECKLIST


def center_choices():
    from eic.centers.queries import centers

    return [(c.id, localized(c, "city")) for c in centers()]


class ItemForm(FlaskForm):
    code = StringField(_l("Code"), validators=[InputRequired(REQUIRED)])
    name_kk = StringField(_l("Name in Kazakh"), validators=[InputRequired(REQUIRED)])
    name_ru = StringField(_l("Name in Russian"), validators=[InputRequired(REQUIRED)])
    name_en = StringField(_l("Name in English"), validators=[InputRequired(REQUIRED)])
    category = SelectField(_l("Category"), choices=list(CATEGORY_LABELS.items()))
    manufacturer = StringField(_l("Manufacturer"))
    model = StringField(_l("Model"))
    unit_price = IntegerField(_l("Unit price, tenge"), validators=[InputRequired(REQUIRED)])


class LineForm(FlaskForm):
    center = SelectField(_l("Center"), coerce=int, validate_choice=False)
    item = SelectField(_l("Item"), coerce=int, validate_choice=False)
    programme_year = IntegerField(_l("Programme year"), validators=[InputRequired(REQUIRED)])
    quantity = IntegerField(_l("Quantity"), validators=[InputRequired(REQUIRED)])
    # Choices are checked by the service, with every other rule, so that all messages come at once.
    source = SelectField(_l("Funding source"), choices=list(SOURCE_LABELS.items()), validate_choice=False)
    expected_delivery_on = DateField(_l("Expected delivery"), validators=[Optional()])
    notes = TextAreaField(_l("Notes"))

    def fill_choices(self):
        from sqlalchemy import select

        from eic.extensions import db

        from .models import EquipmentItem

        self.center.choices = center_choices()
        self.item.choices = [(i.id, f"{i.code} · {localized(i, 'name')}")
                             for i in db.session.scalars(select(EquipmentItem).order_by(EquipmentItem.code))]


class AdvanceForm(FlaskForm):
    on = DateField(_l("Date"), validators=[InputRequired(REQUIRED)])
    document = StringField(_l("Document (contract, delivery note, act)"))
    expected_delivery_on = DateField(_l("Expected delivery"), validators=[Optional()])


class IssueForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=list(ISSUE_LABELS.items()))
    reported_on = DateField(_l("Reported on"), validators=[InputRequired(REQUIRED)])
    description = TextAreaField(_l("Description"), validators=[InputRequired(REQUIRED)])


class DateOnlyForm(FlaskForm):
    on = DateField(_l("Date"), validators=[InputRequired(REQUIRED)])


class BudgetForm(FlaskForm):
    year = IntegerField(_l("Year"), validators=[InputRequired(REQUIRED)])
    source = SelectField(_l("Funding source"), choices=list(BUDGET_SOURCE_LABELS.items()))
    amount = IntegerField(_l("Programme budget, tenge"), validators=[InputRequired(REQUIRED)])


class CourseForm(FlaskForm):
    code = StringField(_l("Code"), validators=[InputRequired(REQUIRED)])
    title = StringField(_l("Title"), validators=[InputRequired(REQUIRED)])
    provider = StringField(_l("Provider"))
    hours = IntegerField(_l("Hours"), validators=[InputRequired(REQUIRED)])
    mode = SelectField(_l("Mode"), choices=list(MODE_LABELS.items()))
    counts_toward_target = BooleanField(_l("Counts toward the programme's target"), default=True)
    refresher_months = IntegerField(_l("Refresher due after months (empty: never)"), validators=[Optional()])
    required_for = MultiCheckboxField(_l("Required for disciplines (none chosen: all)"), validate_choice=False)


class CohortForm(FlaskForm):
    course = SelectField(_l("Course"), coerce=int, validate_choice=False)
    name = StringField(_l("Name"), validators=[InputRequired(REQUIRED)])
    starts_on = DateField(_l("From"), validators=[InputRequired(REQUIRED)])
    ends_on = DateField(_l("Until"), validators=[InputRequired(REQUIRED)])
    location = StringField(_l("Location"))


class EnrolForm(FlaskForm):
    center = SelectField(_l("Center"), coerce=int, validate_choice=False)
    full_name = StringField(_l("Full name"), validators=[InputRequired(REQUIRED)])
    discipline = SelectField(_l("Discipline"), coerce=int, validate_choice=False)
    email = StringField(_l("E-mail"))


class DayForm(FlaskForm):
    on = DateField(_l("Day"), validators=[InputRequired(REQUIRED)])
    present = BooleanField(_l("Present"), default=True)


class CompleteForm(FlaskForm):
    completed_on = DateField(_l("Completed on"), validators=[InputRequired(REQUIRED)])
    certificate_number = StringField(_l("Certificate number"), validators=[InputRequired(REQUIRED)])


class ActionForm(Form):
    description = StringField(_l("Agreed action"))
    owner = StringField(_l("Owner"))
    due_on = DateField(_l("Due"), validators=[Optional()])


SCORE_CHOICES = [("", "—"), ("0", "0"), ("1", "1"), ("2", "2"), ("3", "3")]


class VisitForm(FlaskForm):
    center = SelectField(_l("Center"), coerce=int, validate_choice=False)
    kind = SelectField(_l("Kind"), choices=list(VISIT_LABELS.items()))
    visited_on = DateField(_l("Date of the visit"), validators=[InputRequired(REQUIRED)])
    mentor = StringField(_l("Mentor"), validators=[InputRequired(REQUIRED)])
    findings = TextAreaField(_l("Findings"))
    actions = FieldList(FormField(ActionForm), min_entries=3)

    def scores(self) -> dict:
        from flask import request

        result = {}
        for code in CHECKLIST:
            raw = request.form.get(f"score_{code}", "")
            result[code] = int(raw) if raw.isdigit() else None
        return result

    def filled_actions(self) -> list[dict]:
        rows = [a.form for a in self.actions]  # a FormField's own "description" hides the sub-field's
        return [{"description": f.description.data, "owner": f.owner.data, "due_on": f.due_on.data, "index": n}
                for n, f in enumerate(rows) if (f.description.data or f.owner.data or f.due_on.data)]


CHECKLIST_ITEMS = [(code, CHECKLIST_LABELS[code]) for code in CHECKLIST]
