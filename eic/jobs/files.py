"""Files made by jobs, kept in the database (``JobFile``): no host's disk holds them, so any web host offers
what the scheduler wrote on another. Writes join the caller's transaction (the job's), and commit or roll back
with the run's outcome."""
from sqlalchemy import delete, select

from eic.core.timeutil import utc_now
from eic.extensions import db
from eic.jobs.models import JobFile

# How many files of one job and language are kept (a half-year of weekly workbooks).
KEEP_PER_LANGUAGE = 26


def keep(job_id: str, name: str, content: bytes, *, period: str, media_type: str, language: str = "") -> JobFile:
    """Store ``content`` under ``name`` (replacing a file of that name), then drop the oldest of the job's
    files in ``language`` beyond ``KEEP_PER_LANGUAGE``. Not committed: the job's run commits it."""
    row = db.session.scalar(select(JobFile).where(JobFile.name == name))
    if row is None:
        row = JobFile(job_id=job_id, name=name)
        db.session.add(row)
    row.period, row.language, row.media_type = period, language, media_type
    row.content, row.size, row.written_at = content, len(content), utc_now()
    db.session.flush()
    kept = select(JobFile.id).where(JobFile.job_id == job_id, JobFile.language == language) \
        .order_by(JobFile.written_at.desc(), JobFile.id.desc()).limit(KEEP_PER_LANGUAGE)
    db.session.execute(delete(JobFile).where(JobFile.job_id == job_id, JobFile.language == language,
                                             JobFile.id.not_in(kept.scalar_subquery())))
    return row


def listed(job_id: str, language: str) -> list[JobFile]:
    """The job's files in ``language``, newest first, without their content."""
    return list(db.session.scalars(select(JobFile).where(JobFile.job_id == job_id, JobFile.language == language)
                                   .order_by(JobFile.period.desc(), JobFile.id.desc())))


def named(job_id: str, name: str) -> JobFile | None:
    """One of the job's files by its name, with its content."""
    from sqlalchemy.orm import undefer

    return db.session.scalar(select(JobFile).options(undefer(JobFile.content))
                             .where(JobFile.job_id == job_id, JobFile.name == name))
