"""The foundation's rollout: equipment and its budget, training of the core staff, mentoring visits.

No table here refers to a child. Money is whole tenge in BigInteger columns, never a float.
"""
from datetime import date

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eic.core.timeutil import UTCDateTime, utc_now
from eic.extensions import db

CATEGORIES = ("rehabilitation", "diagnostic", "sensory", "therapy_room", "furniture", "it")
SOURCES = ("samruk_kazyna", "kamkorlyk", "akimat", "other")
# A programme budget may be known only as a whole for a year (870,273,144 tenge for 2022, seed 001).
BUDGET_SOURCES = SOURCES + ("programme",)
# The pipeline of an allocation line, in order; a line moves one step at a time.
STAGES = ("planned", "ordered", "delivered", "installed", "commissioned")
ISSUE_KINDS = ("defect", "warranty_claim")
COURSE_MODES = ("in_person", "online", "blended")
ENROLMENT_STATUSES = ("enrolled", "completed", "withdrawn")
VISIT_KINDS = ("mentoring", "quality")
# The checklist of a mentoring or quality-control visit; each item is scored 0 (absent) to 3 (fully in place).
CHECKLIST = ("referral_pathway", "team_assessment", "individual_plans", "family_centred", "natural_settings",
             "session_records", "equipment_use", "outcome_measurement")
ACTION_STATUSES = ("open", "done")


class EquipmentItem(db.Model):
    __tablename__ = "equipment_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_kk: Mapped[str] = mapped_column(String(200))
    name_ru: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(20))
    manufacturer: Mapped[str] = mapped_column(String(120), default="")
    model: Mapped[str] = mapped_column(String(120), default="")
    unit_price: Mapped[int] = mapped_column(BigInteger)  # tenge


class AllocationLine(db.Model):
    """An item allocated to a center: how many, who pays, and how far it has come."""

    __tablename__ = "allocation_lines"
    __table_args__ = (Index("ix_allocation_lines_year_center", "programme_year", "center_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("equipment_items.id"), index=True)
    programme_year: Mapped[int]
    quantity: Mapped[int]
    # The price per unit agreed for this line (the catalogue price when it was planned), whole tenge.
    unit_price: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(20))
    stage: Mapped[str] = mapped_column(String(20), default="planned")
    expected_delivery_on: Mapped[date | None]
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utc_now)

    item = relationship("EquipmentItem", lazy="joined")
    center = relationship("Center", lazy="joined")
    steps = relationship("AllocationStep", order_by="AllocationStep.id", cascade="all, delete-orphan")
    issues = relationship("LineIssue", order_by="LineIssue.id", cascade="all, delete-orphan")

    @property
    def amount(self) -> int:
        return self.quantity * self.unit_price


class AllocationStep(db.Model):
    """One step of a line's pipeline: when, and the document (contract, delivery note, act)."""

    __tablename__ = "allocation_steps"
    __table_args__ = (UniqueConstraint("line_id", "stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("allocation_lines.id"), index=True)
    stage: Mapped[str] = mapped_column(String(20))
    on: Mapped[date]
    document: Mapped[str] = mapped_column(String(120), default="")
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[object] = mapped_column(UTCDateTime, default=utc_now)


class LineIssue(db.Model):
    """A defect found or a warranty claim made on a line."""

    __tablename__ = "line_issues"

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("allocation_lines.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    reported_on: Mapped[date]
    description: Mapped[str] = mapped_column(Text)
    resolved_on: Mapped[date | None]


class ProgrammeBudget(db.Model):
    """The programme's budget for a year and funding source, whole tenge."""

    __tablename__ = "programme_budgets"
    __table_args__ = (UniqueConstraint("year", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    source: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(BigInteger)


class Course(db.Model):
    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    provider: Mapped[str] = mapped_column(String(200), default="")
    hours: Mapped[int]
    mode: Mapped[str] = mapped_column(String(20), default="in_person")
    # Counts toward the programme's target of trained specialists (the core course).
    counts_toward_target: Mapped[bool] = mapped_column(default=True)
    # Months after completion when a refresher is due; None: the certificate does not expire.
    refresher_months: Mapped[int | None]
    # Discipline codes that must take the course, comma-separated; empty: every discipline.
    required_for: Mapped[str] = mapped_column(String(300), default="")

    @property
    def required_disciplines(self) -> set[str]:
        return {c.strip() for c in self.required_for.split(",") if c.strip()}


class Cohort(db.Model):
    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    location: Mapped[str] = mapped_column(String(200), default="")

    course = relationship("Course", lazy="joined")


class Trainee(db.Model):
    """A staff member of a center in training: with an account (``user_id``) or, from a roster, without one yet."""

    __tablename__ = "trainees"
    __table_args__ = (UniqueConstraint("center_id", "full_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    discipline_id: Mapped[int] = mapped_column(ForeignKey("disciplines.id"))
    email: Mapped[str] = mapped_column(String(254), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    center = relationship("Center", lazy="joined")
    discipline = relationship("Discipline", lazy="joined")


class Enrolment(db.Model):
    __tablename__ = "enrolments"
    __table_args__ = (UniqueConstraint("cohort_id", "trainee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="enrolled")
    completed_on: Mapped[date | None]
    certificate_number: Mapped[str] = mapped_column(String(60), default="")
    expires_on: Mapped[date | None]

    cohort = relationship("Cohort", lazy="joined")
    trainee = relationship("Trainee", lazy="joined")
    days = relationship("TrainingDay", order_by="TrainingDay.on", cascade="all, delete-orphan")


class TrainingDay(db.Model):
    """Attendance of one enrolled trainee on one day of the cohort."""

    __tablename__ = "training_days"
    __table_args__ = (UniqueConstraint("enrolment_id", "on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id"), index=True)
    on: Mapped[date]
    present: Mapped[bool] = mapped_column(default=True)


class Visit(db.Model):
    """A mentoring or quality-control visit to a center."""

    __tablename__ = "visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="mentoring")
    visited_on: Mapped[date]
    mentor: Mapped[str] = mapped_column(String(200))
    # {checklist code: score 0-3}
    scores: Mapped[dict] = mapped_column(db.JSON, default=dict)
    findings: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    center = relationship("Center", lazy="joined")
    actions = relationship("VisitAction", order_by="VisitAction.due_on", cascade="all, delete-orphan")

    @property
    def score_percent(self) -> float | None:
        values = [v for v in (self.scores or {}).values() if v is not None]
        return 100 * sum(values) / (3 * len(values)) if values else None


class VisitAction(db.Model):
    """An action agreed at a visit, with its owner and due date."""

    __tablename__ = "visit_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(10), default="open")
    done_on: Mapped[date | None]

    visit = relationship("Visit", lazy="joined", overlaps="actions")
