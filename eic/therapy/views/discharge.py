"""Discharge pages: the form, the printable summary in the family's language, and follow-ups due."""
from flask import abort, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from eic.core.auth import role_required
from eic.core.forms import run_and_commit
from eic.core.roles import Role
from eic.core.timeutil import almaty_today
from eic.core.validation import parse_date
from eic.intake import queries as intake_queries
from eic.referrals import queries as referral_queries

from .. import queries
from ..forms import DISCHARGE_LABELS, GOAL_KIND_LABELS, SERVICE_KIND_LABELS, DischargeForm
from ..services import discharge as discharge_rules
from ..services import plans
from .blueprint import bp


def _case(referral_id):
    return referral_queries.open_case(current_user, referral_id)


@bp.route("/cases/<int:referral_id>/discharge", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def discharge(referral_id):
    referral = _case(referral_id)
    form = DischargeForm()
    if not form.is_submitted():
        form.discharged_on.data = almaty_today()
    if form.validate_on_submit() and run_and_commit(
            lambda: discharge_rules.discharge(referral, actor=current_user, **form.service_kwargs()),
            _("The child was discharged; the follow-up check is scheduled."), form=form):
        return redirect(url_for("therapy.discharge_summary", referral_id=referral.id))
    today = almaty_today()
    return render_template("therapy/discharge.html", form=form, referral=referral,
                           transition=discharge_rules.transition_due(referral.child, today=today),
                           age_limit_on=discharge_rules.age_limit_on(referral))


@bp.route("/cases/<int:referral_id>/summary")
@role_required(Role.COORDINATOR, Role.SPECIALIST)
def discharge_summary(referral_id):
    referral = _case(referral_id)
    row = queries.discharge_of(referral.id) or abort(404)
    plan = plans.current_plan(referral.id)
    outcomes = queries.outcome_ratings(referral.id)
    # Printed for the family, in the family's language.
    with force_locale(referral.caregiver.preferred_language):
        return render_template("therapy/summary.html", referral=referral, d=row, plan=plan, outcomes=outcomes,
                               team=intake_queries.team(referral.id),
                               labels={"reason": DISCHARGE_LABELS, "goal": GOAL_KIND_LABELS,
                                       "service": SERVICE_KIND_LABELS},
                               summary_locale=referral.caregiver.preferred_language)


@bp.route("/follow-ups")
@role_required(Role.COORDINATOR)
def follow_ups():
    first, last = parse_date(request.args.get("from")), parse_date(request.args.get("until"))
    if first and last and last < first:
        first, last = last, first
    rows = queries.follow_ups(current_user.center_id, first=first, last=last)
    return render_template("therapy/follow_ups.html", rows=rows, labels=DISCHARGE_LABELS, today=almaty_today(),
                           first=first, last=last)
