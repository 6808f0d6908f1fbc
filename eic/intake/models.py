"""What a center records while taking a referral in (order No. 153: initial contact, assessment)."""
from datetime import date

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eic.core.timeutil import UTCDateTime, utc_now
from eic.extensions import db

DOMAINS = ("motor", "communication", "cognitive", "social_emotional", "adaptive")
NEEDS = ("social", "economic", "legal")
PHQ4_FLAG = 6


class InitialContact(db.Model):
    __tablename__ = "initial_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    contacted_on: Mapped[date]
    method: Mapped[str] = mapped_column(String(20))
    person_reached: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utc_now)


class Assessment(db.Model):
    """Levels of concern 0 (none) .. 3 (severe); the situation 1 (low) .. 3 (high)."""

    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    assessed_on: Mapped[date]
    motor: Mapped[int] = mapped_column(default=0)
    communication: Mapped[int] = mapped_column(default=0)
    cognitive: Mapped[int] = mapped_column(default=0)
    social_emotional: Mapped[int] = mapped_column(default=0)
    adaptive: Mapped[int] = mapped_column(default=0)
    need_social: Mapped[bool] = mapped_column(default=False)
    need_economic: Mapped[bool] = mapped_column(default=False)
    need_legal: Mapped[bool] = mapped_column(default=False)
    # PHQ-4 items, each 0-3 (public domain; the items themselves are shown on the form).
    phq4_1: Mapped[int] = mapped_column(default=0)
    phq4_2: Mapped[int] = mapped_column(default=0)
    phq4_3: Mapped[int] = mapped_column(default=0)
    phq4_4: Mapped[int] = mapped_column(default=0)
    urgency: Mapped[int] = mapped_column(default=1)
    complexity: Mapped[int] = mapped_column(default=1)
    severity: Mapped[int] = mapped_column(default=1)
    notes: Mapped[str] = mapped_column(Text, default="")
    assessor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utc_now)

    screenings = relationship("ScreeningResult", cascade="all, delete-orphan", order_by="ScreeningResult.id")

    @property
    def phq4_total(self) -> int:
        return self.phq4_1 + self.phq4_2 + self.phq4_3 + self.phq4_4

    @property
    def caregiver_needs_support(self) -> bool:
        return self.phq4_total >= PHQ4_FLAG

    @property
    def priority(self) -> int:
        """1 (low) .. 3 (high): urgency weighs double, then severity and complexity."""
        score = 2 * self.urgency + self.severity + self.complexity
        return 3 if score >= 10 else 2 if score >= 7 else 1


class ScreeningResult(db.Model):
    """A screening the family brings. Licensed instruments (ASQ-3, M-CHAT-R/F): results only, never items."""

    __tablename__ = "screening_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    instrument: Mapped[str] = mapped_column(String(80))
    taken_on: Mapped[date]
    score: Mapped[str] = mapped_column(String(20), default="")
    band: Mapped[str] = mapped_column(String(40), default="")


class TeamMember(db.Model):
    __tablename__ = "team_members"
    __table_args__ = (Index("ix_team_members_specialist_active", "specialist_id", "ended_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    discipline_id: Mapped[int] = mapped_column(ForeignKey("disciplines.id"))
    specialist_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    is_lead: Mapped[bool] = mapped_column(default=False)
    assigned_on: Mapped[date]
    ended_on: Mapped[date | None]

    specialist = relationship("User", lazy="joined")
    discipline = relationship("Discipline", lazy="joined")


class WaitlistEntry(db.Model):
    __tablename__ = "waitlist_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    discipline_id: Mapped[int | None] = mapped_column(ForeignKey("disciplines.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    added_on: Mapped[date]
    removed_on: Mapped[date | None]

    discipline = relationship("Discipline", lazy="joined")
