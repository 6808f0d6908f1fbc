"""Spreadsheets in and out: the equipment allocation and training roster imports with their templates, and the
equipment register, budget and training roster exports."""
from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from eic.core.auth import role_required
from eic.core.forms import SpreadsheetForm
from eic.core.i18n import localized
from eic.core.roles import Role
from eic.core.timeutil import almaty_today
from eic.core.validation import parse_int
from eic.core.xlsx import xlsx_response
from eic.core.xlsx_import import RowsInvalid, SpreadsheetRejected, read_rows
from eic.extensions import db

from . import figures, imports
from .labels import BUDGET_SOURCE_LABELS, CATEGORY_LABELS, ENROLMENT_LABELS, SOURCE_LABELS, STAGE_LABELS
from .models import AllocationLine, Cohort, Course, Enrolment, EquipmentItem, Trainee
from .views import bp, own_center_id

IMPORTERS = {"equipment": (imports.import_equipment, "rollout.equipment"),
             "roster": (imports.import_roster, "rollout.training")}


@bp.route("/import/<kind>", methods=["POST"])
@role_required(Role.FOUNDATION)
def import_file(kind):
    """Any error in the file imports nothing; the page comes back with the errors by row and column."""
    if kind not in IMPORTERS:
        abort(404)
    importer, endpoint = IMPORTERS[kind]
    form = SpreadsheetForm()
    if form.validate_on_submit():
        try:
            rows = read_rows(form.file.data.stream, columns=len(imports.KINDS[kind]))
            count = importer(rows, actor=current_user)
        except SpreadsheetRejected as exc:
            db.session.rollback()
            flash(str(exc.message), "error")
        except RowsInvalid as exc:
            db.session.rollback()
            return _page_with_errors(kind, exc.errors), 422
        else:
            db.session.commit()
            flash(_("Imported %(n)s rows.", n=count), "success")
            return redirect(url_for(endpoint))
    else:
        for message in form.file.errors:
            flash(str(message), "error")
    return redirect(url_for(endpoint))


def _page_with_errors(kind, errors):
    from . import views

    if kind == "equipment":
        return views.equipment_page(errors=errors)
    return views.training_page(errors=errors)


@bp.route("/import/<kind>/template.xlsx")
@role_required(Role.FOUNDATION)
def import_template(kind):
    """The template: the columns with one example row, and the codes to use on a second sheet."""
    if kind not in imports.KINDS:
        abort(404)
    from eic.centers import queries as center_queries

    columns = imports.KINDS[kind]
    headers = [str(c.label) for c in columns]
    example = [[c.example for c in columns]]
    codes = [[_("Center code"), c.code, localized(c, "city")] for c in center_queries.centers()]
    if kind == "equipment":
        codes += [[_("Item code"), i.code, localized(i, "name")]
                  for i in db.session.scalars(select(EquipmentItem).order_by(EquipmentItem.code))]
        codes += [[_("Funding source"), code, str(label)] for code, label in SOURCE_LABELS.items()]
    else:
        codes += [[_("Discipline code"), d.code, localized(d, "name")] for d in center_queries.disciplines()]
        codes += [[_("Course code") + " / " + _("Cohort"), c.course.code, c.name]
                  for c in db.session.scalars(select(Cohort).order_by(Cohort.starts_on))]
    return xlsx_response(f"{kind}-template.xlsx", [
        (_("Rows"), headers, example, [18] * len(headers)),
        (_("Codes"), [_("Column"), _("Code"), _("Meaning")], codes, [22, 24, 48]),
    ])


@bp.route("/equipment.xlsx")
@role_required(Role.FOUNDATION, Role.COORDINATOR)
def equipment_export():
    stmt = (select(AllocationLine).options(selectinload(AllocationLine.steps), selectinload(AllocationLine.issues))
            .order_by(AllocationLine.programme_year, AllocationLine.center_id, AllocationLine.id))
    if own_center_id() is not None:
        stmt = stmt.where(AllocationLine.center_id == own_center_id())
    headers = [_("Line"), _("Center"), _("Item code"), _("Item"), _("Category"), _("Programme year"), _("Quantity"),
               _("Unit price, tenge"), _("Amount, tenge"), _("Funding source"), _("Stage"), _("Expected delivery"),
               _("Steps"), _("Open issues")]

    def rows():
        for line in db.session.scalars(stmt):
            steps = "; ".join(f"{STAGE_LABELS[s.stage]} {s.on:%Y-%m-%d} {s.document}".strip() for s in line.steps)
            yield [line.id, localized(line.center, "city"), line.item.code, localized(line.item, "name"),
                   str(CATEGORY_LABELS.get(line.item.category, "")), line.programme_year, line.quantity,
                   line.unit_price, line.amount, str(SOURCE_LABELS.get(line.source, line.source)),
                   str(STAGE_LABELS.get(line.stage, line.stage)), line.expected_delivery_on, steps,
                   sum(1 for i in line.issues if i.resolved_on is None)]

    return xlsx_response("equipment-register.xlsx", [(_("Equipment"), headers, rows(),
                                                      [8, 16, 12, 36, 14, 10, 9, 14, 16, 22, 14, 13, 50, 10])])


@bp.route("/budget.xlsx")
@role_required(Role.FOUNDATION)
def budget_export():
    year = parse_int(request.args.get("year") or "") or almaty_today().year
    money = figures.budget(year)
    by_source = [[str(BUDGET_SOURCE_LABELS["programme"]), money.programme["programme"], "", "", ""]] \
        if "programme" in money.programme else []
    by_source += [[str(SOURCE_LABELS[s]), money.programme.get(s), m.planned, m.committed, m.spent]
                  for s, m in money.by_source.items()]
    by_source.append([_("Total"), money.programme_total, money.total.planned, money.total.committed,
                      money.total.spent])
    by_center = [[localized(c, "city"), *(lambda m: [m.planned, m.committed, m.spent])(
        money.by_center.get(c.id, figures.Money()))] for c in money.centers]
    money_headers = [_("Planned"), _("Committed (ordered)"), _("Spent (delivered)")]
    return xlsx_response(f"budget-{year}.xlsx", [
        (_("By source"), [_("Funding source"), _("Programme budget")] + money_headers, by_source, [26, 18, 18, 18, 18]),
        (_("By center"), [_("Center")] + money_headers, by_center, [22, 18, 18, 18]),
    ])


@bp.route("/training.xlsx")
@role_required(Role.FOUNDATION, Role.COORDINATOR)
def training_export():
    stmt = (select(Enrolment).join(Trainee, Trainee.id == Enrolment.trainee_id)
            .join(Cohort, Cohort.id == Enrolment.cohort_id).join(Course, Course.id == Cohort.course_id)
            .options(selectinload(Enrolment.days)).order_by(Trainee.center_id, Trainee.full_name, Cohort.starts_on))
    if own_center_id() is not None:
        stmt = stmt.where(Trainee.center_id == own_center_id())
    headers = [_("Center"), _("Full name"), _("Discipline"), _("Course code"), _("Course"), _("Cohort"), _("Status"),
               _("Completed on"), _("Certificate number"), _("Refresher due"), _("Days present")]

    def rows():
        for e in db.session.scalars(stmt):
            yield [localized(e.trainee.center, "city"), e.trainee.full_name, e.trainee.discipline.code,
                   e.cohort.course.code, e.cohort.course.title, e.cohort.name,
                   str(ENROLMENT_LABELS.get(e.status, e.status)), e.completed_on, e.certificate_number,
                   e.expires_on, sum(1 for d in e.days if d.present)]

    return xlsx_response("training-roster.xlsx", [(_("Training"), headers, rows(),
                                                   [16, 30, 18, 12, 30, 18, 12, 13, 16, 13, 10])])
