"""Plan pages: the child's plan with its history, reviews and outcome ratings; the center's plan list."""
from datetime import datetime, time, timedelta

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eic.centers import queries as center_queries
from eic.core.auth import role_required
from eic.core.forms import run_and_commit
from eic.core.i18n import localized
from eic.core.roles import Role
from eic.core.timeutil import ALMATY, almaty_today
from eic.intake import queries as intake_queries
from eic.referrals import queries as referral_queries

from .. import queries, services
from ..forms import GOAL_KIND_LABELS, SERVICE_KIND_LABELS, SETTING_LABELS, OutcomeForm, PlanForm, review_form_class
from ..services import plans
from .blueprint import bp

STAFF = (Role.COORDINATOR, Role.SPECIALIST)


def _case(referral_id):
    return referral_queries.open_case(current_user, referral_id)


def _plan_form(referral, formdata=None):
    """The plan form with discipline and specialist choices of the child's center."""
    form = PlanForm(formdata=formdata) if formdata is not None else PlanForm()
    disciplines = [(0, "—")] + [(d.id, localized(d, "name")) for d in center_queries.disciplines()]
    staff = [(0, "—")] + [(s.id, s.full_name) for s in intake_queries.specialists(referral.center_id)]
    for row in form.services:
        row.discipline_id.choices, row.specialist_id.choices = disciplines, staff
    return form


def render_plan(referral, status=200, plan_form=None):
    today = almaty_today()
    current = plans.current_plan(referral.id)
    history = queries.plan_history(referral.id)
    outcomes = queries.outcome_ratings(referral.id)
    if plan_form is None:
        plan_form = _plan_form(referral)
        plan_form.starts_on.data = today
        suggestion = plans.suggested_services(referral, intake_queries.latest_assessment(referral.id))
        for row, suggested in zip(reversed(list(plan_form.services)), suggestion):
            row.kind.data, row.frequency.data, row.per.data = suggested["kind"], suggested["frequency"], "month"
    return render_template(
        "therapy/plan.html", referral=referral, plan=current, history=history, today=today,
        deliveries=plans.delivered_vs_planned(current, today=today) if current else [],
        plan_state=plans.plan_state(referral, has_plan=current is not None, today=today),
        due_on=plans.plan_due_on(referral), review_state=plans.review_state(current, today=today) if current else None,
        plan_form=plan_form, review_form=review_form_class(current.goals if current else [])(formdata=None,
                                                                                             reviewed_on=today),
        outcome_form=OutcomeForm(formdata=None, rated_on=today), outcomes=outcomes,
        labels={"goal": GOAL_KIND_LABELS, "service": SERVICE_KIND_LABELS, "setting": SETTING_LABELS},
        can_manage=current_user.role is Role.COORDINATOR), status


@bp.route("/cases/<int:referral_id>/plan")
@role_required(*STAFF)
def plan(referral_id):
    return render_plan(_case(referral_id))


@bp.route("/cases/<int:referral_id>/plan", methods=["POST"])
@role_required(Role.COORDINATOR)
def create_plan(referral_id):
    referral = _case(referral_id)
    form = _plan_form(referral)
    if form.validate_on_submit() and run_and_commit(
            lambda: plans.create_plan(referral, actor=current_user, **form.service_kwargs()),
            _("The plan was saved."), form=form):
        return redirect(url_for("therapy.plan", referral_id=referral.id))
    return render_plan(referral, 422, plan_form=form)


@bp.route("/cases/<int:referral_id>/review", methods=["POST"])
@role_required(Role.COORDINATOR)
def review(referral_id):
    referral = _case(referral_id)
    current = plans.current_plan(referral.id) or abort(404)
    form = review_form_class(current.goals)()
    if form.validate_on_submit():
        run_and_commit(lambda: plans.record_review(
            current, reviewed_on=form.reviewed_on.data, notes=form.notes.data, actor=current_user,
            ratings={g.id: form[f"goal_{g.id}"].data for g in current.goals}), _("The review was recorded."))
    return redirect(url_for("therapy.plan", referral_id=referral.id))


@bp.route("/cases/<int:referral_id>/outcomes", methods=["POST"])
@role_required(Role.COORDINATOR)
def outcomes(referral_id):
    referral = _case(referral_id)
    form = OutcomeForm()
    if form.validate_on_submit():
        run_and_commit(lambda: plans.record_outcomes(
            referral, kind=form.kind.data, rated_on=form.rated_on.data, social=form.social.data,
            knowledge=form.knowledge.data, behaviour=form.behaviour.data,
            new_skills={"yes": True, "no": False}.get(form.new_skills.data), actor=current_user),
            _("The outcome ratings were recorded."))
    return redirect(url_for("therapy.plan", referral_id=referral.id))


@bp.route("/plans")
@role_required(Role.COORDINATOR)
def plans_due():
    today = almaty_today()
    enrolled = referral_queries.enrolled_at(current_user.center_id)
    current = queries.current_plans(r.id for r in enrolled)
    rows = [(r, current.get(r.id), plans.plan_state(r, has_plan=r.id in current, today=today),
             plans.review_state(current[r.id], today=today) if r.id in current else None) for r in enrolled]
    missed = queries.missed_in_a_row_ids([r.id for r in enrolled])
    since = datetime.combine(today - timedelta(days=60), time(0), tzinfo=ALMATY)
    late_notes = [s for s in queries.notes_missing_or_late(current_user.center_id, since=since)
                  if services.is_note_late(s, today=today)]
    return render_template("therapy/plans.html", rows=rows, due_on=plans.plan_due_on, today=today, missed=missed,
                           late_notes=late_notes, ALMATY=ALMATY)
