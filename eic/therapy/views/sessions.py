"""Calendar pages: booking from a case, the week view, a session, and the specialist's day."""
from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from eic.centers.permissions import colleagues_visible_to, rooms_visible_to
from eic.core.auth import role_required
from eic.core.errors import ValidationFailed
from eic.core.forms import run_and_commit
from eic.core.i18n import localized
from eic.core.permissions import get_visible, get_visible_or_404
from eic.core.roles import Role
from eic.core.timeutil import ALMATY, almaty_today, utc_now
from eic.core.validation import parse_date, parse_int
from eic.extensions import db
from eic.family import practice
from eic.intake import queries as intake_queries
from eic.referrals import queries as referral_queries
from eic.referrals.permissions import referrals_visible_to
from eic.referrals.status import Status

from .. import offline, queries, services
from ..forms import (ABSENCE_LABELS, SERVICE_KIND_LABELS, SETTING_LABELS, AttendanceForm, BookingForm, CancelForm,
                     GroupBookingForm, MoveForm, NoteForm, RosterForm, SeriesMoveForm)
from ..permissions import can_book, can_open_session, can_record, can_write_note, sessions_open_to, sessions_visible_to
from ..services import plans, reconcile
from .blueprint import bp

STAFF = (Role.COORDINATOR, Role.SPECIALIST)


def _session_or_404(user, session_id):
    """A session ``user`` may open (its center's, and for a specialist their own or their team's child), else
    404 like a missing one."""
    from flask import abort

    row = get_visible_or_404(sessions_visible_to(user), session_id)
    if not can_open_session(user, row):
        abort(404)
    return row


def _service_label(service) -> str:
    name = localized(service.discipline, "name") if service.discipline else str(SERVICE_KIND_LABELS[service.kind])
    return f"{name}: {service.frequency} × {service.minutes}"


def _try_booking(form, *, referral, **extra):
    """Validate a booking form and book; returns (sessions, clashes). Commits on success; on a clash offers
    the clashing dates to skip; on other refusals puts the messages on the form."""
    if not form.validate_on_submit():
        return [], []
    sessions = []

    def book():
        sessions.extend(services.book_series(
            center=current_user.center, referral=referral, setting=form.setting.data,
            specialist=get_visible(colleagues_visible_to(current_user), form.specialist.data),
            room=get_visible(rooms_visible_to(current_user), form.room.data) if form.room.data else None,
            start_on=form.start_on.data, at=form.at.data, minutes=form.minutes.data,
            weekdays=form.weekdays.data or None, until_on=form.until_on.data, count=form.count.data,
            skip_dates=[d for d in map(parse_date, form.skip_dates.data or []) if d], actor=current_user, **extra))

    try:
        run_and_commit(book, _("The sessions are booked."), form=form, reraise=(services.BookingClash,))
    except services.BookingClash as exc:
        form.skip_dates.choices = sorted({(c.occurrence.day.isoformat(), c.occurrence.day) for c in exc.clashes})
        flash(str(exc.message), "error")
        return [], exc.clashes
    return sessions, []


def _fill_booking_choices(form):
    form.specialist.choices = [(s.id, s.full_name) for s in intake_queries.specialists(current_user.center_id)]
    form.room.choices = [(0, "—")] + [(r.id, r.name) for r in current_user.center.rooms if r.is_active]


@bp.route("/cases/<int:referral_id>/book", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def book(referral_id):
    referral = referral_queries.open_case(current_user, referral_id)
    form = BookingForm()
    _fill_booking_choices(form)
    plan = plans.current_plan(referral.id)
    plan_services = {s.id: s for s in plan.services if not s.is_refused} if plan else {}
    form.plan_service.choices = [(0, "—")] + [(s.id, _service_label(s)) for s in plan_services.values()]
    sessions, clashes = _try_booking(form, referral=referral,
                                     plan_service=plan_services.get(form.plan_service.data))
    if sessions:
        return redirect(url_for("therapy.week", referral_id=referral.id, start=form.start_on.data.isoformat()))
    return render_template("therapy/book.html", form=form, referral=referral, clashes=clashes,
                           can_book=referral.status is Status.ENROLLED), 409 if clashes else 200


@bp.route("/groups/book", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def book_group():
    form = GroupBookingForm()
    _fill_booking_choices(form)
    form.plan_service.choices = [(0, "—")]
    sessions, clashes = _try_booking(form, referral=None, capacity=form.capacity.data, audience=form.audience.data)
    if sessions:
        return redirect(url_for("therapy.session_detail", session_id=sessions[0].id))
    return render_template("therapy/book_group.html", form=form, clashes=clashes), 409 if clashes else 200


@bp.route("/sessions/<int:session_id>/roster", methods=["POST"])
@role_required(Role.COORDINATOR)
def add_to_roster(session_id):
    def add(row, form):
        referral = get_visible(referrals_visible_to(current_user), form.referral.data) if form.referral.data else None
        if referral is None:
            raise ValidationFailed(fields={"referral": [_("Choose the child.")]})
        services.join_group(row, referral=referral, actor=current_user)

    return _act(session_id, RosterForm, add, _("Added to the group from this session on."))


@bp.route("/sessions/<int:session_id>/roster/<int:referral_id>/leave", methods=["POST"])
@role_required(Role.COORDINATOR)
def leave_group(session_id, referral_id):
    """Take a child off the group from this session on."""
    row = _session_or_404(current_user, session_id)
    referral = referral_queries.open_case(current_user, referral_id)
    run_and_commit(lambda: services.leave_group(row, referral=referral, actor=current_user),
                   _("The child left the group from this session on."))
    return redirect(url_for("therapy.session_detail", session_id=row.id))


@bp.route("/sessions/<int:session_id>/group-attendance", methods=["POST"])
@role_required(*STAFF)
def group_attendance(session_id):
    """Each child's attendance, reason and note in a group session, in one form."""
    row = _session_or_404(current_user, session_id)
    marks = {}
    for entry in row.roster:
        value = request.form.get(f"attended-{entry.referral_id}", "")
        attended = {"yes": True, "no": False}.get(value)
        marks[entry.referral_id] = (attended, request.form.get(f"reason-{entry.referral_id}") or None,
                                    request.form.get(f"note-{entry.referral_id}", ""))
    run_and_commit(lambda: services.record_group_attendance(row, marks=marks, actor=current_user),
                   _("Attendance saved."))
    return redirect(url_for("therapy.session_detail", session_id=row.id))


@bp.route("/week")
@role_required(*STAFF)
def week():
    start = parse_date(request.args.get("start")) or almaty_today()
    start -= timedelta(days=start.weekday())
    filters = {k: parse_int(request.args.get(k)) for k in ("specialist_id", "room_id", "referral_id")
               if request.args.get(k)}
    rows = db.session.scalars(queries.sessions_between(center_id=current_user.center_id, first=start,
                                                       last=start + timedelta(days=6), **filters)).all()
    days = [start + timedelta(days=i) for i in range(7)]
    by_day = {d: [s for s in rows if s.starts_at.astimezone(ALMATY).date() == d] for d in days}
    # Sessions an absence, a closure or changed hours has made untrue since they were booked.
    week_from, week_until = queries.day_bounds(start, start + timedelta(days=6))
    conflicts = {session.id: [c.message for c in clashes] for session, clashes in reconcile.untrue_sessions(
        current_user.center_id, now=max(utc_now(), week_from), until=week_until)}
    return render_template("therapy/week.html", days=days, by_day=by_day, start=start, filters=filters,
                           conflicts=conflicts, can_open=sessions_open_to(current_user, rows),
                           staff=intake_queries.specialists(current_user.center_id), rooms=current_user.center.rooms,
                           settings=SETTING_LABELS, ALMATY=ALMATY, prev_week=start - timedelta(days=7),
                           next_week=start + timedelta(days=7), can_book=can_book(current_user, current_user.center_id))


@bp.route("/my-day")
@role_required(Role.SPECIALIST)
def my_day():
    day = parse_date(request.args.get("day")) or almaty_today()
    rows = db.session.scalars(queries.sessions_between(center_id=current_user.center_id, first=day, last=day,
                                                       specialist_id=current_user.id)).all()
    goals = plans.current_goals({s.referral_id for s in rows if s.referral_id})
    return render_template("therapy/my_day.html", day=day, sessions=rows, settings=SETTING_LABELS, ALMATY=ALMATY,
                           one_day=timedelta(days=1),
                           goals=goals)


@bp.route("/sessions/<int:session_id>")
@role_required(*STAFF)
def session_detail(session_id):
    row = _session_or_404(current_user, session_id)
    local = row.starts_at.astimezone(ALMATY)
    plan = plans.current_plan(row.referral_id) if row.referral_id else None
    note_form = NoteForm(formdata=None, done=row.note_done, progress=row.note_progress,
                         family_plan=row.note_family_plan, goal_ids=row.note_goal_ids)
    note_form.goal_ids.choices = [(g.id, g.description) for g in plan.goals] if plan else []
    roster_form = RosterForm(formdata=None)
    if row.is_group:
        roster_form.referral.choices = [(r.id, r.child.full_name) for r in db.session.scalars(
            referral_queries.referral_list(current_user, status=Status.ENROLLED.value))]
    return render_template("therapy/session.html", s=row, settings=SETTING_LABELS, absence_labels=ABSENCE_LABELS,
                           roster_form=roster_form,
                           ALMATY=ALMATY, cancel_form=CancelForm(formdata=None),
                           move_form=MoveForm(formdata=None, on=local.date(), at=local.time()),
                           series_form=_series_form(row, local),
                           attendance_form=AttendanceForm(
                               formdata=None, attended="no" if row.attendance == "absent" else "yes",
                               reason=row.absence_reason or ""),
                           note_form=note_form,
                           note_late=services.is_note_late(row, today=almaty_today()),
                           can_book=can_book(current_user, row.center_id), can_record=can_record(current_user, row),
                           can_write_note=can_write_note(current_user, row),
                           home_practice=practice.before_next(row) if not row.is_group else None,
                           checklist=offline.checklist_of(row.id) if row.setting == "home" else None)


def _act(session_id, form_class, action, done_message):
    """Validate ``form_class``, run ``action(row, form)``, commit and go back to the session."""
    row = _session_or_404(current_user, session_id)
    form = form_class()
    if form.validate_on_submit():
        run_and_commit(lambda: action(row, form), done_message)
    else:
        flash(" ".join(str(m) for v in form.errors.values() for m in v), "error")
    return redirect(url_for("therapy.session_detail", session_id=row.id))


@bp.route("/sessions/<int:session_id>/cancel", methods=["POST"])
@role_required(Role.COORDINATOR)
def cancel(session_id):
    def cancel_now(row, form):
        if form.scope.data == "series":
            cancelled = services.cancel_series_from(row, reason=form.reason.data, actor=current_user)
            flash(_("Sessions cancelled: %(n)s. The families are told.", n=len(cancelled)), "success")
        else:
            services.cancel_session(row, reason=form.reason.data, actor=current_user)
            flash(_("The session was cancelled. The family is told."), "success")

    return _act(session_id, CancelForm, cancel_now, None)


@bp.route("/sessions/<int:session_id>/move", methods=["POST"])
@role_required(Role.COORDINATOR)
def move(session_id):
    return _act(session_id, MoveForm, lambda row, form: services.move_session(
        row, on=form.on.data, at=form.at.data, actor=current_user), _("The session was moved."))


def _series_form(row, local):
    form = SeriesMoveForm(formdata=None, prefix="series", weekday=local.weekday(), at=local.time(), specialist=0,
                          room=0)
    form.specialist.choices = [(0, _("The same specialist"))] + [
        (s.id, s.full_name) for s in intake_queries.specialists(row.center_id)]
    form.room.choices = [(0, _("The same room"))] + [(r.id, r.name) for r in row.center.rooms if r.is_active]
    return form


@bp.route("/sessions/<int:session_id>/move-series", methods=["POST"])
@role_required(Role.COORDINATOR)
def move_series(session_id):
    """Move the rest of the series from this session on; nothing moves unless every session can."""
    row = _session_or_404(current_user, session_id)
    form = SeriesMoveForm(prefix="series")
    if not form.validate_on_submit():
        flash(" ".join(str(m) for v in form.errors.values() for m in v), "error")
        return redirect(url_for("therapy.session_detail", session_id=row.id))
    specialist = get_visible(colleagues_visible_to(current_user), form.specialist.data) if form.specialist.data \
        else None
    room = get_visible(rooms_visible_to(current_user), form.room.data) if form.room.data else None
    moved = []
    try:
        run_and_commit(lambda: moved.extend(services.move_series_from(
            row, weekday=form.weekday.data, at=form.at.data, specialist=specialist, room=room, actor=current_user)),
            None, reraise=(services.BookingClash,))
    except services.BookingClash as exc:
        flash(" ".join([str(exc.message)] + [f"{format_date(c.occurrence.day, 'long')}: {c.message}."
                                             for c in exc.clashes]), "error")
        return redirect(url_for("therapy.session_detail", session_id=row.id))
    if moved:
        flash(_("Sessions moved: %(n)s. The families are told.", n=len(moved)), "success")
    return redirect(url_for("therapy.session_detail", session_id=row.id))


@bp.route("/sessions/<int:session_id>/attendance", methods=["POST"])
@role_required(*STAFF)
def attendance(session_id):
    return _act(session_id, AttendanceForm, lambda row, form: services.record_attendance(
        row, attended=form.attended.data == "yes", reason=form.reason.data or None, actor=current_user),
        _("Attendance recorded."))


@bp.route("/sessions/<int:session_id>/note", methods=["POST"])
@role_required(Role.SPECIALIST)
def note(session_id):
    return _act(session_id, NoteForm, lambda row, form: services.record_note(
        row, done=form.done.data, progress=form.progress.data, family_plan=form.family_plan.data,
        goal_ids=form.goal_ids.data or [], actor=current_user), _("The note was saved."))
