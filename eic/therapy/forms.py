from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import InputRequired, NumberRange, Optional

from eic.core.forms import MultiCheckboxField

from .models import ABSENCE_REASONS

REQUIRED = _l("This field is required.")
SETTING_LABELS = {"center": _l("At the center"), "day_stay": _l("Day stay"), "inpatient": _l("Inpatient"),
                  "home": _l("Home visit"), "remote": _l("Remote")}
WEEKDAY_LABELS = [(0, _l("Mon")), (1, _l("Tue")), (2, _l("Wed")), (3, _l("Thu")), (4, _l("Fri")), (5, _l("Sat")),
                  (6, _l("Sun"))]
ABSENCE_LABELS = {"child_ill": _l("Child ill"), "family_cancelled_notice": _l("Family cancelled with notice"),
                  "family_cancelled_no_notice": _l("Family cancelled without notice"),
                  "specialist_absent": _l("Specialist absent"), "center_closed": _l("Center closed"),
                  "other": _l("Other")}
assert set(ABSENCE_LABELS) == set(ABSENCE_REASONS)


class BookingForm(FlaskForm):
    specialist = SelectField(_l("Specialist"), coerce=int)
    setting = SelectField(_l("Setting"), choices=list(SETTING_LABELS.items()))
    room = SelectField(_l("Room"), coerce=int)
    start_on = DateField(_l("From"), validators=[InputRequired(REQUIRED)])
    at = TimeField(_l("Time"), validators=[InputRequired(REQUIRED)])
    minutes = IntegerField(_l("Minutes"), default=45, validators=[InputRequired(REQUIRED), NumberRange(10, 240)])
    weekdays = MultiCheckboxField(_l("Weekdays"), coerce=int, choices=WEEKDAY_LABELS)
    until_on = DateField(_l("Until"), validators=[Optional()])
    count = IntegerField(_l("Number of sessions"), validators=[Optional(), NumberRange(1, 60)])
    skip_dates = MultiCheckboxField(_l("Skip these dates"), validate_choice=False)


class CancelForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[InputRequired(REQUIRED)])


class MoveForm(FlaskForm):
    on = DateField(_l("Date"), validators=[InputRequired(REQUIRED)])
    at = TimeField(_l("Time"), validators=[InputRequired(REQUIRED)])


class AttendanceForm(FlaskForm):
    attended = SelectField(_l("Attendance"), choices=[("yes", _l("Attended")), ("no", _l("Did not attend"))])
    reason = SelectField(_l("Reason"), choices=[("", "—")] + list(ABSENCE_LABELS.items()), validate_choice=False)


class NoteForm(FlaskForm):
    done = TextAreaField(_l("What was done"), validators=[InputRequired(REQUIRED)])
    progress = TextAreaField(_l("Progress seen"))
    family_plan = TextAreaField(_l("The family's plan until the next session"))
