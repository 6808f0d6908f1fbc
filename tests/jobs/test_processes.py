"""Real processes: two schedulers against one database run each period once, and the second takes over when the
first is killed; the web app under gunicorn with three workers starts no scheduler."""
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
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


def ticks(engine):
    with engine.connect() as conn:
        return conn.execute(text("SELECT period, runner FROM job_runs WHERE job_id = 'test.tick' "
                                 "ORDER BY id")).all()


def wait_for(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


@pytest.fixture
def db_engine(app, database_url):
    engine = create_engine(database_url, poolclass=NullPool)
    yield engine
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM job_runs WHERE job_id = 'test.tick'"))
    engine.dispose()


def start_scheduler(env):
    return subprocess.Popen([str(BIN / "flask"), "scheduler", "run"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_two_schedulers_run_each_period_once_and_take_over(database_url, db_engine, tmp_path):
    env = env_for(database_url, tmp_path)
    first = start_scheduler(env)
    second = None
    try:
        assert wait_for(lambda: ticks(db_engine), 30), "the first scheduler never ran the job"
        leader = ticks(db_engine)[0].runner
        assert leader.endswith(f":{first.pid}")
        second = start_scheduler(env)
        time.sleep(5)
        rows = ticks(db_engine)
        assert len(rows) >= 3 and {r.runner for r in rows} == {leader}  # the second one waits
        assert len({r.period for r in rows}) == len(rows)  # each period once
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        took_over = lambda: any(r.runner.endswith(f":{second.pid}") for r in ticks(db_engine))  # noqa: E731
        assert wait_for(took_over, 60), "the waiting scheduler did not take over"
        rows = ticks(db_engine)
        assert len({r.period for r in rows}) == len(rows)
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(10)


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
        def up():
            try:
                return urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).status == 200
            except OSError:
                return False

        assert wait_for(up, 30), "gunicorn did not start"
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
