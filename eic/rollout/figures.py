"""Sums and shares for the rollout: budget, training progress against the target, readiness. All money is whole
tenge (Python ints, exact); every figure is an aggregate query, never one per row.

Definitions:
- planned: the value (quantity x agreed unit price) of every allocation line of the year;
- committed: of the lines ordered or further along; spent: of the lines delivered or further along;
- trained: staff members with a completed course that counts toward the target and whose certificate has not
  expired on the day; the national target is a setting (299, seed 001);
- equipment commissioned: the share of the value of a center's lines (all years) that is commissioned.
"""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func, or_, select

from eic.centers.models import Center, Discipline
from eic.core.settings import get_setting
from eic.extensions import db

from . import settings
from .models import (SOURCES, STAGES, AllocationLine, Cohort, Course, Enrolment, ProgrammeBudget, Trainee, Visit,
                     VisitAction)

COMMITTED = STAGES[STAGES.index("ordered"):]
SPENT = STAGES[STAGES.index("delivered"):]


@dataclass
class Money:
    """Planned, committed and spent tenge."""
    planned: int = 0
    committed: int = 0
    spent: int = 0

    def add(self, other: "Money"):
        self.planned += other.planned
        self.committed += other.committed
        self.spent += other.spent


@dataclass
class Budget:
    """A programme year's money by funding source and by center, against the programme budget."""
    year: int
    by_source: dict = field(default_factory=dict)  # source -> Money
    by_center: dict = field(default_factory=dict)  # center id -> Money
    total: Money = field(default_factory=Money)
    programme: dict = field(default_factory=dict)  # source -> amount
    centers: list = field(default_factory=list)

    @property
    def programme_total(self) -> int:
        return sum(self.programme.values())


def _money_columns():
    value = AllocationLine.quantity * AllocationLine.unit_price
    return (func.coalesce(func.sum(value), 0),
            func.coalesce(func.sum(case((AllocationLine.stage.in_(COMMITTED), value), else_=0)), 0),
            func.coalesce(func.sum(case((AllocationLine.stage.in_(SPENT), value), else_=0)), 0))


def budget(year: int, center_id: int | None = None) -> Budget:
    """The Budget of ``year`` (of one center when ``center_id`` is given)."""
    result = Budget(year=year, by_source={s: Money() for s in SOURCES})
    stmt = select(AllocationLine.center_id, AllocationLine.source, *_money_columns()).where(
        AllocationLine.programme_year == year).group_by(AllocationLine.center_id, AllocationLine.source)
    if center_id is not None:
        stmt = stmt.where(AllocationLine.center_id == center_id)
    for cid, source, planned, committed, spent in db.session.execute(stmt):
        money = Money(int(planned), int(committed), int(spent))
        result.by_source.setdefault(source, Money()).add(money)
        result.by_center.setdefault(cid, Money()).add(money)
        result.total.add(money)
    result.programme = dict(db.session.execute(select(ProgrammeBudget.source, ProgrammeBudget.amount).where(
        ProgrammeBudget.year == year)).all())
    centers = select(Center).order_by(Center.code)
    if center_id is not None:
        centers = centers.where(Center.id == center_id)
    result.centers = db.session.scalars(centers).all()
    return result


def budget_years() -> list[int]:
    """The years that have allocation lines or a programme budget, in order."""
    years = set(db.session.scalars(select(AllocationLine.programme_year).distinct()))
    years |= set(db.session.scalars(select(ProgrammeBudget.year).distinct()))
    return sorted(years)


def overdue_deliveries(today: date, center_id: int | None = None):
    """Lines ordered and not delivered by the expected date, the longest overdue first."""
    stmt = select(AllocationLine).where(AllocationLine.stage == "ordered",
                                        AllocationLine.expected_delivery_on < today)
    if center_id is not None:
        stmt = stmt.where(AllocationLine.center_id == center_id)
    return db.session.scalars(stmt.order_by(AllocationLine.expected_delivery_on, AllocationLine.id)).all()


def overdue_actions(today: date, center_id: int | None = None):
    """Mentoring visit actions still open after their due date (of one center when given)."""
    stmt = select(VisitAction).join(Visit, Visit.id == VisitAction.visit_id).where(
        VisitAction.status == "open", VisitAction.due_on < today)
    if center_id is not None:
        stmt = stmt.where(Visit.center_id == center_id)
    return db.session.scalars(stmt.order_by(VisitAction.due_on, VisitAction.id)).all()


def _valid_completion(today: date):
    return (Enrolment.status == "completed",
            or_(Enrolment.expires_on.is_(None), Enrolment.expires_on >= today))


def trained_trainees(today: date):
    """A SELECT of trainee ids who count as trained on ``today``."""
    return (select(Enrolment.trainee_id).join(Cohort, Cohort.id == Enrolment.cohort_id)
            .join(Course, Course.id == Cohort.course_id)
            .where(Course.counts_toward_target.is_(True), *_valid_completion(today)).distinct())


@dataclass
class Progress:
    """Specialists trained against the target, overall, by center and by discipline."""
    target: int
    trained: int
    staff: int
    by_center: dict  # center id -> (trained, staff)
    by_discipline: dict  # discipline code -> (trained, staff)

    @property
    def share(self) -> float:
        return self.trained / self.target if self.target else 0.0

    @property
    def remaining(self) -> int:
        return max(self.target - self.trained, 0)


def progress(today: date, center_id: int | None = None) -> Progress:
    """Training progress on ``today`` (of one center when ``center_id`` is given)."""
    trained_ids = trained_trainees(today).subquery()
    is_trained = case((Trainee.id.in_(select(trained_ids.c.trainee_id)), 1), else_=0)
    base = select(Trainee.center_id, Discipline.code, func.count(Trainee.id), func.sum(is_trained)).join(
        Discipline, Discipline.id == Trainee.discipline_id).group_by(Trainee.center_id, Discipline.code)
    if center_id is not None:
        base = base.where(Trainee.center_id == center_id)
    by_center, by_discipline, trained, staff = {}, {}, 0, 0
    for cid, code, n, t in db.session.execute(base):
        t = int(t or 0)
        c = by_center.get(cid, (0, 0))
        by_center[cid] = (c[0] + t, c[1] + n)
        d = by_discipline.get(code, (0, 0))
        by_discipline[code] = (d[0] + t, d[1] + n)
        trained += t
        staff += n
    target = get_setting(settings.TRAINED_TARGET.key) if center_id is None else \
        get_setting(settings.TRAINED_PER_CENTER.key)
    return Progress(target=target, trained=trained, staff=staff, by_center=by_center, by_discipline=by_discipline)


def still_needed(today: date, center_id: int | None = None) -> list[tuple]:
    """(trainee, course) pairs: the courses each staff member's discipline requires and they have not completed
    (or whose certificate has expired), by center and name."""
    courses = db.session.scalars(select(Course).order_by(Course.code)).all()
    stmt = select(Trainee).order_by(Trainee.center_id, Trainee.full_name)
    if center_id is not None:
        stmt = stmt.where(Trainee.center_id == center_id)
    trainees = db.session.scalars(stmt).all()
    done = set(db.session.execute(select(Enrolment.trainee_id, Cohort.course_id).join(
        Cohort, Cohort.id == Enrolment.cohort_id).where(*_valid_completion(today))).all())
    result = []
    for trainee in trainees:
        for course in courses:
            required = course.required_disciplines
            if (not required or trainee.discipline.code in required) and (trainee.id, course.id) not in done:
                result.append((trainee, course))
    return result


@dataclass
class Readiness:
    """One center's readiness: equipment commissioned, budget spent, specialists trained, open actions."""
    center: Center
    equipment_share: float | None  # commissioned value / allocated value
    budget_share: float | None  # spent / planned, all years
    trained: int
    open_actions: int
    overdue_actions: int
    ready: bool
    value_total: int = 0
    value_commissioned: int = 0
    value_spent: int = 0


def readiness(today: date, center_id: int | None = None) -> list[Readiness]:
    """The Readiness of every center (or of one), ready when all thresholds in settings are met."""
    value = AllocationLine.quantity * AllocationLine.unit_price
    money = {cid: (int(total), int(commissioned), int(spent)) for cid, total, commissioned, spent in db.session.execute(
        select(AllocationLine.center_id, func.sum(value),
               func.sum(case((AllocationLine.stage == "commissioned", value), else_=0)),
               func.sum(case((AllocationLine.stage.in_(SPENT), value), else_=0)))
        .group_by(AllocationLine.center_id))}
    trained = progress(today).by_center
    actions = {cid: (int(open_), int(overdue)) for cid, open_, overdue in db.session.execute(
        select(Visit.center_id, func.count(VisitAction.id),
               func.sum(case((VisitAction.due_on < today, 1), else_=0)))
        .join(VisitAction, VisitAction.visit_id == Visit.id).where(VisitAction.status == "open")
        .group_by(Visit.center_id))}
    thresholds = (get_setting(settings.EQUIPMENT_READY_PERCENT.key) / 100,
                  get_setting(settings.BUDGET_SPENT_PERCENT.key) / 100,
                  get_setting(settings.TRAINED_PER_CENTER.key), get_setting(settings.MAX_OVERDUE_ACTIONS.key))
    stmt = select(Center).where(Center.is_active.is_(True)).order_by(Center.code)
    if center_id is not None:
        stmt = select(Center).where(Center.id == center_id)
    result = []
    for center in db.session.scalars(stmt):
        total, commissioned, spent = money.get(center.id, (0, 0, 0))
        equipment = commissioned / total if total else None
        spent_share = spent / total if total else None
        n_trained = trained.get(center.id, (0, 0))[0]
        open_, overdue = actions.get(center.id, (0, 0))
        ready = (equipment is not None and equipment >= thresholds[0] and spent_share is not None
                 and spent_share >= thresholds[1] and n_trained >= thresholds[2] and overdue <= thresholds[3])
        result.append(Readiness(center, equipment, spent_share, n_trained, open_, overdue, ready, total,
                                commissioned, spent))
    return result


def national_readiness(rows: list[Readiness]) -> dict:
    """The national totals of the centers' readiness rows, shares weighted by value."""
    total = sum(r.value_total for r in rows)
    return {"centers": len(rows), "ready": sum(1 for r in rows if r.ready),
            "equipment_share": sum(r.value_commissioned for r in rows) / total if total else None,
            "budget_share": sum(r.value_spent for r in rows) / total if total else None,
            "trained": sum(r.trained for r in rows), "open_actions": sum(r.open_actions for r in rows),
            "overdue_actions": sum(r.overdue_actions for r in rows)}
