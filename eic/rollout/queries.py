"""Reads of the rollout's records for its pages (aggregates are in ``figures.py``)."""
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from eic.extensions import db

from .models import STAGES, AllocationLine, Cohort, Course, Enrolment, EquipmentItem, LineIssue, Visit
from .permissions import enrolments_visible_to, lines_visible_to


def allocation_lines(user, *, center_id=None, stage=None):
    """The lines ``user`` may see, newest programme year first, optionally of one center and one stage."""
    stmt = lines_visible_to(user).order_by(AllocationLine.programme_year.desc(), AllocationLine.center_id,
                                           AllocationLine.id)
    if center_id:
        stmt = stmt.where(AllocationLine.center_id == center_id)
    if stage in STAGES:
        stmt = stmt.where(AllocationLine.stage == stage)
    return db.session.scalars(stmt).all()


def catalogue():
    """The equipment catalogue, by category and code."""
    return db.session.scalars(select(EquipmentItem).order_by(EquipmentItem.category, EquipmentItem.code)).all()


def courses():
    """Every training course, by code."""
    return db.session.scalars(select(Course).order_by(Course.code)).all()


def cohorts():
    """Every cohort, the latest start first."""
    return db.session.scalars(select(Cohort).order_by(Cohort.starts_on.desc())).all()


def recent_enrolments(user, *, limit=500):
    """The newest enrolments ``user`` may see (a coordinator: their center's trainees)."""
    stmt = enrolments_visible_to(user).join(Enrolment.trainee).order_by(Enrolment.id.desc()).limit(limit)
    return db.session.scalars(stmt).all()


def cohort_enrolments(cohort):
    """A cohort's enrolments with their attendance days, in one query for the days."""
    return db.session.scalars(select(Enrolment).where(Enrolment.cohort_id == cohort.id)
                              .options(selectinload(Enrolment.days)).order_by(Enrolment.id)).all()


def issue_of_line(line, issue_id) -> LineIssue | None:
    """An issue reported on ``line`` (None for another line's issue or a bad id)."""
    return db.session.scalar(select(LineIssue).where(LineIssue.id == issue_id, LineIssue.line_id == line.id))


def enrolment_in_cohort(cohort, enrolment_id) -> Enrolment | None:
    """The enrolment with this id if it belongs to ``cohort``, else None."""
    return db.session.scalar(select(Enrolment).where(Enrolment.id == enrolment_id, Enrolment.cohort_id == cohort.id))


def visits():
    """Mentoring and quality visits, newest first, with their actions in one query."""
    return db.session.scalars(select(Visit).options(selectinload(Visit.actions))
                              .order_by(Visit.visited_on.desc())).all()


def lines_with_steps(user, *, year=None):
    """The lines ``user`` may see, with their pipeline steps in one query, optionally of one programme year."""
    stmt = lines_visible_to(user).options(selectinload(AllocationLine.steps)).order_by(AllocationLine.id)
    if year:
        stmt = stmt.where(AllocationLine.programme_year == year)
    return db.session.scalars(stmt).all()
