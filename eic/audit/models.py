"""One row per audited event. Rows are only ever inserted: a trigger on both databases refuses UPDATE and DELETE
(migration 20261201_0017), so not even the application's own database role can rewrite history.

Personal values never enter this table: a change names its fields, and keeps old and new values only for fields
that are not personal data. The old values of personal fields (an IIN, a diagnosis) stay in the domain's own
history tables (``referrals.IinChange``), which the retention job can anonymise while this table stays as it is.
"""
from sqlalchemy import JSON, BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from eic.core.timeutil import UTCDateTime, utc_now
from eic.extensions import db

# SQLite gives INTEGER PRIMARY KEY its rowid (and so ascending ids); PostgreSQL a bigint for the years to come.
AUDIT_ID = BigInteger().with_variant(Integer(), "sqlite")


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_referral", "referral_id", "id"),
        Index("ix_audit_events_actor", "actor_id", "id"),
        Index("ix_audit_events_action", "action", "id"),
        Index("ix_audit_events_at", "at"),
    )

    id: Mapped[int] = mapped_column(AUDIT_ID, primary_key=True, autoincrement=True)
    at: Mapped[object] = mapped_column(UTCDateTime, default=utc_now)
    # Plain numbers, no foreign keys: the trail outlives what it points at and never blocks a change elsewhere.
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_role: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(10), default="ok")  # ok | refused
    record_type: Mapped[str | None] = mapped_column(String(30))
    record_id: Mapped[int | None] = mapped_column(Integer)
    referral_id: Mapped[int | None] = mapped_column(Integer)  # the child's case, for "who opened this record"
    via: Mapped[str | None] = mapped_column(String(10))  # page | api | export | print | job | cli
    rows: Mapped[int | None] = mapped_column(Integer)  # an export's or import's row count
    detail: Mapped[dict | None] = mapped_column(JSON)  # field names; non-personal old/new values; reasons
    request_id: Mapped[str | None] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(String(45))
