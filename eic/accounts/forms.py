from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from eic.core.forms import MultiCheckboxField, confirm_field
from eic.core.i18n import LANGUAGE_LABELS
from eic.core.roles import ROLE_LABELS, Role
from eic.core.validation import REQUIRED


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(REQUIRED)])
    password = PasswordField(_l("Password"), validators=[DataRequired(REQUIRED)])


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(REQUIRED)])
    new = PasswordField(_l("New password"), validators=[DataRequired(REQUIRED), Length(min=10, max=200)])


class UserForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(REQUIRED), Email(_l("Enter a valid e-mail address."))])
    full_name = StringField(_l("Full name"), validators=[DataRequired(REQUIRED), Length(max=200)])
    role = SelectField(_l("Role"), choices=[(r.value, ROLE_LABELS[r]) for r in Role])
    password = PasswordField(_l("Password"), validators=[DataRequired(REQUIRED)])
    center = SelectField(_l("Center"), coerce=int, validators=[Optional()])
    polyclinic = SelectField(_l("Polyclinic"), coerce=int, validators=[Optional()])
    discipline = SelectField(_l("Discipline"), coerce=int, validators=[Optional()])
    languages = MultiCheckboxField(_l("Working languages"), choices=list(LANGUAGE_LABELS.items()))
    caseload_limit = IntegerField(_l("Caseload limit"), validators=[Optional(), NumberRange(min=0, max=500)])


class UserEditForm(FlaskForm):
    """An account's name, role and affiliation (the e-mail is the log-in and stays)."""
    full_name = StringField(_l("Full name"), validators=[DataRequired(REQUIRED), Length(max=200)])
    role = SelectField(_l("Role"), choices=[(r.value, ROLE_LABELS[r]) for r in Role])
    center = SelectField(_l("Center"), coerce=int, validators=[Optional()])
    polyclinic = SelectField(_l("Polyclinic"), coerce=int, validators=[Optional()])
    discipline = SelectField(_l("Discipline"), coerce=int, validators=[Optional()])
    languages = MultiCheckboxField(_l("Working languages"), choices=list(LANGUAGE_LABELS.items()))
    caseload_limit = IntegerField(_l("Caseload limit"), validators=[Optional(), NumberRange(min=0, max=500)])


class ConfirmForm(FlaskForm):
    confirm = confirm_field()


class ResetForm(FlaskForm):
    new = PasswordField(_l("New password"), validators=[DataRequired(REQUIRED), Length(min=10, max=200)])
    repeat = PasswordField(_l("The new password again"), validators=[DataRequired(REQUIRED)])


class CodeForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(REQUIRED), Length(max=20)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


TOKEN_SCOPE_LABELS = {"read": _l("Read only"), "write": _l("Read and write")}


class TokenForm(FlaskForm):
    """A new API token: what it is for and what it may do."""
    name = StringField(_l("What the token is for"), validators=[DataRequired(REQUIRED), Length(max=80)])
    scope = SelectField(_l("It may"), choices=list(TOKEN_SCOPE_LABELS.items()), default="read")
