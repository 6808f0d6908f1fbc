"""The coordinator's pages: queue, waitlist, caseloads and a case's intake; the specialist's cases."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eic.centers import queries as center_queries
from eic.core.auth import role_required
from eic.core.forms import run_and_commit
from eic.core.i18n import localized
from eic.core.pagination import paginate
from eic.core.roles import Role
from eic.core.timeutil import almaty_today, utc_now
from eic.family.panel import case_panel
from eic.referrals import queries as referral_queries
from eic.referrals import services as referral_services
from eic.referrals.forms import DecisionForm
from eic.referrals.status import Status
from eic.referrals.timeline import ages, timeline

from . import queries, services
from .forms import (CONCERN_LABELS, CONTACT_METHOD_LABELS, DOMAIN_LABELS, LEVEL_LABELS, NEED_LABELS, AssessmentForm,
                    ContactForm, WaitlistForm, team_form_class)
from .models import DOMAINS

bp = Blueprint("intake", __name__, template_folder="templates", url_prefix="/intake")


def _case_or_404(referral_id):
    """A referral of the user's own center (coordinator), else 404."""
    return referral_queries.open_case(current_user, referral_id)


def _to_case(referral):
    return redirect(url_for("intake.case", referral_id=referral.id))


@bp.route("/emergency-access")
@role_required(Role.COORDINATOR)
def emergency_accesses():
    """Who broke the glass on the center's cases, when and why (the latest 100)."""
    return render_template("intake/emergency_accesses.html",
                           rows=referral_queries.emergency_accesses(current_user.center_id))


@bp.route("/queue")
@role_required(Role.COORDINATOR)
def queue():
    pagination = paginate(queries.queue(current_user.center_id))
    return render_template("intake/queue.html", pagination=pagination, today=almaty_today())


@bp.route("/waitlist")
@role_required(Role.COORDINATOR)
def waitlist():
    referrals = queries.waitlist(current_user.center_id)
    entries = queries.open_waitlist_entries([r.id for r in referrals])
    loads = queries.active_caseloads(current_user.center_id)
    free = {}
    for person in queries.specialists(current_user.center_id):
        if loads.get(person.id, 0) < person.effective_caseload_limit:
            free[person.discipline_id] = free.get(person.discipline_id, 0) + 1
    return render_template("intake/waitlist.html", referrals=referrals, entries=entries, free=free,
                           today=almaty_today(), freed=_freed_slots(referrals, entries))


FREED_CANDIDATES = 3


def _freed_slots(referrals, entries) -> list[tuple]:
    """[(session, [referrals])]: each slot a family's cancellation freed, with the first children on the
    waitlist (in its order) who wait for the slot's specialist's discipline."""
    from eic.therapy.queries import freed_by_families

    result = []
    for slot in freed_by_families(current_user.center_id, now=utc_now()):
        wanted = slot.specialist.discipline_id
        matches = [r for r in referrals if any(e.discipline_id in (wanted, None) for e in entries.get(r.id, []))]
        result.append((slot, matches[:FREED_CANDIDATES]))
    return result


@bp.route("/caseload")
@role_required(Role.COORDINATOR, Role.SPECIALIST)
def caseload():
    if current_user.role is Role.SPECIALIST:
        pagination = paginate(queries.cases_of_specialist(current_user.id))
        return render_template("intake/my_cases.html", pagination=pagination, today=almaty_today())
    return render_template("intake/caseload.html", staff=queries.specialists(current_user.center_id),
                           loads=queries.active_caseloads(current_user.center_id))


@bp.route("/cases/<int:referral_id>")
@role_required(Role.COORDINATOR, Role.SPECIALIST)
def case(referral_id):
    referral = _case_or_404(referral_id)
    return render_case(referral)


def render_case(referral, status=200, **forms):
    assessment = queries.latest_assessment(referral.id)
    proposals = services.propose_team(referral, assessment) if assessment else []
    team_form = forms.get("team_form") or team_form_class(proposals)(
        formdata=None, lead=next((p.discipline.id for p in proposals if p.is_needed), None))
    for p in proposals:
        team_form[f"specialist_{p.discipline.id}"].choices = [(0, "—")] + [
            (person.id, f"{person.full_name} ({free})") for person, free in p.candidates]
        if not forms.get("team_form"):
            team_form[f"specialist_{p.discipline.id}"].data = p.specialist.id if p.specialist else 0
    team_form.lead.choices = [(p.discipline.id, localized(p.discipline, "name")) for p in proposals]
    decision_form = DecisionForm(formdata=None)
    decision_form.fill_choices(exclude_center_id=referral.center_id)
    contact_form = forms.get("contact_form") or ContactForm(formdata=None, contacted_on=almaty_today())
    assessment_form = forms.get("assessment_form") or AssessmentForm(formdata=None, assessed_on=almaty_today())
    return render_template(
        "intake/case.html", referral=referral, steps=timeline(referral), ages=ages(referral.child, almaty_today()),
        contacts=queries.contacts(referral.id), assessment=assessment, proposals=proposals,
        team=queries.team(referral.id), decision_form=decision_form, contact_form=contact_form,
        assessment_form=assessment_form, team_form=team_form, waitlist_form=WaitlistForm(formdata=None),
        labels={"method": CONTACT_METHOD_LABELS, "concern": dict(CONCERN_LABELS), "level": dict(LEVEL_LABELS),
                "domain": DOMAIN_LABELS, "need": NEED_LABELS},
        domains=DOMAINS, can_manage=current_user.role is Role.COORDINATOR, Status=Status,
        centers=center_queries.centers(), family=case_panel(referral, current_user)), status


@bp.route("/cases/<int:referral_id>/decide", methods=["POST"])
@role_required(Role.COORDINATOR)
def decide(referral_id):
    referral = _case_or_404(referral_id)
    form = DecisionForm()
    form.fill_choices(exclude_center_id=referral.center_id)
    target = request.form.get("to", "")
    result = []

    def decide_now():
        result.append(referral_services.transition(referral, to=target, actor=current_user, reason=form.reason.data,
                                                   reason_code=form.reason_code.data,
                                                   center_code=form.center_code.data))

    if form.validate_on_submit() and run_and_commit(decide_now, None):
        flash(_("Saved: the referral is now %(status)s.", status=referral.status_label), "success")
        if result[0] is not referral:
            return redirect(url_for("intake.queue"))
    return _to_case(referral)


@bp.route("/cases/<int:referral_id>/contact", methods=["POST"])
@role_required(Role.COORDINATOR)
def contact(referral_id):
    referral = _case_or_404(referral_id)
    form = ContactForm()
    if form.validate_on_submit() and run_and_commit(
            lambda: services.record_contact(referral, actor=current_user, **form.service_kwargs()),
            _("The contact was recorded."), form=form):
        return _to_case(referral)
    return render_case(referral, 422, contact_form=form)


@bp.route("/cases/<int:referral_id>/assessment", methods=["POST"])
@role_required(Role.COORDINATOR)
def assessment(referral_id):
    referral = _case_or_404(referral_id)
    form = AssessmentForm()
    if form.validate_on_submit() and run_and_commit(
            lambda: services.record_assessment(referral, actor=current_user, **form.service_kwargs()),
            _("The assessment was recorded."), form=form):
        return _to_case(referral)
    return render_case(referral, 422, assessment_form=form)


@bp.route("/cases/<int:referral_id>/team", methods=["POST"])
@role_required(Role.COORDINATOR)
def team(referral_id):
    referral = _case_or_404(referral_id)
    proposals = services.propose_team(referral, queries.latest_assessment(referral.id) or abort(409))
    form = team_form_class(proposals)()
    if form.validate_on_submit():
        members = {p.discipline.id: form[f"specialist_{p.discipline.id}"].data for p in proposals
                   if form[f"include_{p.discipline.id}"].data}
        if run_and_commit(lambda: services.assign_team(referral, members=members, lead_discipline_id=form.lead.data,
                                                       actor=current_user),
                          _("The team was assigned and the child is enrolled."), form=form):
            return _to_case(referral)
    return render_case(referral, 422, team_form=form)


@bp.route("/cases/<int:referral_id>/waitlist", methods=["POST"])
@role_required(Role.COORDINATOR)
def add_to_waitlist(referral_id):
    referral = _case_or_404(referral_id)
    form = WaitlistForm()
    if form.validate_on_submit():
        run_and_commit(lambda: services.put_on_waitlist(referral, discipline_ids=form.disciplines.data,
                                                        reason=form.reason.data, actor=current_user),
                       _("The child is on the waitlist."))
    else:
        flash(_("Give a reason."), "error")
    return _to_case(referral)
