"""Children, caregivers, referrals and the record of every status change."""
from datetime import date

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eic.core.text import search_key
from eic.core.timeutil import UTCDateTime, utc_now
from eic.extensions import db

from .status import FINAL, Status

STATUS_TYPE = db.Enum(Status, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class Child(db.Model):
    """One record per IIN."""

    __tablename__ = "children"

    id: Mapped[int] = mapped_column(primary_key=True)
    iin: Mapped[str] = mapped_column(String(12), unique=True)
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100))
    patronymic: Mapped[str] = mapped_column(String(100), default="")
    # NFC + casefold of the names, because SQLite folds ASCII only (docs/PITFALLS.md #13).
    search_name: Mapped[str] = mapped_column(String(310), index=True, default="")
    birth_on: Mapped[date]
    sex: Mapped[str] = mapped_column(String(1))
    gestational_age_weeks: Mapped[int | None]
    birth_weight_g: Mapped[int | None]
    address: Mapped[str] = mapped_column(String(300))
    district: Mapped[str] = mapped_column(String(120), default="")
    # Set by the retention job (referrals.retention): the personal data is gone, the figures stay.
    anonymised_on: Mapped[date | None]
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utc_now)

    referrals = relationship("Referral", back_populates="child", order_by="Referral.id")

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p)

    def refresh_search_name(self):
        self.search_name = search_key(self.last_name, self.first_name, self.patronymic, self.iin)


class Caregiver(db.Model):
    __tablename__ = "caregivers"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    relation: Mapped[str] = mapped_column(String(20))
    phone: Mapped[str] = mapped_column(String(16))
    preferred_language: Mapped[str] = mapped_column(String(2))

    child = relationship("Child")


class Referral(db.Model):
    __tablename__ = "referrals"
    __table_args__ = (
        # One open referral per child, enforced by the database so that simultaneous submissions
        # cannot both succeed.
        Index("uq_referrals_child_open", "child_id", unique=True,
              sqlite_where=db.text("is_open"), postgresql_where=db.text("is_open")),
        Index("ix_referrals_center_status", "center_id", "status"),
        # The form's (or the API's Idempotency-Key) token: a submission repeated after a lost answer finds the
        # referral it made instead of making another.
        Index("uq_referrals_submission_key", "submission_key", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    caregiver_id: Mapped[int] = mapped_column(ForeignKey("caregivers.id"))
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id"))
    pediatrician_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    submission_key: Mapped[str | None] = mapped_column(String(64))
    polyclinic_id: Mapped[int | None] = mapped_column(ForeignKey("polyclinics.id"))
    # The child's clock starts here and never restarts, even when redirected.
    referred_on: Mapped[date]
    submitted_at: Mapped[object] = mapped_column(UTCDateTime, default=utc_now)
    status: Mapped[Status] = mapped_column(STATUS_TYPE, default=Status.SUBMITTED)
    is_open: Mapped[bool] = mapped_column(default=True)
    # 0 = not yet assessed, then 1 (low) .. 3 (high), set by the assessment.
    priority: Mapped[int] = mapped_column(default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    consent_given_by: Mapped[str] = mapped_column(String(200))
    consent_given_on: Mapped[date]
    redirected_from_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id"))
    # Steps of the timeline, kept here so the referrer's page and the figures need no joins.
    accepted_on: Mapped[date | None]
    first_contact_on: Mapped[date | None]
    assessed_on: Mapped[date | None]
    enrolled_on: Mapped[date | None]
    ended_on: Mapped[date | None]
    decision_reason_code: Mapped[str | None] = mapped_column(String(40))
    decision_reason: Mapped[str] = mapped_column(Text, default="")

    child = relationship("Child", back_populates="referrals", lazy="joined")
    caregiver = relationship("Caregiver", lazy="joined")
    center = relationship("Center", lazy="joined")
    pediatrician = relationship("User", foreign_keys=[pediatrician_id])
    polyclinic = relationship("Polyclinic")
    diagnoses = relationship("ReferralDiagnosis", cascade="all, delete-orphan", order_by="ReferralDiagnosis.code")
    risk_factors = relationship("ReferralRiskFactor", cascade="all, delete-orphan")
    history = relationship("StatusChange", order_by="StatusChange.id", back_populates="referral",
                           foreign_keys="StatusChange.referral_id")
    redirected_from = relationship("Referral", remote_side=[id])

    @property
    def status_label(self) -> str:
        from .status import STATUS_LABELS

        return str(STATUS_LABELS[self.status])

    def apply_status(self, target: Status, on: date):
        """Set the status and what follows from it; the status machine checks first (services.transition)."""
        self.status = target
        self.is_open = target not in FINAL
        if target is Status.ACCEPTED:
            self.accepted_on = on
        elif target is Status.ENROLLED:
            self.enrolled_on = on
        elif target in FINAL:
            self.ended_on = on


class ReferralDiagnosis(db.Model):
    __tablename__ = "referral_diagnoses"
    __table_args__ = (UniqueConstraint("referral_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    code: Mapped[str] = mapped_column(String(8))
    category: Mapped[str] = mapped_column(String(3), index=True)


class ReferralRiskFactor(db.Model):
    __tablename__ = "referral_risk_factors"
    __table_args__ = (UniqueConstraint("referral_id", "risk_factor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    risk_factor_id: Mapped[int] = mapped_column(ForeignKey("risk_factors.id"))

    risk_factor = relationship("RiskFactor", lazy="joined")


class StatusChange(db.Model):
    """From, to, who, when and why: every step of a referral."""

    __tablename__ = "referral_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    from_status: Mapped[Status | None] = mapped_column(STATUS_TYPE)
    to_status: Mapped[Status] = mapped_column(STATUS_TYPE)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[object] = mapped_column(UTCDateTime, default=utc_now)
    on: Mapped[date]
    reason_code: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text, default="")
    # For a redirect: the center it went to and the new referral there.
    to_center_id: Mapped[int | None] = mapped_column(ForeignKey("centers.id"))
    new_referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id"))

    referral = relationship("Referral", back_populates="history", foreign_keys=[referral_id])
    actor = relationship("User")
    to_center = relationship("Center")


def corrected_birth_on(child: Child) -> date | None:
    """The birth date corrected for prematurity, for children born before 37 weeks."""
    from datetime import timedelta

    if child.gestational_age_weeks is None or child.gestational_age_weeks >= 37:
        return None
    return child.birth_on + timedelta(weeks=40 - child.gestational_age_weeks)


class IinChange(db.Model):
    """A child's IIN corrected or replaced (a typing error, an adoption): who, when, why, from what to what.
    The child's referrals, sessions and plans stay with the child."""

    __tablename__ = "iin_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    old_iin: Mapped[str] = mapped_column(String(12))
    new_iin: Mapped[str] = mapped_column(String(12))
    reason_code: Mapped[str] = mapped_column(String(20))  # correction, adoption, other
    reason: Mapped[str] = mapped_column(Text, default="")
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[object] = mapped_column(UTCDateTime, default=utc_now)


class CaseAccess(db.Model):
    """Break the glass: a specialist covering for an absent colleague opens a case of their own center that is
    not on their team, after stating why. The access lasts until the end of the day (Almaty) and is audited; the
    center's coordinator is told."""

    __tablename__ = "case_accesses"
    __table_args__ = (Index("ix_case_accesses_user_referral", "user_id", "referral_id", "expires_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    granted_at: Mapped[object] = mapped_column(UTCDateTime, default=utc_now)
    expires_at: Mapped[object] = mapped_column(UTCDateTime)

    user = relationship("User")
    referral = relationship("Referral")


CONSENT_KINDS = ("referral", "storage", "sms", "statistics")
REQUIRED_CONSENTS = ("referral", "storage")
# The version of the consent form the platform's referral form records (paper forms carry their own version).
CONSENT_FORM_VERSION = "EIC-2026-1"


class Consent(db.Model):
    """What a caregiver agreed to for a child, as data: the kind (the referral and sharing it with the center;
    storage of the records; optionally text-message reminders and use in anonymised statistics), whether it was
    given, by whom, on which day and form, and who took it; then, maybe, its withdrawal."""

    __tablename__ = "consents"
    __table_args__ = (Index("ix_consents_child_kind", "child_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"))
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id"))
    kind: Mapped[str] = mapped_column(String(20))
    given: Mapped[bool] = mapped_column(default=True)
    given_by: Mapped[str] = mapped_column(String(200), default="")
    given_on: Mapped[date]
    form_version: Mapped[str] = mapped_column(String(40), default=CONSENT_FORM_VERSION)
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[object] = mapped_column(UTCDateTime, default=utc_now)
    withdrawn_on: Mapped[date | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawal_note: Mapped[str] = mapped_column(Text, default="")

    taken_by = relationship("User", foreign_keys=[taken_by_id])
    withdrawn_by = relationship("User", foreign_keys=[withdrawn_by_id])

    @property
    def in_force(self) -> bool:
        return self.given and self.withdrawn_on is None
