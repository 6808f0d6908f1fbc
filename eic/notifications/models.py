from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from eic.core.timeutil import UTCDateTime, utc_now
from eic.extensions import db


class Notification(db.Model):
    """Stored as a kind and parameters, so it is worded in the reader's language when shown."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))
    # The record it is about (for referral_* kinds, a referral id).
    subject_id: Mapped[int | None]
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utc_now)
    read_at: Mapped[object | None] = mapped_column(UTCDateTime)
    # Set by scheduled jobs: the same reminder about the same thing is never made twice.
    dedupe_key: Mapped[str | None] = mapped_column(String(160), unique=True)


class OutboxMessage(db.Model):
    """An e-mail or text message, written in the transaction that caused it and delivered after it commits by
    the scheduler's delivery job, through the configured sender. The default sender keeps it here (nothing
    needs the internet); administrators read the outbox."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_status", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))  # email, sms
    recipient: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(2))
    subject: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(40))
    dedupe_key: Mapped[str | None] = mapped_column(String(160), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending, sent, kept, failed
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utc_now)
    sent_at: Mapped[object | None] = mapped_column(UTCDateTime)


class EmailPreference(db.Model):
    """A kind of notification the user also wants by e-mail."""

    __tablename__ = "email_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
