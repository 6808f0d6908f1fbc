"""The nightly summary behind "families served": one row per child served at a center in a month.

Counting distinct children served over a year means reading hundreds of thousands of attended sessions;
the summary holds about 8,000 rows per month nationally, and a distinct count over it takes milliseconds.
A month is read from the summary only once it is over and has been computed (``SnapshotMonth``); the current
month, and any month marked stale by a later change (an attendance recorded late, an enrolment date corrected),
is computed live. See ``eic.capacity.snapshots``.
"""
from datetime import date

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from eic.core.timeutil import UTCDateTime, utc_now
from eic.extensions import db


class ServedMonth(db.Model):
    __tablename__ = "served_months"

    month: Mapped[date] = mapped_column(primary_key=True)  # the first day of the month
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id"), primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), primary_key=True)


class SnapshotMonth(db.Model):
    """A month whose ``served_months`` rows are complete and current."""

    __tablename__ = "snapshot_months"

    month: Mapped[date] = mapped_column(primary_key=True)
    rows: Mapped[int]
    refreshed_at: Mapped[object] = mapped_column(UTCDateTime, default=utc_now)
