from sqlalchemy import Index, LargeBinary, String, Text, UniqueConstraint
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


class JobFile(db.Model):
    """A file a job made (the weekly coverage workbook), kept in the database so that every web host can offer
    it: written in the job's transaction, so it exists exactly when the run succeeded. A rerun of the same
    period replaces it; ``files.keep`` drops the oldest beyond a job's quota."""

    __tablename__ = "job_files"
    __table_args__ = (Index("ix_job_files_job_language", "job_id", "language", "written_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(120), unique=True)  # the download's file name
    period: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(5), default="")
    media_type: Mapped[str] = mapped_column(String(100))
    written_at: Mapped[object] = mapped_column(UTCDateTime, default=utc_now)
    size: Mapped[int] = mapped_column(default=0)
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
