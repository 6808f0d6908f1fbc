"""The referral form. Its fields are plain text so that one service validates form and API alike."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length
from wtforms.widgets import DateInput, NumberInput, TelInput

from eic.centers import queries as center_queries
from eic.core.forms import MultiCheckboxField, confirm_field
from eic.core.i18n import LANGUAGE_LABELS, localized
from eic.core.validation import REQUIRED

from .status import DECLINE_REASON_LABELS

RELATION_LABELS = {
    "mother": _l("Mother"), "father": _l("Father"), "grandparent": _l("Grandparent"),
    "guardian": _l("Guardian"), "other": _l("Other"),
}

# Service field names (the API's) -> form field names.
FIELD_MAP = {
    "child.iin": "iin", "child.last_name": "last_name", "child.first_name": "first_name",
    "child.patronymic": "patronymic", "child.birth_date": "birth_date", "child.sex": "sex",
    "child.gestational_age_weeks": "gestational_age_weeks", "child.birth_weight_g": "birth_weight_g",
    "child.address": "address", "child.district": "district",
    "caregiver.full_name": "caregiver_full_name", "caregiver.relation": "caregiver_relation",
    "caregiver.phone": "caregiver_phone", "caregiver.preferred_language": "caregiver_language",
    "center_code": "center_code", "icd10_codes": "icd10_codes", "risk_factors": "risk_factors",
    "notes": "notes", "consent.given_by": "consent_given_by", "consent.given_on": "consent_given_on",
}


class ReferralForm(FlaskForm):
    iin = StringField(_l("IIN"), render_kw={"inputmode": "numeric", "maxlength": 14})
    last_name = StringField(_l("Last name"))
    first_name = StringField(_l("First name"))
    patronymic = StringField(_l("Patronymic"))
    birth_date = StringField(_l("Date of birth"), widget=DateInput())
    sex = RadioField(_l("Sex"), choices=[("F", _l("Female")), ("M", _l("Male"))], validate_choice=False)
    gestational_age_weeks = StringField(_l("Gestational age at birth (weeks)"), widget=NumberInput(min=22, max=44))
    birth_weight_g = StringField(_l("Birth weight (g)"), widget=NumberInput(min=300, max=6000))
    address = StringField(_l("Home address"))
    district = StringField(_l("District"))
    caregiver_full_name = StringField(_l("Caregiver's full name"))
    caregiver_relation = SelectField(_l("Relation to the child"), validate_choice=False,
                                     choices=list(RELATION_LABELS.items()))
    caregiver_phone = StringField(_l("Caregiver's phone"), widget=TelInput())
    caregiver_language = SelectField(_l("Family's preferred language"), validate_choice=False,
                                     choices=list(LANGUAGE_LABELS.items()))
    center_code = SelectField(_l("Center"), validate_choice=False)
    icd10_codes = StringField(_l("ICD-10 codes"), render_kw={"list": "icd10-categories"})
    risk_factors = MultiCheckboxField(_l("Risk factors"), validate_choice=False)
    notes = TextAreaField(_l("Notes for the center"))
    consent_given_by = StringField(_l("Consent to data processing given by"))
    consent_given_on = StringField(_l("Consent given on"), widget=DateInput())
    consent_sms = BooleanField(_l("The family agrees to session reminders by text message"))
    consent_statistics = BooleanField(_l("The family agrees to the use of the records in anonymised statistics"))
    confirm_warnings = BooleanField(_l("I have checked: the details are right despite the warnings"))
    # Made when the form is shown: sending the same form again (the answer was lost) finds the referral it made.
    submission_key = HiddenField()

    def fill_choices(self):
        self.center_code.choices = [(c.code, localized(c, "city")) for c in center_queries.centers()]
        self.risk_factors.choices = [(r.code, localized(r, "name")) for r in center_queries.risk_factors()]

    def payload(self) -> dict:
        """The form's content in the API's shape."""
        return {
            "child": {k: self[k].data for k in ("iin", "last_name", "first_name", "patronymic", "birth_date", "sex",
                                                "gestational_age_weeks", "birth_weight_g", "address", "district")},
            "caregiver": {"full_name": self.caregiver_full_name.data, "relation": self.caregiver_relation.data,
                          "phone": self.caregiver_phone.data, "preferred_language": self.caregiver_language.data},
            "center_code": self.center_code.data,
            "icd10_codes": self.icd10_codes.data,
            "risk_factors": self.risk_factors.data or [],
            "notes": self.notes.data,
            "consent": {"given_by": self.consent_given_by.data, "given_on": self.consent_given_on.data,
                        "sms": bool(self.consent_sms.data), "statistics": bool(self.consent_statistics.data)},
        }


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[InputRequired(REQUIRED)])
    confirm = confirm_field()


class DecisionForm(FlaskForm):
    """Decline or redirect, by the center's coordinator."""

    reason_code = SelectField(_l("Reason"), choices=[(k.value, v) for k, v in DECLINE_REASON_LABELS.items()],
                              validate_choice=False)
    reason = TextAreaField(_l("Explanation for the pediatrician"))
    center_code = SelectField(_l("Redirect to"), validate_choice=False)

    def fill_choices(self, exclude_center_id=None):
        self.center_code.choices = [("", "—")] + [(c.code, localized(c, "city")) for c in center_queries.centers()
                                                  if c.id != exclude_center_id]


IIN_REASON_LABELS = {"correction": _l("Correction of a typing error"), "adoption": _l("Adoption (a new IIN)"),
                     "other": _l("Other")}


class IinChangeForm(FlaskForm):
    new_iin = StringField(_l("New IIN"))
    reason_code = SelectField(_l("Kind of change"), choices=list(IIN_REASON_LABELS.items()), validate_choice=False)
    reason = TextAreaField(_l("Reason"))
    confirm_mismatch = BooleanField(_l("I have checked: keep this IIN although the birth date or sex it encodes "
                                       "differ from the record"))


class EmergencyAccessForm(FlaskForm):
    """Break the glass: why a specialist needs a record outside their team today."""
    reason = TextAreaField(_l("Why do you need this record today?"), validators=[
        InputRequired(REQUIRED),
        Length(min=10, message=_l("Say why you need this record (at least 10 characters): whom you cover for and "
                                  "what for."))])
    confirm = confirm_field()


CONSENT_LABELS = {"referral": _l("Referral and sharing with the center"), "storage": _l("Keeping the records"),
                  "sms": _l("Session reminders by text message"),
                  "statistics": _l("Use in anonymised statistics")}


class ConsentForm(FlaskForm):
    """An optional consent the family gives later (the coordinator records it)."""
    kind = SelectField(_l("What the family agrees to"), choices=[(k, CONSENT_LABELS[k]) for k in ("sms", "statistics")])
    given_by = StringField(_l("Given by"), validators=[InputRequired(REQUIRED)])
    given_on = StringField(_l("Given on"), widget=DateInput(), validators=[InputRequired(REQUIRED)])
    form_version = StringField(_l("Form and version"), default="EIC-2026-1")


class WithdrawConsentForm(FlaskForm):
    """A consent withdrawn: the referral's or storage's closes the case."""
    withdrawn_kind = SelectField(_l("Consent withdrawn"), choices=list(CONSENT_LABELS.items()))
    on = StringField(_l("Withdrawn on"), widget=DateInput(), validators=[InputRequired(REQUIRED)])
    note = TextAreaField(_l("Note"))
    confirm = confirm_field()
