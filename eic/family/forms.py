"""The family's log-in forms: the phone number, then the code."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired

from eic.core.validation import REQUIRED


class PhoneForm(FlaskForm):
    phone = StringField(_l("Phone number"), validators=[DataRequired(REQUIRED)],
                        description=_l("The number you gave the polyclinic when your child was referred."))


class CodeForm(FlaskForm):
    code = StringField(_l("Code from the text message"), validators=[DataRequired(REQUIRED)])


class CancelForm(FlaskForm):
    reason = StringField(_l("Why you cannot come"), validators=[DataRequired(REQUIRED)])
