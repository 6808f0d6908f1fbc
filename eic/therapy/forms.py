from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, FieldList, Form, FormField, IntegerField, RadioField, SelectField,
                     StringField, TextAreaField, TimeField)
from wtforms.validators import InputRequired, NumberRange, Optional

from eic.core.forms import MultiCheckboxField, confirm_field
from eic.core.validation import REQUIRED

from .models import ABSENCE_REASONS

SETTING_LABELS = {"center": _l("At the center"), "day_stay": _l("Day stay"), "inpatient": _l("Inpatient"),
                  "home": _l("Home visit"), "remote": _l("Remote")}
WEEKDAY_LABELS = [(0, _l("Mon")), (1, _l("Tue")), (2, _l("Wed")), (3, _l("Thu")), (4, _l("Fri")), (5, _l("Sat")),
                  (6, _l("Sun"))]
ABSENCE_LABELS = {"child_ill": _l("Child ill"), "family_cancelled_notice": _l("Family cancelled with notice"),
                  "family_cancelled_no_notice": _l("Family cancelled without notice"),
                  "specialist_absent": _l("Specialist absent"), "center_closed": _l("Center closed"),
                  "other": _l("Other")}
assert set(ABSENCE_LABELS) == set(ABSENCE_REASONS)
# TherapySession.state, as the calendar shows it.
STATE_LABELS = {"booked": _l("Booked"), "attended": _l("Attended"), "absent": _l("Did not attend"),
                "held": _l("Held"), "cancelled": _l("Cancelled")}


class BookingForm(FlaskForm):
    plan_service = SelectField(_l("Service of the plan"), coerce=int, validate_choice=False)
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


class GroupBookingForm(BookingForm):
    capacity = IntegerField(_l("Places in the group"), default=6,
                            validators=[InputRequired(REQUIRED), NumberRange(2, 30)])
    audience = SelectField(_l("For"), choices=[("child", _l("Children (group class)")),
                                               ("caregiver", _l("Caregivers (peer group)"))])


class RosterForm(FlaskForm):
    referral = SelectField(_l("Child"), coerce=int, validate_choice=False)


class CancelForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[InputRequired(REQUIRED)])
    scope = RadioField(_l("What to cancel"), default="one",
                       choices=[("one", _l("This session")),
                                ("series", _l("This and the later sessions of its series"))])
    confirm = confirm_field()


class MoveForm(FlaskForm):
    on = DateField(_l("Date"), validators=[InputRequired(REQUIRED)])
    at = TimeField(_l("Time"), validators=[InputRequired(REQUIRED)])


class SeriesMoveForm(FlaskForm):
    """The rest of a series, from a session on, to another weekday and time (and specialist or room)."""
    weekday = SelectField(_l("Day of the week"), coerce=int, choices=WEEKDAY_LABELS)
    at = TimeField(_l("Time"), validators=[InputRequired(REQUIRED)])
    specialist = SelectField(_l("Specialist"), coerce=int, validate_choice=False)
    room = SelectField(_l("Room"), coerce=int, validate_choice=False)


class AttendanceForm(FlaskForm):
    attended = SelectField(_l("Attendance"), choices=[("yes", _l("Attended")), ("no", _l("Did not attend"))])
    reason = SelectField(_l("Reason"), choices=[("", "—")] + list(ABSENCE_LABELS.items()), validate_choice=False)


class NoteForm(FlaskForm):
    done = TextAreaField(_l("What was done"), validators=[InputRequired(REQUIRED)])
    goal_ids = MultiCheckboxField(_l("Goals worked on"), coerce=int, validate_choice=False)
    progress = TextAreaField(_l("Progress seen"))
    family_plan = TextAreaField(_l("The family's plan until the next session"))


GOAL_KIND_LABELS = {"child": _l("Child"), "family": _l("Family")}
SERVICE_KIND_LABELS = {"therapy": _l("Therapy"), "counselling": _l("Counselling for the caregiver"),
                       "peer_group": _l("Peer (mutual-help) group"), "home_training": _l("Training in care at home"),
                       "benefits_legal": _l("Help with benefits and legal questions"), "respite": _l("Respite care")}
GAS_CHOICES = [(-2, "-2"), (-1, "-1"), (0, "0"), (1, "+1"), (2, "+2")]


class GoalRow(Form):
    kind = SelectField(_l("For"), choices=list(GOAL_KIND_LABELS.items()), validate_choice=False)
    domain = StringField(_l("Domain"))
    description = StringField(_l("Goal"))
    criterion = StringField(_l("How it is measured"))
    target_on = DateField(_l("Target date"), validators=[Optional()])
    baseline_gas = SelectField(_l("Baseline"), coerce=int, choices=GAS_CHOICES, default=-1, validate_choice=False)


class ServiceRow(Form):
    kind = SelectField(_l("Service"), choices=list(SERVICE_KIND_LABELS.items()), validate_choice=False)
    discipline_id = SelectField(_l("Discipline"), coerce=int, validate_choice=False)
    specialist_id = SelectField(_l("Specialist"), coerce=int, validate_choice=False)
    frequency = IntegerField(_l("Sessions"), validators=[Optional()])
    per = SelectField(_l("Per"), choices=[("week", _l("week")), ("month", _l("month"))], validate_choice=False)
    minutes = IntegerField(_l("Minutes"), default=45, validators=[Optional()])
    mode = SelectField(_l("Mode"), choices=[("individual", _l("Individual")), ("group", _l("Group"))],
                       validate_choice=False)
    setting = SelectField(_l("Setting"), choices=list(SETTING_LABELS.items()), validate_choice=False)
    setting_reason = StringField(_l("Reason if not at home"))
    ends_on = DateField(_l("Projected end"), validators=[Optional()])
    is_refused = BooleanField(_l("Refused by the family"))


class PlanForm(FlaskForm):
    starts_on = DateField(_l("Plan starts on"), validators=[InputRequired(REQUIRED)])
    goals = FieldList(FormField(GoalRow), min_entries=3, max_entries=10)
    services = FieldList(FormField(ServiceRow), min_entries=4, max_entries=12)
    agreed_by = StringField(_l("Agreed by (family member)"))
    agreed_on = DateField(_l("Agreed on"), validators=[Optional()])
    review_interval_months = IntegerField(_l("Review every (months)"), default=3,
                                          validators=[InputRequired(REQUIRED), NumberRange(1, 6)])
    notes = TextAreaField(_l("Notes"))

    def service_kwargs(self) -> dict:
        """Filled rows only, as the plan service expects them."""
        # row.form: a FormField has its own "description" attribute that hides the subfield of that name.
        goals = [row.data for row in self.goals if (row.form.description.data or "").strip()]
        services = []
        for row in self.services:
            data = row.data
            if not data["frequency"]:
                continue
            data["discipline_id"] = data["discipline_id"] or None
            data["specialist_id"] = data["specialist_id"] or None
            services.append(data)
        return {"starts_on": self.starts_on.data, "goals": goals, "services": services,
                "agreed_by": self.agreed_by.data, "agreed_on": self.agreed_on.data,
                "review_interval_months": self.review_interval_months.data, "notes": self.notes.data}


OUTCOME_CHOICES = [(i, str(i)) for i in range(1, 8)]


class OutcomeForm(FlaskForm):
    kind = SelectField(_l("When"), choices=[("entry", _l("At entry")), ("exit", _l("At exit"))])
    rated_on = DateField(_l("Date"), validators=[InputRequired(REQUIRED)])
    social = SelectField(_l("Positive social-emotional skills"), coerce=int, choices=OUTCOME_CHOICES, default=4)
    knowledge = SelectField(_l("Acquiring and using knowledge and skills (incl. early language)"), coerce=int,
                            choices=OUTCOME_CHOICES, default=4)
    behaviour = SelectField(_l("Using appropriate behaviours to meet needs"), coerce=int, choices=OUTCOME_CHOICES,
                            default=4)
    new_skills = SelectField(_l("At exit: did the child gain new skills?"),
                             choices=[("", "—"), ("yes", _l("Yes")), ("no", _l("No"))])


def review_form_class(goals):
    class ReviewForm(FlaskForm):
        reviewed_on = DateField(_l("Date of review"), validators=[InputRequired(REQUIRED)])
        notes = TextAreaField(_l("Service changes and notes"))

    for goal in goals:
        setattr(ReviewForm, f"goal_{goal.id}", SelectField(goal.description, coerce=int, choices=GAS_CHOICES,
                                                           default=goal.baseline_gas))
    return ReviewForm


DISCHARGE_LABELS = {"goals_met": _l("Goals met"), "age_transition": _l("Transition at the age limit"),
                    "moved_away": _l("Moved away"), "family_withdrew": _l("The family withdrew"),
                    "referred_on": _l("Referred on to another service")}
FIVE = [(0, "—")] + [(i, str(i)) for i in range(1, 6)]


class DischargeForm(FlaskForm):
    discharged_on = DateField(_l("Date of discharge"), validators=[InputRequired(REQUIRED)])
    reason = SelectField(_l("Reason"), choices=list(DISCHARGE_LABELS.items()))
    destination = StringField(_l("Referred on to"))
    handover_summary = TextAreaField(_l("Hand-over summary"))
    social = SelectField(_l("Positive social-emotional skills"), coerce=int, choices=OUTCOME_CHOICES, default=4)
    knowledge = SelectField(_l("Acquiring and using knowledge and skills (incl. early language)"), coerce=int,
                            choices=OUTCOME_CHOICES, default=4)
    behaviour = SelectField(_l("Using appropriate behaviours to meet needs"), coerce=int, choices=OUTCOME_CHOICES,
                            default=4)
    new_skills = SelectField(_l("Did the child gain new skills?"), choices=[("yes", _l("Yes")), ("no", _l("No"))])
    satisfaction_overall = SelectField(_l("The family: overall satisfaction (1-5)"), coerce=int, choices=FIVE)
    satisfaction_respect = SelectField(_l("The family: treated with respect (1-5)"), coerce=int, choices=FIVE)
    satisfaction_helped = SelectField(_l("The family: the services helped our child (1-5)"), coerce=int,
                                      choices=FIVE)
    satisfaction_comment = TextAreaField(_l("The family's comment"))
    follow_up_on = DateField(_l("Follow-up check on"), validators=[Optional()])
    confirm = confirm_field()

    def service_kwargs(self) -> dict:
        satisfaction = {k: self[f"satisfaction_{k}"].data or None for k in ("overall", "respect", "helped")}
        satisfaction["comment"] = self.satisfaction_comment.data
        return {"discharged_on": self.discharged_on.data, "reason": self.reason.data,
                "destination": self.destination.data or "", "handover_summary": self.handover_summary.data or "",
                "exit_ratings": {"social": self.social.data, "knowledge": self.knowledge.data,
                                 "behaviour": self.behaviour.data, "new_skills": self.new_skills.data == "yes"},
                "satisfaction": satisfaction, "follow_up_on": self.follow_up_on.data}


ABSENCE_KIND_LABELS = {"leave": _l("Leave"), "sick": _l("Sick leave"), "training": _l("Training"),
                       "other": _l("Other")}


def hours_form_class():
    """Seven weekdays, each with an optional start and end."""

    class HoursForm(FlaskForm):
        pass

    for value, label in WEEKDAY_LABELS:
        setattr(HoursForm, f"start_{value}", TimeField(label, validators=[Optional()]))
        setattr(HoursForm, f"end_{value}", TimeField(label, validators=[Optional()]))
    return HoursForm


def hours_from(form) -> dict:
    return {d: (form[f"start_{d}"].data, form[f"end_{d}"].data) if form[f"start_{d}"].data or form[f"end_{d}"].data
            else None for d, _label in WEEKDAY_LABELS}


class ClosureForm(FlaskForm):
    on = DateField(_l("Date"), validators=[InputRequired(REQUIRED)])
    reason = StringField(_l("Reason"), validators=[InputRequired(REQUIRED)])


class AbsenceForm(FlaskForm):
    specialist = SelectField(_l("Specialist"), coerce=int, validate_choice=False)
    starts_on = DateField(_l("From"), validators=[InputRequired(REQUIRED)])
    ends_on = DateField(_l("Until"), validators=[InputRequired(REQUIRED)])
    kind = SelectField(_l("Kind"), choices=list(ABSENCE_KIND_LABELS.items()))
