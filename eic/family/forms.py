"""The family's forms (the log-in, answers to sessions, home practice, the check-in, the survey) and the
coordinator's forms about families."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired

from eic.core.validation import REQUIRED
from eic.intake.forms import PHQ4_ANSWERS, PHQ4_ITEMS

from .surveys import OUTCOME_QUESTIONS, SATISFACTION_QUESTIONS

ANSWER = _l("Please choose an answer.")


class PhoneForm(FlaskForm):
    phone = StringField(_l("Phone number"), validators=[DataRequired(REQUIRED)],
                        description=_l("The number you gave the polyclinic when your child was referred."))


class CodeForm(FlaskForm):
    code = StringField(_l("Code from the text message"), validators=[DataRequired(REQUIRED)])


class CancelForm(FlaskForm):
    reason = StringField(_l("Why you cannot come"), validators=[DataRequired(REQUIRED)])


class PracticeForm(FlaskForm):
    comment = StringField(_l("How it went (if you wish)"))


class CheckinForm(FlaskForm):
    """The PHQ-4: over the last two weeks, how often each problem bothered you (0-3)."""

    q1 = RadioField(PHQ4_ITEMS[0], coerce=int, choices=PHQ4_ANSWERS, validators=[InputRequired(ANSWER)])
    q2 = RadioField(PHQ4_ITEMS[1], coerce=int, choices=PHQ4_ANSWERS, validators=[InputRequired(ANSWER)])
    q3 = RadioField(PHQ4_ITEMS[2], coerce=int, choices=PHQ4_ANSWERS, validators=[InputRequired(ANSWER)])
    q4 = RadioField(PHQ4_ITEMS[3], coerce=int, choices=PHQ4_ANSWERS, validators=[InputRequired(ANSWER)])


AGREE_SCALE = [(n, str(n)) for n in range(1, 8)]
SATISFACTION_SCALE = [(n, str(n)) for n in range(1, 6)]


class SurveyForm(FlaskForm):
    knows_rights = RadioField(OUTCOME_QUESTIONS[0][1], coerce=int, choices=AGREE_SCALE,
                              validators=[InputRequired(ANSWER)])
    communicates_needs = RadioField(OUTCOME_QUESTIONS[1][1], coerce=int, choices=AGREE_SCALE,
                                    validators=[InputRequired(ANSWER)])
    helps_learn = RadioField(OUTCOME_QUESTIONS[2][1], coerce=int, choices=AGREE_SCALE,
                             validators=[InputRequired(ANSWER)])
    satisfied = RadioField(SATISFACTION_QUESTIONS[0][1], coerce=int, choices=SATISFACTION_SCALE,
                           validators=[InputRequired(ANSWER)])
    respected = RadioField(SATISFACTION_QUESTIONS[1][1], coerce=int, choices=SATISFACTION_SCALE,
                           validators=[InputRequired(ANSWER)])
    comment = TextAreaField(_l("Anything you want to tell the center (if you wish)"))


class DoneForm(FlaskForm):
    """The coordinator's note on a family task: what was offered."""

    note = StringField(_l("What was offered"), validators=[DataRequired(REQUIRED)])


class RecommendForm(FlaskForm):
    entry = SelectField(_l("Recommend to this family"), coerce=int, validators=[DataRequired(REQUIRED)])
