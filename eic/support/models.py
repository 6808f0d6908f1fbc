"""The support directory (seed 002's single information platform): per region, what helps families of young
children with disabilities, in kk/ru/en, with the date it was last checked."""
from datetime import date

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eic.core.timeutil import UTCDateTime, utc_now
from eic.extensions import db

CATEGORIES = ("benefits", "legal", "ngo", "peer_group", "hotline", "respite", "kindergarten", "pmpk")


class SupportEntry(db.Model):
    __tablename__ = "support_entries"
    __table_args__ = (Index("ix_support_entries_region", "region_id", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    category: Mapped[str] = mapped_column(String(20))
    name_kk: Mapped[str] = mapped_column(String(200))
    name_ru: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    offer_kk: Mapped[str] = mapped_column(Text, default="")
    offer_ru: Mapped[str] = mapped_column(Text, default="")
    offer_en: Mapped[str] = mapped_column(Text, default="")
    audience_kk: Mapped[str] = mapped_column(Text, default="")
    audience_ru: Mapped[str] = mapped_column(Text, default="")
    audience_en: Mapped[str] = mapped_column(Text, default="")
    contacts: Mapped[str] = mapped_column(Text, default="")
    hours: Mapped[str] = mapped_column(String(200), default="")
    # The languages the service is offered in: codes from EIC_LANGUAGES, comma-separated ("kk,ru").
    languages: Mapped[str] = mapped_column(String(20), default="")
    checked_on: Mapped[date]
    is_active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[object] = mapped_column(UTCDateTime, default=utc_now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    region = relationship("Region", lazy="joined")


class Recommendation(db.Model):
    """An entry a coordinator recommended to a family, on the child's case."""

    __tablename__ = "support_recommendations"
    __table_args__ = (UniqueConstraint("referral_id", "entry_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("support_entries.id"))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utc_now)

    entry = relationship("SupportEntry", lazy="joined")


class DirectoryVisit(db.Model):
    """That a caregiver opened the directory (first and last time), for the share of families who did."""

    __tablename__ = "support_directory_visits"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    first_at: Mapped[object] = mapped_column(UTCDateTime, default=utc_now)
    last_at: Mapped[object] = mapped_column(UTCDateTime, default=utc_now)
