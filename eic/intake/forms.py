from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, FieldList, Form, FormField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional

from eic.core.forms import MultiCheckboxField
from eic.core.validation import REQUIRED

DATE_MESSAGE = _l("Enter a date as YYYY-MM-DD.")

CONTACT_METHOD_LABELS = {"phone": _l("Phone call"), "visit": _l("Home visit"), "center": _l("At the center"),
                         "message": _l("Message")}
CONCERN_LABELS = [(0, _l("None")), (1, _l("Mild")), (2, _l("Moderate")), (3, _l("Severe"))]
LEVEL_LABELS = [(1, _l("Low")), (2, _l("Medium")), (3, _l("High"))]
PHQ4_ANSWERS = [(0, _l("Not at all (0)")), (1, _l("Several days (1)")), (2, _l("More than half the days (2)")),
                (3, _l("Nearly every day (3)"))]
DOMAIN_LABELS = {"motor": _l("Motor"), "communication": _l("Communication"), "cognitive": _l("Cognitive"),
                 "social_emotional": _l("Social-emotional"), "adaptive": _l("Adaptive / self-care")}
NEED_LABELS = {"social": _l("Social"), "economic": _l("Economic (benefits, housing)"), "legal": _l("Legal")}
# The PHQ-4 (Kroenke et al., 2009) is free to use; its four questions over the last two weeks.
PHQ4_ITEMS = (_l("Feeling nervous, anxious or on edge"), _l("Not being able to stop or control worrying"),
              _l("Little interest or pleasure in doing things"), _l("Feeling down, depressed or hopeless"))


class ContactForm(FlaskForm):
    contacted_on = DateField(_l("Date of contact"), validators=[InputRequired(REQUIRED)])
    method = SelectField(_l("How"), choices=list(CONTACT_METHOD_LABELS.items()))
    person_reached = StringField(_l("Who was reached"), validators=[InputRequired(REQUIRED)])
    notes = TextAreaField(_l("Notes"))

    def service_kwargs(self) -> dict:
        return {k: self[k].data for k in ("contacted_on", "method", "person_reached", "notes")}


class ScreeningForm(Form):
    instrument = StringField(_l("Instrument"), render_kw={"placeholder": "ASQ-3, M-CHAT-R/F"})
    taken_on = DateField(_l("Date"), validators=[Optional()])
    score = StringField(_l("Score"))
    band = StringField(_l("Band / result"))


def _concern(label):
    return SelectField(label, coerce=int, choices=CONCERN_LABELS, default=0)


class AssessmentForm(FlaskForm):
    assessed_on = DateField(_l("Date of assessment"), validators=[InputRequired(REQUIRED)])
    motor = _concern(DOMAIN_LABELS["motor"])
    communication = _concern(DOMAIN_LABELS["communication"])
    cognitive = _concern(DOMAIN_LABELS["cognitive"])
    social_emotional = _concern(DOMAIN_LABELS["social_emotional"])
    adaptive = _concern(DOMAIN_LABELS["adaptive"])
    needs = MultiCheckboxField(_l("Family needs"), choices=list(NEED_LABELS.items()))
    phq4_1 = SelectField(PHQ4_ITEMS[0], coerce=int, choices=PHQ4_ANSWERS, default=0)
    phq4_2 = SelectField(PHQ4_ITEMS[1], coerce=int, choices=PHQ4_ANSWERS, default=0)
    phq4_3 = SelectField(PHQ4_ITEMS[2], coerce=int, choices=PHQ4_ANSWERS, default=0)
    phq4_4 = SelectField(PHQ4_ITEMS[3], coerce=int, choices=PHQ4_ANSWERS, default=0)
    urgency = SelectField(_l("Urgency"), coerce=int, choices=LEVEL_LABELS, default=1)
    complexity = SelectField(_l("Complexity"), coerce=int, choices=LEVEL_LABELS, default=1)
    severity = SelectField(_l("Severity"), coerce=int, choices=LEVEL_LABELS, default=1)
    screenings = FieldList(FormField(ScreeningForm), min_entries=2, max_entries=5)
    notes = TextAreaField(_l("Notes"))

    def service_kwargs(self) -> dict:
        return {
            "assessed_on": self.assessed_on.data,
            "levels": {d: self[d].data for d in DOMAIN_LABELS},
            "needs": set(self.needs.data or []),
            "phq4": [self.phq4_1.data, self.phq4_2.data, self.phq4_3.data, self.phq4_4.data],
            "urgency": self.urgency.data, "complexity": self.complexity.data, "severity": self.severity.data,
            "screenings": [entry.data for entry in self.screenings],
            "notes": self.notes.data,
        }


class WaitlistForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[InputRequired(REQUIRED)])
    disciplines = MultiCheckboxField(_l("Disciplines without room"), coerce=int, validate_choice=False)


def team_form_class(proposals):
    """A form with, per proposed discipline, an include box and a specialist choice; and the lead."""

    class TeamForm(FlaskForm):
        lead = SelectField(_l("Lead (the family's service coordinator)"), coerce=int, validate_choice=False)

    for p in proposals:
        setattr(TeamForm, f"include_{p.discipline.id}", BooleanField(default=p.is_needed))
        setattr(TeamForm, f"specialist_{p.discipline.id}", SelectField(coerce=int, validate_choice=False))
    return TeamForm
