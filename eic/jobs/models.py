from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from eic.core.timeutil import UTCDateTime, utc_now
from eic.extensions import db


class JobRun(db.Model):
    """One run of a job for one period (an Almaty date, an ISO week, a minute). The unique key is what makes a
    rerun, a catch-up or a second scheduler a no-op: whoever inserts the row first runs the job."""

    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("job_id", "period"), Index("ix_job_runs_started", "started_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(String(80))
    period: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10), default="running")  # running, succeeded, failed
    manual: Mapped[bool] = mapped_column(default=False)
    runner: Mapped[str] = mapped_column(String(120), default="")
    started_at: Mapped[object] = mapped_column(UTCDateTime, default=utc_now)
    finished_at: Mapped[object | None] = mapped_column(UTCDateTime)
    duration_ms: Mapped[int | None]
    result: Mapped[str] = mapped_column(String(300), default="")
    error: Mapped[str] = mapped_column(Text, default="")

    @property
    def error_summary(self) -> str:
        """The exception line of the traceback (not SQLAlchemy's trailing link)."""
        lines = [line for line in self.error.strip().splitlines() if line and not line.startswith("(Background")]
        return lines[-1][:160] if lines else ""
