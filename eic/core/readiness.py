"""What ``/readyz`` checks: the database, the migrations, the scheduler's heartbeat (the job ledger)."""
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import text

from eic.extensions import db


def migrations_head() -> set[str]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    directory = current_app.extensions["migrate"].directory
    config = Config(str(Path(directory) / "alembic.ini"))
    config.set_main_option("script_location", str(directory))
    return set(ScriptDirectory.from_config(config).get_heads())


def problems() -> list[str]:
    """Plain-English reasons the instance is not ready (for operators; no personal data)."""
    try:
        current = set(db.session.execute(text("SELECT version_num FROM alembic_version")).scalars())
    except Exception as exc:  # noqa: BLE001 - any failure to read is "not ready"
        db.session.rollback()
        return [f"database: {exc.__class__.__name__}"]
    found = []
    if current != migrations_head():
        found.append(f"migrations: the database is at {sorted(current)}, the code expects {sorted(migrations_head())}")
    stale = int(current_app.config.get("EIC_SCHEDULER_STALE_MINUTES") or 0)
    if stale:
        from eic.core.timeutil import utc_now
        from eic.jobs.models import JobRun

        latest = db.session.scalar(db.select(db.func.max(JobRun.started_at)))
        if latest is None or utc_now() - latest > timedelta(minutes=stale):
            found.append(f"scheduler: no job started in the last {stale} minutes")
    return found
