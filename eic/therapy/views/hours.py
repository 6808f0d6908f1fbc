"""The coordinator's page for opening hours, closures, specialists' working hours and absences."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eic.centers.permissions import specialists_visible_to
from eic.core.auth import role_required
from eic.core.errors import DomainError
from eic.core.forms import run_and_commit
from eic.core.permissions import get_visible_or_404
from eic.core.roles import Role
from eic.core.timeutil import ALMATY, almaty_today
from eic.core.validation import parse_int
from eic.extensions import db
from eic.intake import queries as intake_queries

from .. import queries, services
from ..forms import ABSENCE_KIND_LABELS, WEEKDAY_LABELS, AbsenceForm, ClosureForm, hours_form_class, hours_from
from ..models import OpeningHours, WorkingHours
from ..services import availability, reconcile
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


def _save(action, message, *, specialist_id=None, default_reason=""):
    """Save a change of hours, an absence or a closure; when it leaves booked sessions untrue, first show them
    with a proposed slot each, and save the change with the coordinator's decisions in one step."""
    back = url_for("therapy.hours", **({"specialist_id": specialist_id} if specialist_id else {}))
    center_id = current_user.center_id
    if "reconcile" in request.form:
        counts = {}

        def change_and_settle():
            action()
            counts.update(reconcile.settle(_decisions(request.form), center_id=center_id, actor=current_user,
                                           reason=request.form.get("cancel_reason", ""),
                                           specialist_id=specialist_id))

        try:
            if run_and_commit(change_and_settle, None, reraise=(services.BookingClash,)):
                flash(_("%(message)s Sessions moved: %(moved)s, cancelled: %(cancelled)s; the families are told.",
                        message=message, **counts), "success")
                return redirect(back)
        except services.BookingClash as exc:
            flash(str(exc.message) + " " + " ".join(c.message for c in exc.clashes), "error")
    else:
        try:
            found = reconcile.try_change(action, center_id, specialist_id=specialist_id)
        except DomainError as exc:
            db.session.rollback()
            flash(" ".join([str(exc.message)] + [str(m) for v in exc.fields.values() for m in v]), "error")
            return redirect(back)
        if not found:
            run_and_commit(action, message)
            return redirect(back)
    return _reconcile_page(center_id, action, specialist_id, back, default_reason)


def _decisions(form) -> dict:
    """``decision-<session id>`` = move | cancel, with ``slot-<session id>`` for a move."""
    found = {}
    for name, value in form.items():
        if name.startswith("decision-") and (session_id := parse_int(name.removeprefix("decision-"))):
            slot = reconcile.Slot.parse(form.get(f"slot-{session_id}")) if value == "move" else None
            found[session_id] = (value, slot)
    return found


def _reconcile_page(center_id, action, specialist_id, back, default_reason):
    found = reconcile.try_change(action, center_id, specialist_id=specialist_id)
    rows = queries.sessions_by_id([a.session_id for a in found])
    staff = {s.id: s.full_name for s in intake_queries.specialists(center_id)}
    ours = ("csrf_token", "reconcile", "cancel_reason")
    hidden = [(k, v) for k, vs in request.form.lists() for v in vs
              if k not in ours and not k.startswith(("decision-", "slot-"))]
    return render_template("therapy/reconcile.html", found=found, rows=rows, staff=staff, hidden=hidden, back=back,
                           action=request.path, ALMATY=ALMATY,
                           cancel_reason=request.form.get("cancel_reason") or default_reason,
                           chosen=_decisions(request.form)), 409


@bp.route("/hours/opening", methods=["POST"])
@role_required(Role.COORDINATOR)
def save_opening_hours():
    form = hours_form_class()(prefix="opening")
    if not form.validate_on_submit():
        flash(_("Enter times as HH:MM."), "error")
        return redirect(url_for("therapy.hours"))
    return _save(lambda: availability.set_opening_hours(current_user.center, hours=hours_from(form),
                                                        actor=current_user), _("Opening hours saved."),
                 default_reason=_("The center's opening hours changed."))


@bp.route("/hours/specialists/<int:user_id>", methods=["POST"])
@role_required(Role.COORDINATOR)
def save_working_hours(user_id):
    specialist = get_visible_or_404(specialists_visible_to(current_user), user_id)
    form = hours_form_class()(prefix="working")
    if not form.validate_on_submit():
        flash(_("Enter times as HH:MM."), "error")
        return redirect(url_for("therapy.hours", specialist_id=specialist.id))
    return _save(lambda: availability.set_working_hours(specialist, hours=hours_from(form), actor=current_user),
                 _("Working hours saved."), specialist_id=specialist.id,
                 default_reason=_("The specialist's working hours changed."))


@bp.route("/hours/closures", methods=["POST"])
@role_required(Role.COORDINATOR)
def add_closure():
    form = ClosureForm()
    if not form.validate_on_submit():
        flash(" ".join(str(m) for v in form.errors.values() for m in v), "error")
        return redirect(url_for("therapy.hours"))
    return _save(lambda: availability.add_closure(current_user.center, on=form.on.data, reason=form.reason.data,
                                                  actor=current_user), _("The closure was added."),
                 default_reason=form.reason.data)


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
                 _("The absence was added."), specialist_id=specialist.id,
                 default_reason=_("The specialist is absent."))
