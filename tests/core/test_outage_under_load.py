"""A bad day with real processes: gunicorn takes 48 referral submissions and reads from several clients while the
database drops every connection (PostgreSQL: ``pg_terminate_backend`` in a loop) or is locked for longer than the
busy timeout (SQLite: another process holds an exclusive lock). Every answer is a success or a JSON 503 with a
request id, never a 500; nothing is half-written; the app reconnects by itself.

Before: 12 of 48 submissions answered with HTML 500 pages."""
import json
import subprocess
import threading
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from eic.core.timeutil import almaty_today
from tests.conftest import using_postgres
from tests.factories.referrals import payload, unique_iin
from tests.jobs.test_processes import BIN, ROOT, env_for, free_port, own_postgres_database, wait_for

SUBMITTERS, EACH = 4, 12


@pytest.fixture
def outage_db(app, database_url, tmp_path):
    """A database of its own, migrated, with a pediatrician and a token; dropped afterwards."""
    if not using_postgres():
        url = f"sqlite:///{tmp_path / 'outage.db'}"
        yield url, prepare(url)
        return
    with own_postgres_database(database_url, "eic_outage") as url:
        yield url, prepare(url)


def prepare(url) -> str:
    from flask_migrate import upgrade

    from eic import create_app
    from eic.accounts.services import issue_token
    from eic.centers.services import load_reference
    from eic.core.roles import Role
    from eic.extensions import db
    from tests.factories.accounts import user_for_role

    other = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with other.app_context():
        upgrade()
        load_reference()
        token = issue_token(user_for_role(Role.PEDIATRICIAN))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return token


def call(base, token, method, path, body=None):
    request = urllib.request.Request(f"{base}{path}", method=method, data=json.dumps(body).encode() if body else None,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            return answer.status, answer.headers.get("Content-Type", ""), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()
    except OSError as error:  # no answer at all (not started yet, or a dropped connection): status 0
        return 0, "", str(error).encode()


def disrupt(url, stop: threading.Event) -> int:
    """Cut or lock the database until ``stop``; returns how many times it did."""
    if not using_postgres():
        return lock_sqlite(make_url(url).database, stop)
    engine = create_engine(url, poolclass=NullPool)
    done = 0
    try:
        while not stop.is_set():
            with engine.connect() as conn:
                done += conn.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                          "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
            stop.wait(0.15)
    finally:
        engine.dispose()
    return done


def lock_sqlite(path, stop: threading.Event) -> int:
    """Hold an exclusive lock on the file for longer than the app's busy timeout (10 s), then let go a while."""
    import sqlite3

    conn, done = sqlite3.connect(path, isolation_level=None), 0
    try:
        while not stop.is_set():
            conn.execute("BEGIN EXCLUSIVE")
            done += 1
            stop.wait(12)
            conn.execute("ROLLBACK")
            stop.wait(2)
    finally:
        conn.close()
    return done


def test_submissions_and_reads_survive_a_database_that_keeps_dropping(outage_db, tmp_path):
    url, token = outage_db
    port = free_port()
    env = env_for(url, tmp_path, EIC_SCHEDULER_ONLY="", EIC_CONFIG="production", SECRET_KEY="outage-test")
    log = open(tmp_path / "web.log", "w")
    web = subprocess.Popen([str(BIN / "gunicorn"), "--workers", "3", "--timeout", "120", "--bind",
                            f"127.0.0.1:{port}", "eic:create_app()"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                           stderr=log)  # the tracebacks of any 500, for the message
    base = f"http://127.0.0.1:{port}"
    results, reads, stop = [], [], threading.Event()
    born = almaty_today() - timedelta(days=400)

    def submit(worker):
        for n in range(EACH):
            serial = 100 + worker * EACH + n
            body = payload(**{"child.iin": unique_iin(born, "M", serial), "child.birth_date": born.isoformat()})
            results.append(call(base, token, "POST", "/api/v1/referrals", body))

    def read():
        while not stop.is_set():
            reads.append(call(base, token, "GET", "/api/v1/referrals"))

    try:
        assert wait_for(lambda: call(base, token, "GET", "/api/v1/referrals")[0] == 200), "gunicorn did not start"
        counted = []
        disruptor = threading.Thread(target=lambda: counted.append(disrupt(url, stop)))
        disruptor.start()
        reader = threading.Thread(target=read)
        reader.start()
        submitters = [threading.Thread(target=submit, args=(w,)) for w in range(SUBMITTERS)]
        for thread in submitters:
            thread.start()
        for thread in submitters:
            thread.join(600)
        stop.set()
        disruptor.join(60)
        reader.join(120)
        assert counted and counted[0] > 0, "the database was never disrupted"
        statuses = [status for status, _type, _body in results + reads]
        from collections import Counter

        assert len(results) == SUBMITTERS * EACH and 500 not in statuses, \
            (len(results), Counter(statuses), [b[:300] for s, _t, b in results + reads if s not in (200, 201, 503)])
        assert set(status for status, _t, _b in results) <= {201, 503}
        assert set(status for status, _t, _b in reads) <= {200, 503}
        assert 503 in statuses, "no request met the outage"  # the test tested something
        for status, content_type, body in results + reads:
            if status == 503:
                error = json.loads(body)["error"]
                assert content_type.startswith("application/json") and error["code"] == "unavailable"
                assert error["request_id"]
        # It reconnects by itself: the next submission and read work.
        body = payload(**{"child.iin": unique_iin(born, "M", 99), "child.birth_date": born.isoformat()})
        assert wait_for(lambda: call(base, token, "POST", "/api/v1/referrals", body)[0] == 201)
        assert call(base, token, "GET", "/api/v1/referrals")[0] == 200
    finally:
        stop.set()
        web.terminate()
        web.wait(30)
        log.close()
    saved = sum(1 for status, _t, _b in results if status == 201) + 1
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        counts = {table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()
                  for table in ("referrals", "children", "caregivers")}
        with_diagnosis = conn.execute(text("SELECT count(DISTINCT referral_id) FROM referral_diagnoses")).scalar()
    engine.dispose()
    # Exactly the answered submissions are saved, each whole: no child, caregiver or referral without the rest.
    assert counts == {"referrals": saved, "children": saved, "caregivers": saved} and with_diagnosis == saved
