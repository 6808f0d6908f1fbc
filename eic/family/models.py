"""One-time codes a caregiver logs in with, sent by text message to the phone recorded on the child's referral."""
from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

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
