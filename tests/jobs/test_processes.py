"""Real processes: two schedulers against one database run each period once, and the second takes over when the
first is killed; the web app under gunicorn with three workers starts no scheduler."""
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from tests.conftest import using_postgres

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def env_for(database_url, tmp_path, **extra):
    env = dict(os.environ, DATABASE_URL=database_url, EIC_CONFIG="development", SECRET_KEY="process-test",
               FLASK_APP="run.py", PYTHONPATH=str(ROOT), EIC_SCHEDULER_POLL_SECONDS="1",
               EIC_SCHEDULER_EXTRA_JOBS="tests.jobs.ticker", EIC_SCHEDULER_ONLY="test.tick",
               EIC_SCHEDULER_LOCK_FILE=str(tmp_path / "scheduler.lock"))
    env.update(extra)
    return env


@contextmanager
def own_postgres_database(database_url: str, prefix: str):
    """A new, empty PostgreSQL database beside the test run's (its URL), dropped afterwards."""
    from sqlalchemy.engine import make_url

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_url(database_url).set(database="postgres"), poolclass=NullPool,
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(database_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def ticks(engine):
    with engine.connect() as conn:
        return conn.execute(text("SELECT period, runner FROM job_runs WHERE job_id = 'test.tick' "
                                 "ORDER BY id")).all()


# Generous bounds: CI shares two cores, and a bound only matters when something is really wrong.
PATIENCE = 180


def wait_for(predicate, timeout=PATIENCE):
    """Poll ``predicate`` until it holds or ``timeout`` seconds pass; returns its last value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    return predicate()


@pytest.fixture
def db_engine(app, database_url):
    engine = create_engine(database_url, poolclass=NullPool)
    yield engine
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM job_runs WHERE job_id = 'test.tick'"))
    engine.dispose()


def start_scheduler(env, log_path=None):
    """``flask scheduler run`` in its own process; its log goes to ``log_path`` (a file, so it never blocks)."""
    log = open(log_path, "w") if log_path else subprocess.DEVNULL
    try:
        return subprocess.Popen([str(BIN / "flask"), "scheduler", "run"], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=log)
    finally:
        if log_path:
            log.close()


def test_two_schedulers_run_each_period_once_and_take_over(database_url, db_engine, tmp_path):
    env = env_for(database_url, tmp_path)
    first = start_scheduler(env)
    second = None
    try:
        assert wait_for(lambda: ticks(db_engine)), "the first scheduler never ran the job"
        leader = ticks(db_engine)[0].runner
        assert leader.endswith(f":{first.pid}")
        second_log = tmp_path / "second.log"
        second = start_scheduler(env, second_log)
        # The second one waits: once it has found the lock taken, the leader still runs every tick alone.
        assert wait_for(lambda: "another scheduler is running" in second_log.read_text()), \
            "the second scheduler never started waiting"
        seen = len(ticks(db_engine))
        assert wait_for(lambda: len(ticks(db_engine)) >= seen + 3), "the leader stopped ticking"
        rows = ticks(db_engine)
        assert {r.runner for r in rows} == {leader}
        assert len({r.period for r in rows}) == len(rows)  # each period once
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        took_over = lambda: any(r.runner.endswith(f":{second.pid}") for r in ticks(db_engine))  # noqa: E731
        assert wait_for(took_over), "the waiting scheduler did not take over"
        rows = ticks(db_engine)
        assert len({r.period for r in rows}) == len(rows)
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(10)


def serving(base: str) -> bool:
    """Whether a server at ``base`` answers its liveness check (for ``wait_for``)."""
    try:
        return urllib.request.urlopen(f"{base}/healthz", timeout=2).status == 200
    except OSError:
        return False


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_web_app_under_gunicorn_starts_no_scheduler(database_url, db_engine, tmp_path):
    port = free_port()
    env = env_for(database_url, tmp_path, EIC_SCHEDULER_ONLY="")
    web = subprocess.Popen([str(BIN / "gunicorn"), "--workers", "3", "--bind", f"127.0.0.1:{port}",
                            "eic:create_app()"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    try:
        assert wait_for(lambda: serving(f"http://127.0.0.1:{port}")), "gunicorn did not start"
        workers = subprocess.run(["pgrep", "-P", str(web.pid)], capture_output=True, text=True).stdout.split()
        assert len(workers) == 3
        time.sleep(3)
        with db_engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM job_runs WHERE started_at > now() - interval '1 minute'"
                                     if using_postgres() else
                                     "SELECT count(*) FROM job_runs WHERE started_at > datetime('now', '-1 minute')"
                                     )).scalar() == 0
            if using_postgres():  # nobody holds the scheduler's lock
                assert conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": 0x45494331}).scalar()
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": 0x45494331})
        # And the app factory itself does not even import APScheduler.
        check = subprocess.run([sys.executable, "-c", "import sys; from eic import create_app; create_app(); "
                                "print('apscheduler' in sys.modules)"], cwd=ROOT, env=env, capture_output=True,
                               text=True)
        assert check.stdout.strip() == "False", check.stderr
    finally:
        web.terminate()
        web.wait(10)
