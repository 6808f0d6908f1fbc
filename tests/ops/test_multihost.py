"""The multi-host drill (docs/OPERATIONS.md, "When one host is not enough"): on this one machine, two web hosts
(gunicorn on 127.0.0.1 and 127.0.0.2) behind nginx, two scheduler processes, one PostgreSQL database and Redis.
Pediatricians submit referrals (through the form and through the API) and read pages through nginx; one web host
is killed mid-load; the scheduler leader is killed in the middle of a job.

It shows: no request lost beyond those in flight on the killed host, and each of those, sent again, succeeds;
no referral stored twice; every period of the scheduled job run exactly once, the killed leader's unfinished
period included; the waiting scheduler takes over in under 60 seconds; the log-in limit is one count across
hosts. Runs in make test's PostgreSQL run (it needs PostgreSQL's advisory lock and Redis); EIC_DRILL_REPORT names
a file for its figures."""
import http.cookiejar
import json
import os
import re
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from eic.core.timeutil import almaty_today
from tests.conftest import using_postgres
from tests.factories.referrals import payload, unique_iin
from tests.jobs.test_processes import BIN, ROOT, env_for, free_port, own_postgres_database, serving, wait_for
from tests.ops.drill_jobs import PERIOD_SECONDS
from tests.test_deploy import NGINX, site_location

REDIS_URL = "redis://127.0.0.1:6379/0"
FORM_CLIENTS, API_CLIENTS, EACH = 2, 2, 10
RETRIES = 5
RETRY_ON = {0, 502, 503, 504}  # no answer, or the proxy's "the host went away"


def OK_200(status):  # noqa: N802 (reads as a constant where it is used)
    return status == 200


def redis_answers() -> bool:
    import redis

    try:
        return redis.Redis.from_url(REDIS_URL, socket_timeout=5).ping()
    except redis.RedisError:
        return False


@pytest.fixture
def drill_db(app, database_url):
    """A PostgreSQL database of its own, migrated, with pediatricians (password and token); dropped after."""
    if not using_postgres():
        pytest.skip("the drill needs PostgreSQL: it runs in make test's PostgreSQL run")
    if not redis_answers():
        pytest.fail("the drill needs Redis at 127.0.0.1:6379 (shared log-in limits)")
    with own_postgres_database(database_url, "eic_drill") as url:
        yield url, prepare(url)


def prepare(url) -> dict:
    from flask_migrate import upgrade

    from eic import create_app
    from eic.accounts.services import issue_token
    from eic.centers.services import load_reference
    from eic.core.roles import Role
    from eic.extensions import db
    from tests.factories.accounts import PASSWORD, user_for_role

    other = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with other.app_context():
        upgrade()
        load_reference()
        people = {"form": [user_for_role(Role.PEDIATRICIAN).email for _n in range(FORM_CLIENTS)],
                  "tokens": [issue_token(user_for_role(Role.PEDIATRICIAN)) for _n in range(API_CLIENTS)],
                  "password": PASSWORD}
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return people


class Host:
    """One web host: gunicorn in a process group of its own (killed whole, as a machine that goes away)."""

    def __init__(self, env, address, tmp_path, name):
        self.address, self.log = address, tmp_path / f"{name}.log"
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(
                [str(BIN / "gunicorn"), "-c", "python:eic.gunicorn_conf", "eic.wsgi:app"], cwd=ROOT,
                env=dict(env, EIC_BIND=address, EIC_WEB_WORKERS="2", EIC_WEB_THREADS="4"),
                stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)

    def kill(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(30)

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(60)


def nginx_conf(tmp, listen, upstreams) -> str:
    kinds = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    temp = " ".join(f"{kind}_temp_path {tmp}/{kind};" for kind in kinds)
    servers = " ".join(f"server {address};" for address in upstreams)
    return f"""daemon off; worker_processes 1; pid {tmp}/nginx.pid; error_log {tmp}/error.log;
events {{ worker_connections 256; }}
http {{ log_format drill '$msec $status $request_method $uri $upstream_addr $upstream_status';
  access_log {tmp}/access.log drill; {temp}
  upstream eic_web {{ {servers} keepalive 16; }}
  server {{ listen 127.0.0.1:{listen}; {site_location()} }}
}}"""


class Tally:
    """Every request the clients made: when, what, and how it ended (thread-safe)."""

    def __init__(self):
        self.lock, self.rows = threading.Lock(), []

    def add(self, kind, ended, status, attempt):
        with self.lock:
            self.rows.append((kind, ended, status, attempt))


def send(opener, request, tally, kind, attempt):
    try:
        with opener.open(request, timeout=120) as answer:
            status, body, where = answer.status, answer.read().decode(), answer.url
    except urllib.error.HTTPError as error:
        status, body, where = error.code, error.read().decode(errors="replace"), ""
    except OSError as error:  # the connection went away with the host: no answer at all
        status, body, where = 0, str(error), ""
    tally.add(kind, time.monotonic(), status, attempt)
    return status, body, where


def with_retries(make_request, opener, tally, kind, ok):
    """Send, and send the same request again while the answer says the host went away."""
    for attempt in range(RETRIES):
        status, body, where = send(opener, make_request(), tally, kind, attempt)
        if status not in RETRY_ON:
            assert ok(status), (kind, status, body[:300])
            return status, body, where
        time.sleep(0.2 * (attempt + 1))  # a client's back-off before it sends again, not a wait on the system
    raise AssertionError(f"{kind}: still failing after {RETRIES} attempts: {status} {body[:200]}")


def new_child(serial):
    born = almaty_today() - timedelta(days=420)
    return payload(**{"child.iin": unique_iin(born, "M", serial), "child.birth_date": born.isoformat(),
                      "child.last_name": f"Сынақов{serial}"})


def form_fields(body):
    p, c, g = body, body["child"], body["caregiver"]
    return {"iin": c["iin"], "last_name": c["last_name"], "first_name": c["first_name"], "patronymic": "",
            "birth_date": c["birth_date"], "sex": c["sex"], "gestational_age_weeks": str(c["gestational_age_weeks"]),
            "birth_weight_g": str(c["birth_weight_g"]), "address": c["address"], "district": c["district"],
            "caregiver_full_name": g["full_name"], "caregiver_relation": g["relation"], "caregiver_phone": g["phone"],
            "caregiver_language": g["preferred_language"], "center_code": p["center_code"],
            "icd10_codes": ", ".join(p["icd10_codes"]), "risk_factors": p["risk_factors"],
            "consent_given_by": p["consent"]["given_by"], "consent_given_on": p["consent"]["given_on"]}


def hidden(page, name):
    return re.search(rf'name="{name}" type="hidden" value="([^"]+)"', page).group(1)


def form_client(base, email, password, serials, tally, done, stop):
    """Log in through the form, then for each child: open the form, send it (again, with the same hidden key,
    when the answer was lost), and read 'My referrals'."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    _s, page, _w = with_retries(lambda: urllib.request.Request(f"{base}/login"), opener, tally, "read", OK_200)
    login = urllib.parse.urlencode({"csrf_token": hidden(page, "csrf_token"), "email": email, "password": password})
    _s, _b, where = with_retries(lambda: urllib.request.Request(f"{base}/login", data=login.encode()), opener,
                                 tally, "login", OK_200)
    assert "/login" not in where, "the pediatrician could not log in"
    for serial in serials:
        _s, page, _w = with_retries(lambda: urllib.request.Request(f"{base}/referrals/new"), opener, tally, "read",
                                    OK_200)
        fields = form_fields(new_child(serial)) | {"csrf_token": hidden(page, "csrf_token"),
                                                   "submission_key": hidden(page, "submission_key")}
        data = urllib.parse.urlencode(fields, doseq=True).encode()
        _s, _b, where = with_retries(lambda: urllib.request.Request(f"{base}/referrals/new", data=data), opener,
                                     tally, "submit", OK_200)
        assert re.search(r"/referrals/\d+$", where), where  # the referral's page, after the redirect
        done.append(serial)
        with_retries(lambda: urllib.request.Request(f"{base}/referrals/mine"), opener, tally, "read", OK_200)


def api_client(base, token, serials, tally, done, stop):
    opener = urllib.request.build_opener()
    for serial in serials:
        body = json.dumps(new_child(serial)).encode()
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                   "Idempotency-Key": str(uuid.uuid4())}
        with_retries(lambda: urllib.request.Request(f"{base}/api/v1/referrals", data=body, headers=headers),
                     opener, tally, "submit", (200, 201).__contains__)
        done.append(serial)
        with_retries(lambda: urllib.request.Request(f"{base}/api/v1/referrals?per_page=20",
                                                    headers={"Authorization": f"Bearer {token}"}),
                     opener, tally, "read", OK_200)


def reader(base, token, tally, stop):
    """Reads until told to stop: the load goes on while the scheduler leader is killed."""
    opener = urllib.request.build_opener()
    while not stop.is_set():
        with_retries(lambda: urllib.request.Request(f"{base}/api/v1/referrals",
                                                    headers={"Authorization": f"Bearer {token}"}),
                     opener, tally, "read", OK_200)


def failed_login(address, forged):
    """A wrong password sent straight to one host, as nginx would pass it on (the client's address in
    X-Forwarded-For); returns the status."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    headers = {"X-Forwarded-For": forged}
    page = opener.open(urllib.request.Request(f"http://{address}/login", headers=headers), timeout=60).read()
    data = urllib.parse.urlencode({"csrf_token": hidden(page.decode(), "csrf_token"), "email": "nobody@drill.kz",
                                   "password": "wrong-one"}).encode()
    try:
        return opener.open(urllib.request.Request(f"http://{address}/login", data=data, headers=headers),
                           timeout=60).status
    except urllib.error.HTTPError as error:
        return error.code


def tick_runs(engine):
    with engine.connect() as conn:
        return conn.execute(text("SELECT period, status, runner, error FROM job_runs WHERE job_id = 'drill.tick' "
                                 "ORDER BY period")).all()


def start_scheduler(env, log_path):
    with open(log_path, "w") as log:
        return subprocess.Popen([str(BIN / "flask"), "scheduler", "run"], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=log)


@pytest.mark.drill
def test_two_web_hosts_and_two_schedulers_survive_losing_one_of_each(drill_db, tmp_path):  # noqa: C901
    if not os.path.exists(NGINX):
        pytest.fail("nginx is required (make test installs it from Debian's packages)")
    url, people = drill_db
    env = env_for(url, tmp_path, EIC_SCHEDULER_ONLY="", EIC_SCHEDULER_EXTRA_JOBS="tests.ops.drill_jobs",
                  EIC_SCHEDULER_POLL_SECONDS="2", EIC_TRUSTED_PROXIES="1", EIC_LOGIN_LIMIT="3 per minute",
                  RATELIMIT_STORAGE_URI=REDIS_URL, RATELIMIT_KEY_PREFIX=f"eic-drill-{uuid.uuid4().hex[:8]}",
                  SECRET_KEY="drill-secret-shared-by-every-host")
    engine = create_engine(url, poolclass=NullPool)
    port = free_port()
    addresses = [f"127.0.0.1:{free_port()}", f"127.0.0.2:{free_port()}"]
    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / kind).mkdir()
    (tmp_path / "nginx.conf").write_text(nginx_conf(tmp_path, port, addresses))
    hosts, schedulers, proxy = [], [], None
    base = f"http://127.0.0.1:{port}"
    figures = {}
    try:
        hosts = [Host(env, address, tmp_path, f"web{n}") for n, address in enumerate(addresses)]
        proxy = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for address in addresses:
            assert wait_for(lambda: serving(f"http://{address}")), f"the web host at {address} did not start"
        assert wait_for(lambda: serving(base)), "nginx did not start"

        # One scheduler leads; the other, started once the first leads, waits.
        schedulers.append(start_scheduler(env, tmp_path / "scheduler0.log"))
        assert wait_for(lambda: "is the runner" in (tmp_path / "scheduler0.log").read_text()), "no leader"
        schedulers.append(start_scheduler(env, tmp_path / "scheduler1.log"))
        assert wait_for(lambda: "another scheduler is running" in (tmp_path / "scheduler1.log").read_text())

        # The log-in limit is one count for both hosts: 3 wrong passwords a minute from one address, in turns.
        statuses = [failed_login(addresses[n % 2], "198.51.100.7") for n in range(4)]
        assert statuses == [200, 200, 200, 429], statuses
        assert failed_login(addresses[0], "198.51.100.8") == 200  # another address has its own count

        # The load: form and API clients, each child once; one host is killed half-way.
        tally, done, stop = Tally(), [], threading.Event()
        total = (FORM_CLIENTS + API_CLIENTS) * EACH
        serials = [list(range(100 + n * EACH, 100 + (n + 1) * EACH)) for n in range(FORM_CLIENTS + API_CLIENTS)]
        errors = []

        def guarded(target, *args):
            try:
                target(*args)
            except BaseException as exc:  # the assertion, for the main thread
                errors.append(exc)

        threads = [threading.Thread(target=guarded, args=(form_client, base, people["form"][n], people["password"],
                                                          serials[n], tally, done, stop))
                   for n in range(FORM_CLIENTS)]
        threads += [threading.Thread(target=guarded, args=(api_client, base, people["tokens"][n],
                                                           serials[FORM_CLIENTS + n], tally, done, stop))
                    for n in range(API_CLIENTS)]
        threads.append(threading.Thread(target=guarded, args=(reader, base, people["tokens"][0], tally, stop)))
        started = time.monotonic()
        for thread in threads:
            thread.start()
        assert wait_for(lambda: len(done) >= total // 2 or errors), "the load did not get half-way"
        killed_host_at = time.monotonic()
        hosts[1].kill()
        # The scheduler leader is killed in the middle of a run of the drill's job.
        leader_pid = schedulers[0].pid
        running = lambda: [r for r in tick_runs(engine)  # noqa: E731
                           if r.status == "running" and r.runner.endswith(f":{leader_pid}")]
        caught = wait_for(running, timeout=PERIOD_SECONDS * 6)
        assert caught, "the leader never ran the drill's job"
        orphan_period = caught[0].period
        schedulers[0].send_signal(signal.SIGKILL)
        killed_leader_at = time.monotonic()
        schedulers[0].wait(30)
        assert wait_for(lambda: "is the runner" in (tmp_path / "scheduler1.log").read_text()), "no takeover"
        lock_taken = time.monotonic() - killed_leader_at
        follower = f":{schedulers[1].pid}"
        # The follower's catch-up runs the latest firing: the killed leader's period when it took over within that
        # period (the usual case), else a later one (misfires coalesce: a busy machine may take longer than one
        # 20-second period to hand over, where a real job's period is a day or a week). Either way the killed run
        # is marked abandoned and the new leader runs the latest period.
        redone = lambda: [r for r in tick_runs(engine)  # noqa: E731
                          if int(r.period) >= int(orphan_period) and r.status == "succeeded"
                          and r.runner.endswith(follower)]
        assert wait_for(redone), "the waiting scheduler did not finish the killed leader's period"
        # The killed period's row: run again by the follower (the usual case), or left marked abandoned.
        orphan = [r for r in tick_runs(engine) if r.period == orphan_period]
        assert orphan and all((r.status == "succeeded" and r.runner.endswith(follower))
                              or (r.status == "failed" and "Abandoned" in r.error) for r in orphan), orphan
        takeover = time.monotonic() - killed_leader_at
        stop.set()
        for thread in threads:
            thread.join(600)
        assert not errors, errors
        load_seconds = time.monotonic() - started
        # Two more periods under the new leader, then the ledger is read.
        after = int(orphan_period) + 2
        assert wait_for(lambda: any(int(r.period) >= after and r.status == "succeeded" for r in tick_runs(engine)),
                        timeout=PERIOD_SECONDS * 8), "the new leader did not go on"

        # Requests: nothing failed until the host was killed; then only what it held (a client has one request
        # in flight, and nginx may have one more on a kept-alive connection to the dead host), and each of
        # those, sent again, succeeded (with_retries asserts it).
        rows = tally.rows
        failed = [r for r in rows if r[2] in RETRY_ON]
        assert all(ended >= killed_host_at for _kind, ended, _status, _attempt in failed), failed
        assert sorted(done) == sorted(s for group in serials for s in group)  # every submission went through
        assert len(failed) <= 2 * (FORM_CLIENTS + API_CLIENTS), Counter(r[2] for r in failed)

        with engine.connect() as conn:
            referrals = conn.execute(text("SELECT count(*), count(DISTINCT child_id), count(DISTINCT "
                                          "submission_key) FROM referrals")).one()
            duplicates = conn.execute(text("SELECT count(*) FROM (SELECT job_id, period FROM job_runs GROUP BY "
                                           "job_id, period HAVING count(*) > 1) d")).scalar()
            real_jobs = conn.execute(text("SELECT job_id, period, status, error FROM job_runs "
                                          "WHERE job_id <> 'drill.tick' AND NOT manual")).all()
        assert tuple(referrals) == (total, total, total), referrals  # each child once, no referral twice
        assert duplicates == 0

        # Every period of the drill's job from the first to the last: exactly once, all succeeded; the killed
        # leader's period was marked abandoned and run again by the one that took over.
        ticks = tick_runs(engine)
        periods = [int(r.period) for r in ticks]
        assert periods == sorted(set(periods)), periods  # each period once
        assert [p for p in periods if p <= int(orphan_period)] == list(range(periods[0], int(orphan_period) + 1))
        resumed = [int(r.period) for r in ticks if r.runner.endswith(follower)]
        assert resumed == list(range(resumed[0], resumed[-1] + 1)), resumed  # from its first on, none missed
        # All succeeded but, when the follower took over only after the next firing (misfires coalesce), the
        # killed period itself, left marked abandoned.
        assert all(r.status == "succeeded" or (r.period == orphan_period and "Abandoned" in r.error)
                   for r in ticks if int(r.period) <= after), ticks
        # Only the two schedulers ever ran it, and the one that took over did. The killed leader's own rows are
        # the periods it finished before it was killed: none when the drill caught it in its first run, which a
        # busy machine makes likely (a period is 20 seconds), so their number is not asserted.
        runners = Counter(r.runner.rsplit(":", 1)[1] for r in ticks)
        assert str(schedulers[1].pid) in runners and set(runners) <= {str(leader_pid), str(schedulers[1].pid)}, \
            runners
        # The product's own jobs ran too (the catch-up at start): none failed, none twice. One the killed leader
        # left unfinished is marked abandoned; its period is run again when it is still the latest firing.
        assert real_jobs and all(r.status in ("succeeded", "running") or r.error.startswith("Abandoned")
                                 for r in real_jobs), [tuple(r)[:3] for r in real_jobs if r.status == "failed"]
        assert takeover < 60, takeover

        access = (tmp_path / "access.log").read_text().splitlines()
        served = Counter(line.split()[4].split(",")[0] for line in access if len(line.split()) > 4)
        assert all(served.get(address) for address in addresses), served  # both hosts took load
        figures = {"requests": len(rows), "submissions": total, "page_reads": sum(1 for r in rows if r[0] == "read"),
                   "failed_then_retried": len(failed), "failed_statuses": dict(Counter(r[2] for r in failed)),
                   "retries_needed_max": max((r[3] for r in rows), default=0),
                   "referrals_stored": referrals[0], "load_seconds": round(load_seconds, 1),
                   "lock_taken_seconds": round(lock_taken, 1), "takeover_seconds": round(takeover, 1),
                   "tick_periods": len(ticks),
                   "served_by_host": dict(served), "login_limit_statuses": statuses}
    finally:
        for process in schedulers:
            if process.poll() is None:
                process.terminate()
                process.wait(30)
        if proxy is not None:
            proxy.terminate()
            proxy.wait(30)
        for host in hosts:
            host.stop()
        engine.dispose()
    report = os.environ.get("EIC_DRILL_REPORT")
    if report:
        with open(report, "w") as out:
            json.dump(figures, out, indent=2)
    print("drill figures:", json.dumps(figures))
