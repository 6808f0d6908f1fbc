"""The rollout's pages. Foundation staff work here; coordinators read their own center's equipment and training;
ministry officials see the national aggregates. No page here shows a child."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eic.centers import queries as center_queries
from eic.centers.models import Center, Discipline
from eic.core.auth import role_required
from eic.core.forms import SpreadsheetForm, run_and_commit
from eic.core.i18n import localized
from eic.core.permissions import get_visible_or_404
from eic.core.roles import Role
from eic.core.timeutil import almaty_today
from eic.core.validation import parse_int
from eic.extensions import db

from . import figures, imports, queries, services
from .forms import (CHECKLIST_ITEMS, SCORE_CHOICES, AdvanceForm, BudgetForm, CohortForm, CompleteForm, CourseForm,
                    DateOnlyForm, DayForm, EnrolForm, IssueForm, ItemForm, LineForm, VisitForm, center_choices)
from .models import STAGES, Cohort, Course, EquipmentItem, VisitAction
from .permissions import ROLLOUT_MENU, can_manage, center_filter, lines_visible_to

bp = Blueprint("rollout", __name__, template_folder="templates", url_prefix="/rollout")
FOUNDATION = (Role.FOUNDATION,)
READERS = (Role.FOUNDATION, Role.COORDINATOR)


def own_center_id():
    """None for the foundation (every center); the coordinator's own center."""
    return center_filter(current_user)


@bp.context_processor
def rollout_flags():
    """What the rollout's templates may offer: its menu, whether the user records (the foundation), and the one
    center a coordinator's pages are about."""
    return {"rollout_menu": ROLLOUT_MENU.links(current_user), "can_manage": can_manage(current_user),
            "own_center_id": own_center_id()}


def _save(form, action, message) -> bool:
    return run_and_commit(action, message, form=form)


# --- readiness -----------------------------------------------------------------------------------------------------

@bp.route("/")
@role_required(Role.FOUNDATION, Role.COORDINATOR, Role.MINISTRY)
def index():
    today = almaty_today()
    rows = figures.readiness(today, own_center_id())
    national = figures.national_readiness(rows)
    progress = figures.progress(today, own_center_id())
    year = parse_int(request.args.get("year") or "") or (figures.budget_years() or [today.year])[-1]
    money = figures.budget(year, own_center_id())

    per_center = progress_target()
    charts = {"readiness": {
        "type": "bar", "horizontal": True, "percent": True, "labels": [localized(r.center, "city") for r in rows],
        "datasets": [{"label": _("Equipment commissioned"), "data": [_percent(r.equipment_share) for r in rows]},
                     {"label": _("Budget spent"), "data": [_percent(r.budget_share) for r in rows]},
                     {"label": _("Specialists trained, of the center's target"),
                      "data": [min(round(100 * r.trained / per_center), 100) for r in rows]}]}}
    return render_template("rollout/index.html", rows=rows, national=national, progress=progress, money=money,
                           year=year, charts=charts, today=today, per_center=per_center,
                           disciplines={d.code: d for d in center_queries.disciplines()})


def _percent(share):
    return round(100 * share) if share is not None else None


def progress_target() -> int:
    from eic.core.settings import get_setting

    from .settings import TRAINED_PER_CENTER

    return get_setting(TRAINED_PER_CENTER.key)


# --- equipment -----------------------------------------------------------------------------------------------------

@bp.route("/equipment", methods=["GET", "POST"])
@role_required(*READERS)
def equipment():
    today = almaty_today()
    form = LineForm(programme_year=today.year)
    form.fill_choices()
    if request.method == "POST":
        if current_user.role is not Role.FOUNDATION:
            abort(403)
        if form.validate_on_submit() and _save(form, lambda: services.plan_line(
                center=db.session.get(Center, form.center.data), item=db.session.get(EquipmentItem, form.item.data),
                programme_year=form.programme_year.data, quantity=form.quantity.data, source=form.source.data,
                expected_delivery_on=form.expected_delivery_on.data, notes=form.notes.data, actor=current_user),
                _("Line added.")):
            return redirect(url_for("rollout.equipment"))
    return equipment_page(form)


def equipment_page(form=None, *, upload=None, errors=()):
    """The equipment page; also shown again, with its errors, after a failed import."""
    today = almaty_today()
    if form is None:
        form = LineForm(programme_year=today.year)
        form.fill_choices()
    center_id = own_center_id() or parse_int(request.args.get("center") or "")
    stage = request.args.get("stage") or ""
    lines = queries.allocation_lines(current_user, center_id=center_id, stage=stage)
    return render_template("rollout/equipment.html", lines=lines, form=form,
                           overdue=figures.overdue_deliveries(today, own_center_id()), stage=stage,
                           center_id=center_id, centers=center_choices(), upload=upload or SpreadsheetForm(),
                           errors=errors, columns=imports.EQUIPMENT, stages=STAGES)


@bp.route("/equipment/<int:line_id>", methods=["GET", "POST"])
@role_required(*READERS)
def line(line_id):
    line = get_visible_or_404(lines_visible_to(current_user), line_id)
    advance, issue, resolve = AdvanceForm(prefix="advance"), IssueForm(prefix="issue"), DateOnlyForm(prefix="resolve")
    if request.method == "POST":
        if current_user.role is not Role.FOUNDATION:
            abort(403)
        what = request.form.get("what")
        done = False
        if what == "advance" and advance.validate_on_submit():
            done = _save(advance, lambda: services.advance(
                line, to_stage=services.next_stage(line.stage), on=advance.on.data, document=advance.document.data,
                expected_delivery_on=advance.expected_delivery_on.data, actor=current_user), _("Step recorded."))
        elif what == "issue" and issue.validate_on_submit():
            done = _save(issue, lambda: services.report_issue(
                line, kind=issue.kind.data, reported_on=issue.reported_on.data, description=issue.description.data,
                actor=current_user), _("Issue recorded."))
        elif what == "resolve" and resolve.validate_on_submit():
            target = queries.issue_of_line(line, parse_int(request.form.get("issue_id") or "")) or abort(404)
            done = _save(resolve, lambda: services.resolve_issue(target, on=resolve.on.data, actor=current_user),
                         _("Issue resolved."))
        if done:
            return redirect(url_for("rollout.line", line_id=line.id))
    return render_template("rollout/line.html", line=line, advance=advance, issue=issue, resolve=resolve,
                           next_stage=services.next_stage(line.stage), stages=STAGES)


@bp.route("/catalogue", methods=["GET", "POST"])
@role_required(*FOUNDATION)
def catalogue():
    form = ItemForm()
    if form.validate_on_submit() and _save(form, lambda: services.create_item(
            actor=current_user, **{k: form[k].data for k in ("code", "name_kk", "name_ru", "name_en", "category",
                                                             "manufacturer", "model", "unit_price")}),
            _("Item added.")):
        return redirect(url_for("rollout.catalogue"))
    items = queries.catalogue()
    return render_template("rollout/catalogue.html", items=items, form=form)


# --- budget --------------------------------------------------------------------------------------------------------

@bp.route("/budget", methods=["GET", "POST"])
@role_required(*FOUNDATION)
def budget():
    today = almaty_today()
    year = parse_int(request.values.get("year") or "") or (figures.budget_years() or [today.year])[-1]
    form = BudgetForm(year=year)
    if form.validate_on_submit() and _save(form, lambda: services.set_programme_budget(
            year=form.year.data, source=form.source.data, amount=form.amount.data, actor=current_user),
            _("Programme budget saved.")):
        return redirect(url_for("rollout.budget", year=form.year.data))
    return render_template("rollout/budget.html", money=figures.budget(year), year=year, form=form,
                           years=figures.budget_years())


# --- training ------------------------------------------------------------------------------------------------------

@bp.route("/training")
@role_required(*READERS)
def training():
    return training_page()


def training_page(*, upload=None, errors=()):
    """The training page; also shown again, with its errors, after a failed import."""
    today = almaty_today()
    center_id = own_center_id()
    return render_template("rollout/training.html", progress=figures.progress(today, center_id),
                           needed=figures.still_needed(today, center_id), today=today,
                           courses=queries.courses(), cohorts=queries.cohorts(),
                           enrolments=queries.recent_enrolments(current_user),
                           centers={c.id: c for c in center_queries.centers(active_only=False)},
                           upload=upload or SpreadsheetForm(), errors=errors, columns=imports.ROSTER,
                           disciplines={d.code: d for d in center_queries.disciplines()})


@bp.route("/training/courses", methods=["GET", "POST"])
@role_required(*FOUNDATION)
def courses():
    form, cohort = CourseForm(prefix="course"), CohortForm(prefix="cohort")
    cohort.course.choices = [(c.id, f"{c.code} · {c.title}")
                             for c in queries.courses()]
    form.required_for.choices = [(d.code, localized(d, "name")) for d in center_queries.disciplines()]
    what = request.form.get("what")
    if what == "course" and form.validate_on_submit() and _save(form, lambda: services.create_course(
            actor=current_user, required_for=",".join(form.required_for.data or []),
            **{k: form[k].data for k in ("code", "title", "provider", "hours", "mode", "counts_toward_target",
                                         "refresher_months")}), _("Course added.")):
        return redirect(url_for("rollout.courses"))
    if what == "cohort" and cohort.validate_on_submit() and _save(cohort, lambda: services.create_cohort(
            course=db.session.get(Course, cohort.course.data), name=cohort.name.data,
            starts_on=cohort.starts_on.data, ends_on=cohort.ends_on.data, location=cohort.location.data,
            actor=current_user), _("Cohort added.")):
        return redirect(url_for("rollout.courses"))
    return render_template("rollout/courses.html", form=form, cohort_form=cohort,
                           courses=queries.courses(), cohorts=queries.cohorts())


@bp.route("/training/cohorts/<int:cohort_id>", methods=["GET", "POST"])
@role_required(*FOUNDATION)
def cohort(cohort_id):
    cohort = db.get_or_404(Cohort, cohort_id)
    enrol, day, done = EnrolForm(prefix="enrol"), DayForm(prefix="day"), CompleteForm(prefix="done")
    enrol.center.choices = center_choices()
    enrol.discipline.choices = [(d.id, localized(d, "name")) for d in center_queries.disciplines()]
    what = request.form.get("what")
    enrolment = None
    if what in ("day", "done"):
        enrolment = queries.enrolment_in_cohort(cohort, parse_int(request.form.get("enrolment_id") or "")) \
            or abort(404)
    ok = False
    if what == "enrol" and enrol.validate_on_submit():
        ok = _save(enrol, lambda: services.enrol_staff_member(
            cohort=cohort, center=db.session.get(Center, enrol.center.data), full_name=enrol.full_name.data,
            discipline=db.session.get(Discipline, enrol.discipline.data), email=enrol.email.data,
            actor=current_user), _("Enrolled."))
    elif what == "day" and day.validate_on_submit():
        ok = _save(day, lambda: services.record_day(enrolment, on=day.on.data, present=day.present.data,
                                                    actor=current_user), _("Attendance recorded."))
    elif what == "done" and done.validate_on_submit():
        ok = _save(done, lambda: services.complete(enrolment, completed_on=done.completed_on.data,
                                                   certificate_number=done.certificate_number.data,
                                                   actor=current_user), _("Completion recorded."))
    if ok:
        return redirect(url_for("rollout.cohort", cohort_id=cohort.id))
    enrolments = queries.cohort_enrolments(cohort)
    return render_template("rollout/cohort.html", cohort=cohort, enrolments=enrolments, enrol=enrol, day=day,
                           done=done)


# --- mentoring -----------------------------------------------------------------------------------------------------

@bp.route("/visits", methods=["GET", "POST"])
@role_required(*FOUNDATION)
def visits():
    today = almaty_today()
    form = VisitForm(visited_on=today)
    form.center.choices = center_choices()
    if form.validate_on_submit() and _save(form, lambda: services.record_visit(
            center=db.session.get(Center, form.center.data), kind=form.kind.data, visited_on=form.visited_on.data,
            mentor=form.mentor.data, scores=form.scores(), findings=form.findings.data,
            actions=form.filled_actions(), actor=current_user), _("Visit recorded.")):
        return redirect(url_for("rollout.visits"))
    return render_template("rollout/visits.html", form=form, checklist=CHECKLIST_ITEMS, score_choices=SCORE_CHOICES,
                           visits=queries.visits(),
                           overdue=figures.overdue_actions(today), finish=DateOnlyForm(prefix="finish"), today=today)


@bp.route("/visits/actions/<int:action_id>/done", methods=["POST"])
@role_required(*FOUNDATION)
def finish_action(action_id):
    action = db.get_or_404(VisitAction, action_id)
    form = DateOnlyForm(prefix="finish")
    if not form.validate_on_submit():
        flash(_("Enter a date as YYYY-MM-DD."), "error")
    else:
        _save(form, lambda: services.finish_action(action, on=form.on.data, actor=current_user),
              _("Action marked done."))
    return redirect(url_for("rollout.visits"))
