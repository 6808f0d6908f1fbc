"""The family's own records: log-in codes, home practice ticks, the wellbeing check-in, the family outcome and
satisfaction surveys and requests to join a peer group."""
from datetime import date

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eic.core.timeutil import UTCDateTime, utc_now
from eic.extensions import db


class FamilyCode(db.Model):
    """A 6-digit code for a phone: kept only as an HMAC, valid for 10 minutes and 5 tries, used once."""

    __tablename__ = "family_codes"
    __table_args__ = (Index("ix_family_codes_phone_created", "phone", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(16))
    code_hash: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utc_now)
    expires_at: Mapped[object] = mapped_column(UTCDateTime)
    tries: Mapped[int] = mapped_column(default=0)
    used_at: Mapped[object | None] = mapped_column(UTCDateTime)


class HomePractice(db.Model):
    """"We practised": the family's tick against a session note's plan until the next session, with a comment."""

    __tablename__ = "home_practice"
    __table_args__ = (Index("ix_home_practice_session", "session_id", "practised_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("therapy_sessions.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    practised_on: Mapped[date]
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utc_now)

    user = relationship("User")
    session = relationship("TherapySession")


class WellbeingCheckin(db.Model):
    """A caregiver's own PHQ-4 (four answers 0-3). Seen by the caregiver and by the team of the child it was made
    for; a score of ``TASK_SCORE`` or more is a task for the center's coordinator until it is marked done."""

    __tablename__ = "wellbeing_checkins"
    __table_args__ = (Index("ix_wellbeing_checkins_user", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id"))
    q1: Mapped[int]
    q2: Mapped[int]
    q3: Mapped[int]
    q4: Mapped[int]
    score: Mapped[int]
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utc_now)
    # The coordinator's task (score >= 6): open until done, with what was offered.
    needs_follow_up: Mapped[bool] = mapped_column(default=False)
    done_at: Mapped[object | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    done_note: Mapped[str] = mapped_column(Text, default="")

    user = relationship("User", foreign_keys=[user_id])
    referral = relationship("Referral")


class FamilySurvey(db.Model):
    """The family outcomes (three questions, 1-7) and the satisfaction survey (1-5), at 6 months and at exit:
    one answer per referral and occasion."""

    __tablename__ = "family_surveys"
    __table_args__ = (UniqueConstraint("referral_id", "occasion"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    occasion: Mapped[str] = mapped_column(String(12))  # six_months, exit
    knows_rights: Mapped[int]
    communicates_needs: Mapped[int]
    helps_learn: Mapped[int]
    satisfied: Mapped[int]
    respected: Mapped[int]
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utc_now)


class PeerGroupRequest(db.Model):
    """A caregiver asks to join a caregivers' peer group session; the coordinator accepts (onto the roster) or
    declines."""

    __tablename__ = "peer_group_requests"
    __table_args__ = (UniqueConstraint("session_id", "referral_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("therapy_sessions.id"), index=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(10), default="asked")  # asked, accepted, declined
    asked_at: Mapped[object] = mapped_column(UTCDateTime, default=utc_now)
    decided_at: Mapped[object | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    session = relationship("TherapySession")
    referral = relationship("Referral")
