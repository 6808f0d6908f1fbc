"""The coordinator's page for opening hours, closures, specialists' working hours and absences."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eic.centers.permissions import specialists_visible_to
from eic.core.auth import role_required
from eic.core.forms import run_and_commit
from eic.core.permissions import get_visible_or_404
from eic.core.roles import Role
from eic.core.timeutil import almaty_today
from eic.core.validation import parse_int
from eic.intake import queries as intake_queries

from .. import queries
from ..forms import ABSENCE_KIND_LABELS, WEEKDAY_LABELS, AbsenceForm, ClosureForm, hours_form_class, hours_from
from ..models import OpeningHours, WorkingHours
from ..services import availability
from .blueprint import bp


def _filled(form, hours):
    for weekday, (start, end) in hours.items():
        form[f"start_{weekday}"].data, form[f"end_{weekday}"].data = start, end
    return form


@bp.route("/hours")
@role_required(Role.COORDINATOR)
def hours():
    center_id = current_user.center_id
    staff = intake_queries.specialists(center_id)
    chosen = parse_int(request.args.get("specialist_id") or "") or (staff[0].id if staff else None)
    specialist = get_visible_or_404(specialists_visible_to(current_user), chosen) if chosen else None
    opening = _filled(hours_form_class()(formdata=None, prefix="opening"),
                      availability.hours_of(OpeningHours, OpeningHours.center_id, center_id))
    working = _filled(hours_form_class()(formdata=None, prefix="working"), availability.hours_of(
        WorkingHours, WorkingHours.user_id, specialist.id)) if specialist else None
    absence_form = AbsenceForm(formdata=None, specialist=chosen)
    absence_form.specialist.choices = [(s.id, s.full_name) for s in staff]
    today = almaty_today()
    closures = queries.upcoming_closures(center_id, today)
    absences = queries.upcoming_absences(center_id, today)
    return render_template("therapy/hours.html", opening=opening, working=working, specialist=specialist,
                           staff=staff, weekdays=WEEKDAY_LABELS, closure_form=ClosureForm(formdata=None),
                           absence_form=absence_form, closures=closures, absences=absences,
                           absence_labels=ABSENCE_KIND_LABELS, names={s.id: s.full_name for s in staff})


def _save(action, message, **redirect_args):
    run_and_commit(action, message)
    return redirect(url_for("therapy.hours", **redirect_args))


@bp.route("/hours/opening", methods=["POST"])
@role_required(Role.COORDINATOR)
def save_opening_hours():
    form = hours_form_class()(prefix="opening")
    if not form.validate_on_submit():
        flash(_("Enter times as HH:MM."), "error")
        return redirect(url_for("therapy.hours"))
    return _save(lambda: availability.set_opening_hours(current_user.center, hours=hours_from(form),
                                                        actor=current_user), _("Opening hours saved."))


@bp.route("/hours/specialists/<int:user_id>", methods=["POST"])
@role_required(Role.COORDINATOR)
def save_working_hours(user_id):
    specialist = get_visible_or_404(specialists_visible_to(current_user), user_id)
    form = hours_form_class()(prefix="working")
    if not form.validate_on_submit():
        flash(_("Enter times as HH:MM."), "error")
        return redirect(url_for("therapy.hours", specialist_id=specialist.id))
    return _save(lambda: availability.set_working_hours(specialist, hours=hours_from(form), actor=current_user),
                 _("Working hours saved."), specialist_id=specialist.id)


@bp.route("/hours/closures", methods=["POST"])
@role_required(Role.COORDINATOR)
def add_closure():
    form = ClosureForm()
    if not form.validate_on_submit():
        flash(" ".join(str(m) for v in form.errors.values() for m in v), "error")
        return redirect(url_for("therapy.hours"))
    return _save(lambda: availability.add_closure(current_user.center, on=form.on.data, reason=form.reason.data,
                                                  actor=current_user), _("The closure was added."))


@bp.route("/hours/absences", methods=["POST"])
@role_required(Role.COORDINATOR)
def add_absence():
    form = AbsenceForm()
    if not form.validate_on_submit():
        flash(" ".join(str(m) for v in form.errors.values() for m in v), "error")
        return redirect(url_for("therapy.hours"))
    specialist = get_visible_or_404(specialists_visible_to(current_user), form.specialist.data)
    return _save(lambda: availability.add_absence(specialist, starts_on=form.starts_on.data, ends_on=form.ends_on.data,
                                                  kind=form.kind.data, actor=current_user),
                 _("The absence was added."), specialist_id=specialist.id)
