"""Scheduled work: each domain declares its jobs in ``tasks.py`` (a ``JOBS`` list); this module collects them,
runs one job for one period exactly once (the ``job_runs`` ledger), and runs the schedule in one dedicated process
(``flask scheduler run``), never in web workers: ``create_app`` does not import APScheduler.

Only one scheduler process in a deployment runs jobs: with PostgreSQL it holds an advisory lock on a connection of
its own (if it dies, the connection closes, the lock is released and a waiting process takes over within
``EIC_SCHEDULER_POLL_SECONDS``); with SQLite, a lock file on the host does the same.
"""
import importlib
import logging
import os
import socket
import time as clock
import traceback
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from eic.core.timeutil import ALMATY, utc_now
from eic.extensions import db
from eic.jobs.models import JobRun

log = logging.getLogger(__name__)
LOCK_KEY = 0x45494331  # "EIC1": the advisory lock of the scheduler
# Jobs are never skipped for lateness up to a day (APScheduler's default grace is 1 second, docs/PITFALLS.md #6), and a
# backlog of missed firings runs once (coalesce).
MISFIRE_GRACE_SECONDS = 24 * 3600
# How far back the catch-up at start looks for a missed firing (the weekly job's whole week, and a day more).
CATCH_UP_DAYS = 8


def daily(now: datetime) -> str:
    return now.astimezone(ALMATY).date().isoformat()


def weekly(now: datetime) -> str:
    year, week, _day = now.astimezone(ALMATY).isocalendar()
    return f"{year}-W{week:02d}"


def minutely(now: datetime) -> str:
    return now.astimezone(ALMATY).strftime("%Y-%m-%dT%H:%M")


@dataclass(frozen=True)
class Job:
    id: str
    func: Callable[[datetime], object]  # receives the run's time (UTC, aware); returns a short summary
    cron: dict  # APScheduler cron fields, in Asia/Almaty
    period: Callable[[datetime], str] = daily
    label: object = ""
    tags: tuple = field(default=())


def collect_jobs() -> list[Job]:
    """Every domain's ``tasks.JOBS``, in domain order."""
    from eic import DOMAINS

    jobs = []
    for name in DOMAINS:
        try:
            module = importlib.import_module(f"eic.{name}.tasks")
        except ModuleNotFoundError as exc:
            if exc.name != f"eic.{name}.tasks":
                raise
            continue
        jobs.extend(module.JOBS)
    # Extra job modules (comma-separated), e.g. the process tests' ticking job.
    for name in filter(None, os.environ.get("EIC_SCHEDULER_EXTRA_JOBS", "").split(",")):
        jobs.extend(importlib.import_module(name.strip()).JOBS)
    ids = [j.id for j in jobs]
    assert len(ids) == len(set(ids)), "job ids must be unique"
    # A process may be limited to some jobs (comma-separated ids).
    only = {name.strip() for name in os.environ.get("EIC_SCHEDULER_ONLY", "").split(",") if name.strip()}
    return [j for j in jobs if j.id in only] if only else jobs


def job_by_id(job_id: str) -> Job | None:
    return next((j for j in collect_jobs() if j.id == job_id), None)


def runner_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def _claim(job: Job, period: str, *, manual: bool) -> int | None:
    """Insert the ledger row (committed at once, so that every other process sees it); a failed run of the
    period may be claimed again. Returns the row id, or None when the period is done or running elsewhere."""
    try:
        return _new_run(job, period, manual)
    except IntegrityError:
        db.session.rollback()
    retried = db.session.execute(update(JobRun).where(JobRun.job_id == job.id, JobRun.period == period,
                                                      JobRun.status == "failed")
                                 .values(status="running", started_at=utc_now(), runner=runner_name(), error="",
                                         finished_at=None, duration_ms=None))
    db.session.commit()
    if retried.rowcount == 1:
        return db.session.scalar(select(JobRun.id).where(JobRun.job_id == job.id, JobRun.period == period))
    return None


def _new_run(job, period, manual):
    row = JobRun(job_id=job.id, period=period, status="running", manual=manual, runner=runner_name())
    db.session.add(row)
    db.session.commit()
    return row.id


def run_job(job: Job, now: datetime | None = None, *, manual: bool = False) -> "JobRun | None":
    """Run ``job`` for the period of ``now`` unless that period has already run. The job's writes and its
    ledger outcome commit together; a failure rolls the writes back and is recorded with its error."""
    now = now or utc_now()
    period = job.period(now)
    if manual:
        period = f"manual {now.astimezone(ALMATY):%Y-%m-%d %H:%M:%S.%f}"
    run_id = _claim(job, period, manual=manual)
    if run_id is None:
        return None
    started = clock.perf_counter()
    try:
        result = job.func(now)
    except Exception as exc:  # any failure of a job is recorded; the scheduler and other jobs go on
        db.session.rollback()
        outcome = {"status": "failed", "error": "".join(traceback.format_exception(exc))[-4000:]}
        log.exception("job %s failed for %s", job.id, period)
    else:
        outcome = {"status": "succeeded", "result": str(result if result is not None else "")[:300]}
    outcome.update(finished_at=utc_now(), duration_ms=int((clock.perf_counter() - started) * 1000))
    # Only while the run is still this process's: a scheduler that took over meanwhile (this one lost its lock)
    # has marked it abandoned and may run it again; then this run's writes are undone, never done twice.
    finished = db.session.execute(update(JobRun).where(JobRun.id == run_id, JobRun.status == "running",
                                                       JobRun.runner == runner_name()).values(**outcome))
    if finished.rowcount != 1:
        db.session.rollback()
        log.error("job %s for %s was taken over by another scheduler; its writes are undone", job.id, period)
        return None
    db.session.commit()
    return db.session.get(JobRun, run_id, populate_existing=True)


def abandon_orphans() -> int:
    """At takeover: the scheduled runs another process left running (it died, or lost its lock) are marked
    failed, so that the catch-up may run their period again. Manual runs (from the admin page, in a web
    process) are not the scheduler's and are left alone."""
    abandoned = db.session.execute(update(JobRun).where(JobRun.status == "running", JobRun.manual.is_(False),
                                                        JobRun.runner != runner_name())
                                   .values(status="failed", finished_at=utc_now(),
                                           error="Abandoned: the scheduler running it stopped before it finished."))
    db.session.commit()
    if abandoned.rowcount:
        log.warning("marked %s run(s) left by a stopped scheduler as failed", abandoned.rowcount)
    return abandoned.rowcount


def last_fire_time(job: Job, now: datetime) -> datetime | None:
    """When the job's schedule last fired at or before ``now``, looking back up to ``CATCH_UP_DAYS``.

    APScheduler 3 only answers "the next firing at or after t", which never decreases as t grows; so the latest
    firing not after ``now`` is found by bisecting t over the window (about 40 steps for 8 days at microsecond
    precision, whatever the schedule). Walking the firings one by one took minutes for an every-second job."""
    from apscheduler.triggers.cron import CronTrigger

    trigger = CronTrigger(timezone=ALMATY, **job.cron)
    low = now - timedelta(days=CATCH_UP_DAYS)

    def first_from(moment):
        return trigger.get_next_fire_time(None, moment)

    fire = first_from(low)
    if fire is None or fire > now:
        return None
    # Invariant: some firing lies in [low, now]; shrink to the last one.
    high = now
    step = timedelta(microseconds=1)
    while high - low > step:
        middle = low + (high - low) / 2
        candidate = first_from(middle)
        if candidate is not None and candidate <= now:
            low = max(middle, candidate)
        else:
            high = middle
    return first_from(low)


def catch_up(now: datetime | None = None, jobs: list[Job] | None = None) -> list:
    """At start-up: each job whose latest scheduled firing has no run in the ledger runs once, now, for that
    firing's period (older missed periods are not replayed: the jobs look at the state of things, not at a day)."""
    now = now or utc_now()
    runs = []
    for job in jobs or collect_jobs():
        fired = last_fire_time(job, now)
        if fired is not None:
            runs.append(run_job(job, fired))
    return runs


class Leadership:
    """Being the one scheduler process that runs jobs."""

    def __init__(self, app):
        self.app = app
        self._conn = None
        self._file = None

    def try_acquire(self) -> bool:
        url = self.app.config["SQLALCHEMY_DATABASE_URI"]
        if url.startswith("postgresql"):
            from sqlalchemy import create_engine, text
            from sqlalchemy.pool import NullPool

            if self._conn is None:
                self._conn = create_engine(url, poolclass=NullPool).connect()
            got = self._conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": LOCK_KEY}).scalar()
            self._conn.commit()
            return bool(got)
        import fcntl

        default = os.path.join(self.app.instance_path, "scheduler.lock")
        path = self.app.config.get("EIC_SCHEDULER_LOCK_FILE") or default
        self._file = self._file or open(path, "a+")
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def still_held(self) -> bool:
        if self._conn is None:
            return self._file is not None
        from sqlalchemy import text

        try:
            self._conn.execute(text("SELECT 1")).scalar()
            self._conn.commit()
            return True
        except Exception:
            return False

    def release(self):
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._file is not None:
            self._file.close()
            self._file = None


JOB_DEFAULTS = {"coalesce": True, "misfire_grace_time": MISFIRE_GRACE_SECONDS, "max_instances": 1}


def build_scheduler(jobs: list[Job], call):
    """An APScheduler with every job on its cron trigger (Asia/Almaty), misfire grace and coalescing set."""
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.cron import CronTrigger

    scheduler = BackgroundScheduler(timezone=ALMATY, job_defaults=dict(JOB_DEFAULTS))
    for job in jobs:
        scheduler.add_job(call, CronTrigger(timezone=ALMATY, **job.cron), args=[job.id], id=job.id)
    return scheduler


def serve(app, *, poll_seconds: int | None = None, stop_after: float | None = None) -> None:
    """Wait to become the runner, catch up, then run the schedule until stopped (or ``stop_after`` seconds, for
    tests). Jobs run one at a time in this process, each in a fresh app context."""
    poll = poll_seconds or app.config["EIC_SCHEDULER_POLL_SECONDS"]
    leader = Leadership(app)
    deadline = clock.monotonic() + stop_after if stop_after else None
    while not leader.try_acquire():
        log.info("another scheduler is running; waiting")
        if deadline and clock.monotonic() > deadline:
            return
        clock.sleep(poll)
    log.info("scheduler %s is the runner", runner_name())

    def call(job_id):
        with app.app_context():
            job = job_by_id(job_id)
            run_job(job)
            db.session.remove()

    with app.app_context():
        jobs = collect_jobs()
        abandon_orphans()
        catch_up(jobs=jobs)
        db.session.remove()
    scheduler = build_scheduler(jobs, call)
    scheduler.start()
    # A firing that came while the first catch-up ran (it can take seconds) is before the schedule's start, and
    # APScheduler never sees it: look once more, now that every later firing is the schedule's (the ledger keeps
    # a period from running twice).
    with app.app_context():
        catch_up(jobs=jobs)
        db.session.remove()
    try:
        while deadline is None or clock.monotonic() < deadline:
            clock.sleep(min(poll, 5))
            if not leader.still_held():
                log.error("lost the scheduler lock; stopping")
                break
    except KeyboardInterrupt:
        pass
    finally:
        scheduler.shutdown(wait=True)
        leader.release()


__all__ = ["Job", "JobRun", "collect_jobs", "run_job", "abandon_orphans", "catch_up", "serve", "daily", "weekly",
           "minutely"]
