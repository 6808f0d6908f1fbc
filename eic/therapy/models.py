"""The calendar: working hours, absences, opening hours, closures, and therapy sessions.

Double booking is refused by the database itself (see the migration 20261122_0002): an exclusion
constraint per specialist, room and child on PostgreSQL, triggers on SQLite.
"""
from datetime import date, time

from sqlalchemy import JSON, ForeignKey, Index, String, Text, Time, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eic.core.timeutil import UTCDateTime, utc_now
from eic.extensions import db

SETTINGS = ("center", "day_stay", "inpatient", "home", "remote")
ATTENDANCE = ("attended", "absent")
ABSENCE_REASONS = ("child_ill", "family_cancelled_notice", "family_cancelled_no_notice", "specialist_absent",
                   "center_closed", "other")
# Reasons that count as the family missing a session (three in a row flag the case).
FAMILY_MISSES = ("child_ill", "family_cancelled_notice", "family_cancelled_no_notice", "other")
ABSENCE_KINDS = ("leave", "sick", "training", "other")


class WorkingHours(db.Model):
    """A specialist's hours on one weekday (0 = Monday), in Almaty time."""

    __tablename__ = "working_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    weekday: Mapped[int]
    starts: Mapped[time] = mapped_column(Time)
    ends: Mapped[time] = mapped_column(Time)


class Absence(db.Model):
    __tablename__ = "absences"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    kind: Mapped[str] = mapped_column(String(20), default="leave")


class OpeningHours(db.Model):
    """A center's opening hours on one weekday (0 = Monday), in Almaty time."""

    __tablename__ = "opening_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id"), index=True)
    weekday: Mapped[int]
    opens: Mapped[time] = mapped_column(Time)
    closes: Mapped[time] = mapped_column(Time)


class Closure(db.Model):
    """A day a center is closed besides the public holidays."""

    __tablename__ = "closures"

    id: Mapped[int] = mapped_column(primary_key=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id"), index=True)
    on: Mapped[date]
    reason: Mapped[str] = mapped_column(String(200), default="")


class RosterEntry(db.Model):
    """A child (or, for a caregivers' group, the child's caregiver) on a group session's roster."""

    __tablename__ = "roster_entries"
    __table_args__ = (UniqueConstraint("session_id", "referral_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("therapy_sessions.id"), index=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    # Each child of a group has their own attendance and note.
    attendance: Mapped[str | None] = mapped_column(String(10))
    absence_reason: Mapped[str | None] = mapped_column(String(40))
    attendance_recorded_at: Mapped[object | None] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    added_at: Mapped[object] = mapped_column(UTCDateTime, default=utc_now)

    referral = relationship("Referral", lazy="joined")


class SessionSeries(db.Model):
    """A weekly series booked in one go; its sessions are saved whole or not at all."""

    __tablename__ = "session_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utc_now)


PEER_GROUP_WHERE = "audience = 'caregiver' AND capacity IS NOT NULL"


class TherapySession(db.Model):
    """One booked session. ``busy_from``/``busy_until`` is the specialist's time including travel."""

    __tablename__ = "therapy_sessions"
    __table_args__ = (
        Index("ix_therapy_sessions_specialist_busy", "specialist_id", "busy_from", "busy_until"),
        Index("ix_therapy_sessions_room_time", "room_id", "starts_at", "ends_at"),
        Index("ix_therapy_sessions_child_time", "child_id", "starts_at", "ends_at"),
        Index("ix_therapy_sessions_center_time", "center_id", "starts_at"),
        # Timeliness: a child's first attended session.
        Index("ix_therapy_sessions_first_attended", "referral_id", "starts_at",
              postgresql_where=text("attendance = 'attended'"), sqlite_where=text("attendance = 'attended'")),
        # National figures: the attended sessions of a period, all centers (without it a year reads every session
        # of every year).
        Index("ix_therapy_sessions_attended_time", "starts_at",
              postgresql_where=text("attendance = 'attended'"), sqlite_where=text("attendance = 'attended'")),
        # Caregivers' peer groups of a period, nationally (a handful among millions of sessions).
        Index("ix_therapy_sessions_peer_groups", "starts_at", postgresql_where=text(PEER_GROUP_WHERE),
              sqlite_where=text(PEER_GROUP_WHERE)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id"))
    specialist_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id"))
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id"), index=True)
    child_id: Mapped[int | None] = mapped_column(ForeignKey("children.id"))
    plan_service_id: Mapped[int | None] = mapped_column(ForeignKey("plan_services.id"), index=True)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("session_series.id"), index=True)
    setting: Mapped[str] = mapped_column(String(20), default="center")
    address: Mapped[str] = mapped_column(String(300), default="")
    # A group session (a children's class or a caregivers' peer group) has a capacity and a roster.
    capacity: Mapped[int | None]
    audience: Mapped[str] = mapped_column(String(10), default="child", server_default="child")
    starts_at: Mapped[object] = mapped_column(UTCDateTime)
    ends_at: Mapped[object] = mapped_column(UTCDateTime)
    busy_from: Mapped[object] = mapped_column(UTCDateTime)
    busy_until: Mapped[object] = mapped_column(UTCDateTime)
    # Cancelled sessions free their slot: the constraints and triggers look at active rows only.
    is_active: Mapped[bool] = mapped_column(default=True)
    cancelled_at: Mapped[object | None] = mapped_column(UTCDateTime)
    # The family's answer from their own page (eic/family): when they confirmed they will come, and whether it was
    # they who cancelled.
    family_confirmed_at: Mapped[object | None] = mapped_column(UTCDateTime)
    cancelled_by_family: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utc_now)
    attendance: Mapped[str | None] = mapped_column(String(10))
    absence_reason: Mapped[str | None] = mapped_column(String(40))
    attendance_recorded_at: Mapped[object | None] = mapped_column(UTCDateTime)
    # The session note: what was done, progress seen, the family's plan until the next session.
    note_done: Mapped[str] = mapped_column(Text, default="")
    note_progress: Mapped[str] = mapped_column(Text, default="")
    note_family_plan: Mapped[str] = mapped_column(Text, default="")
    # Ids of the plan goals the session worked on.
    note_goal_ids: Mapped[list] = mapped_column(JSON, default=list)
    note_recorded_at: Mapped[object | None] = mapped_column(UTCDateTime)
    note_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    specialist = relationship("User", foreign_keys=[specialist_id], lazy="joined")
    room = relationship("Room", lazy="joined")
    series = relationship("SessionSeries")
    center = relationship("Center")
    referral = relationship("Referral")
    plan_service = relationship("PlanService")

    roster = relationship("RosterEntry", order_by="RosterEntry.id", cascade="all, delete-orphan")

    @property
    def state(self) -> str:
        """What happened: "cancelled"; "attended" or "absent" once attendance is recorded; "held" for a group
        with any child's attendance recorded; else "booked"."""
        if not self.is_active:
            return "cancelled"
        if self.attendance:
            return self.attendance
        if self.is_group and any(entry.attendance for entry in self.roster):
            return "held"
        return "booked"

    @property
    def center_code(self) -> str:
        return self.center.code

    @property
    def is_group(self) -> bool:
        return self.capacity is not None


GOAL_KINDS = ("child", "family")
SERVICE_KINDS = ("therapy", "counselling", "peer_group", "home_training", "benefits_legal", "respite")
# Caregiver support (seed 002 and order No. 153's social services) planned as services in their own right.
CAREGIVER_SERVICE_KINDS = ("counselling", "peer_group", "home_training", "benefits_legal", "respite")
NATURAL_SETTINGS = ("home",)
OUTCOME_AREAS = ("social", "knowledge", "behaviour")


class Plan(db.Model):
    """An individual plan; a new version is a new row and only one is current."""

    __tablename__ = "plans"
    __table_args__ = (Index("uq_plans_referral_current", "referral_id", unique=True,
                            sqlite_where=db.text("is_current"), postgresql_where=db.text("is_current")),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    version: Mapped[int] = mapped_column(default=1)
    is_current: Mapped[bool] = mapped_column(default=True)
    starts_on: Mapped[date]
    agreed_by: Mapped[str] = mapped_column(String(200), default="")
    agreed_on: Mapped[date | None]
    review_interval_months: Mapped[int] = mapped_column(default=3)
    next_review_on: Mapped[date]
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utc_now)

    goals = relationship("Goal", order_by="Goal.id", cascade="all, delete-orphan")
    services = relationship("PlanService", order_by="PlanService.id", cascade="all, delete-orphan")
    reviews = relationship("Review", order_by="Review.reviewed_on", cascade="all, delete-orphan")


class Goal(db.Model):
    """A measurable outcome for the child or the family, rated by goal attainment scaling (-2..+2)."""

    __tablename__ = "goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="child")
    domain: Mapped[str] = mapped_column(String(30), default="")
    description: Mapped[str] = mapped_column(Text)
    criterion: Mapped[str] = mapped_column(Text)
    target_on: Mapped[date]
    baseline_gas: Mapped[int] = mapped_column(default=-1)


class PlanService(db.Model):
    __tablename__ = "plan_services"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="therapy")
    discipline_id: Mapped[int | None] = mapped_column(ForeignKey("disciplines.id"))
    specialist_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    frequency: Mapped[int] = mapped_column(default=1)
    per: Mapped[str] = mapped_column(String(5), default="week")
    minutes: Mapped[int] = mapped_column(default=45)
    mode: Mapped[str] = mapped_column(String(10), default="individual")
    setting: Mapped[str] = mapped_column(String(20), default="center")
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    # Why the team chose a setting other than the family's natural environment (home).
    setting_reason: Mapped[str] = mapped_column(Text, default="")
    is_refused: Mapped[bool] = mapped_column(default=False)

    discipline = relationship("Discipline", lazy="joined")
    specialist = relationship("User", lazy="joined")


class Review(db.Model):
    __tablename__ = "plan_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    reviewed_on: Mapped[date]
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    ratings = relationship("GoalRating", cascade="all, delete-orphan")


class GoalRating(db.Model):
    __tablename__ = "goal_ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("plan_reviews.id"), index=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id"), index=True)
    gas: Mapped[int]


class OutcomeRating(db.Model):
    """Child outcome ratings at entry and exit, 1-7 in the three early intervention outcome areas."""

    __tablename__ = "outcome_ratings"
    __table_args__ = (Index("uq_outcome_ratings_referral_kind", "referral_id", "kind", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"))
    kind: Mapped[str] = mapped_column(String(5))
    rated_on: Mapped[date]
    social: Mapped[int]
    knowledge: Mapped[int]
    behaviour: Mapped[int]
    # Exit only: did the child gain new skills in each area? (stored together: all three areas)
    new_skills: Mapped[bool | None]


DISCHARGE_REASONS = ("goals_met", "age_transition", "moved_away", "family_withdrew", "referred_on")


class Discharge(db.Model):
    """The end of a case: reason, hand-over, the family's satisfaction, and follow-up (order No. 153)."""

    __tablename__ = "discharges"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), unique=True)
    discharged_on: Mapped[date]
    reason: Mapped[str] = mapped_column(String(20))
    destination: Mapped[str] = mapped_column(String(300), default="")
    handover_summary: Mapped[str] = mapped_column(Text, default="")
    # The family's satisfaction (seed 003): 1-5 on three questions, and a comment.
    satisfaction_overall: Mapped[int | None]
    satisfaction_respect: Mapped[int | None]
    satisfaction_helped: Mapped[int | None]
    satisfaction_comment: Mapped[str] = mapped_column(Text, default="")
    follow_up_on: Mapped[date | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utc_now)


class HomeVisitChecklist(db.Model):
    """The home-visit worksheet (the patronage visit of seed 000): the child's condition and development for age,
    living conditions, the family situation, the caregiver's wellbeing, and a safety concern that needs the
    coordinator today. One per session."""

    __tablename__ = "home_visit_checklists"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("therapy_sessions.id"), unique=True)
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id"), index=True)
    development: Mapped[str] = mapped_column(Text, default="")
    living_conditions: Mapped[str] = mapped_column(Text, default="")
    family_situation: Mapped[str] = mapped_column(Text, default="")
    caregiver_wellbeing: Mapped[str] = mapped_column(Text, default="")
    safety_concern: Mapped[bool] = mapped_column(default=False)
    safety_note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[object] = mapped_column(UTCDateTime, default=utc_now)


class SyncChange(db.Model):
    """A change sent from a device, by its client-made id: applied once however often it is sent; a repeat gets
    the first answer again."""

    __tablename__ = "sync_changes"
    __table_args__ = (UniqueConstraint("user_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    client_id: Mapped[str] = mapped_column(String(64))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("therapy_sessions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10))  # applied, conflict, refused
    answer: Mapped[dict] = mapped_column(JSON, default=dict)
    received_at: Mapped[object] = mapped_column(UTCDateTime, default=utc_now)
