"""The rollout's workbooks: import templates, the equipment register, the budget and the training roster.

Each function returns the sheets (title, headers, rows, column widths) that ``core.xlsx`` writes; rows are
generators where a sheet can be long, so memory does not grow with it. Scope comes from ``permissions``.
"""
from datetime import date, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from eic.centers import queries as center_queries
from eic.core.i18n import localized
from eic.extensions import db

from . import figures, imports
from .labels import BUDGET_SOURCE_LABELS, CATEGORY_LABELS, ENROLMENT_LABELS, SOURCE_LABELS, STAGE_LABELS
from .models import AllocationLine, Cohort, Course, Enrolment, EquipmentItem, Trainee
from .permissions import enrolments_visible_to, lines_visible_to


def example_row(kind: str, today: date) -> list:
    """The template's example row, made of codes that exist here (the first center, item, discipline and the
    latest cohort), so that the template imports as it is."""
    columns = imports.KINDS[kind]
    centers = center_queries.centers()
    values = {"center": centers[0].code if centers else ""}
    if kind == "equipment":
        item = db.session.scalar(select(EquipmentItem).order_by(EquipmentItem.code).limit(1))
        values |= {"item": item.code if item else "", "programme_year": today.year,
                   "expected_delivery_on": today + timedelta(days=30)}
    else:
        disciplines = center_queries.disciplines()
        cohort = db.session.scalar(select(Cohort).order_by(Cohort.starts_on.desc(), Cohort.id.desc()).limit(1))
        values |= {"discipline": disciplines[0].code if disciplines else "",
                   "course": cohort.course.code if cohort else "", "cohort": cohort.name if cohort else ""}
    return [values.get(c.field, c.example) for c in columns]


def import_template(kind: str, today: date) -> list:
    """The columns with one example row, and the codes to use on a second sheet."""
    columns = imports.KINDS[kind]
    headers = [str(c.label) for c in columns]
    example = [example_row(kind, today)]
    codes = [[_("Center code"), c.code, localized(c, "city")] for c in center_queries.centers()]
    if kind == "equipment":
        codes += [[_("Item code"), i.code, localized(i, "name")]
                  for i in db.session.scalars(select(EquipmentItem).order_by(EquipmentItem.code))]
        codes += [[_("Funding source"), code, str(label)] for code, label in SOURCE_LABELS.items()]
    else:
        codes += [[_("Discipline code"), d.code, localized(d, "name")] for d in center_queries.disciplines()]
        codes += [[_("Course code") + " / " + _("Cohort"), c.course.code, c.name]
                  for c in db.session.scalars(select(Cohort).order_by(Cohort.starts_on))]
    return [
        (_("Rows"), headers, example, [18] * len(headers)),
        (_("Codes"), [_("Column"), _("Code"), _("Meaning")], codes, [22, 24, 48]),
    ]


def equipment_register(user) -> list:
    """Every line ``user`` may see with its steps and open issues (steps and issues in one query each)."""
    stmt = (lines_visible_to(user).options(selectinload(AllocationLine.steps), selectinload(AllocationLine.issues))
            .order_by(AllocationLine.programme_year, AllocationLine.center_id, AllocationLine.id))
    headers = [_("Line"), _("Center"), _("Item code"), _("Item"), _("Category"), _("Programme year"), _("Quantity"),
               _("Unit price, tenge"), _("Amount, tenge"), _("Funding source"), _("Stage"), _("Expected delivery"),
               _("Steps"), _("Open issues")]

    def rows():
        for line in db.session.scalars(stmt):
            steps = "; ".join(f"{STAGE_LABELS[s.stage]} {format_date(s.on, 'short')} {s.document}".strip()
                              for s in line.steps)
            yield [line.id, localized(line.center, "city"), line.item.code, localized(line.item, "name"),
                   str(CATEGORY_LABELS.get(line.item.category, "")), line.programme_year, line.quantity,
                   line.unit_price, line.amount, str(SOURCE_LABELS.get(line.source, line.source)),
                   str(STAGE_LABELS.get(line.stage, line.stage)), line.expected_delivery_on, steps,
                   sum(1 for i in line.issues if i.resolved_on is None)]

    return [(_("Equipment"), headers, rows(), [8, 16, 12, 36, 14, 10, 9, 14, 16, 22, 14, 13, 50, 10])]


def budget_workbook(year: int) -> list:
    """The programme year's budget by funding source and by center, in whole tenge."""
    money = figures.budget(year)
    by_source = [[str(BUDGET_SOURCE_LABELS["programme"]), money.programme["programme"], "", "", ""]] \
        if "programme" in money.programme else []
    by_source += [[str(SOURCE_LABELS[s]), money.programme.get(s), m.planned, m.committed, m.spent]
                  for s, m in money.by_source.items()]
    by_source.append([_("Total"), money.programme_total, money.total.planned, money.total.committed,
                      money.total.spent])
    by_center = []
    for center in money.centers:
        spent = money.by_center.get(center.id, figures.Money())
        by_center.append([localized(center, "city"), spent.planned, spent.committed, spent.spent])
    money_headers = [_("Planned"), _("Committed (ordered)"), _("Spent (delivered)")]
    return [
        (_("By source"), [_("Funding source"), _("Programme budget")] + money_headers, by_source, [26, 18, 18, 18, 18]),
        (_("By center"), [_("Center")] + money_headers, by_center, [22, 18, 18, 18]),
    ]


def training_roster(user) -> list:
    """Every enrolment ``user`` may see, by center and name, with days present."""
    stmt = (enrolments_visible_to(user).join(Trainee, Trainee.id == Enrolment.trainee_id)
            .join(Cohort, Cohort.id == Enrolment.cohort_id).join(Course, Course.id == Cohort.course_id)
            .options(selectinload(Enrolment.days)).order_by(Trainee.center_id, Trainee.full_name, Cohort.starts_on))
    headers = [_("Center"), _("Full name"), _("Discipline"), _("Course code"), _("Course"), _("Cohort"), _("Status"),
               _("Completed on"), _("Certificate number"), _("Refresher due"), _("Days present")]

    def rows():
        for e in db.session.scalars(stmt):
            yield [localized(e.trainee.center, "city"), e.trainee.full_name,
                   localized(e.trainee.discipline, "name"),
                   e.cohort.course.code, e.cohort.course.title, e.cohort.name,
                   str(ENROLMENT_LABELS.get(e.status, e.status)), e.completed_on, e.certificate_number,
                   e.expires_on, sum(1 for d in e.days if d.present)]

    return [(_("Training"), headers, rows(), [16, 30, 18, 12, 30, 18, 12, 13, 16, 13, 10])]
