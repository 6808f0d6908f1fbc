"""One way to read configuration for every entry point, the gunicorn settings file, and trusted proxies."""
import os
import subprocess
import sys

from sqlalchemy import text

from eic.core.roles import Role
from tests.jobs.test_processes import BIN, ROOT, free_port, serving, wait_for

PRINT_DB = "from eic import create_app; print(create_app().config['SQLALCHEMY_DATABASE_URI'])"


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "EIC_CONFIG", "EIC_ENV_FILE")}
    env.update(PYTHONPATH=str(ROOT), **extra)
    return env


def test_the_web_app_reads_the_same_env_file_as_the_commands(tmp_path):
    """Before: `flask` read .env and gunicorn did not, so the CLI used PostgreSQL and the web app SQLite."""
    (tmp_path / ".env").write_text(f"DATABASE_URL=sqlite:///{tmp_path / 'from-env.db'}\n")
    web = subprocess.run([sys.executable, "-c", PRINT_DB], cwd=tmp_path, env=clean_env(), capture_output=True,
                         text=True)
    assert web.stdout.strip() == f"sqlite:///{tmp_path / 'from-env.db'}", web.stderr
    # A flask command (what migrations and the scheduler run) reads the same file, through the same module.
    # `flask db current` opens the configured database: SQLite makes the file named in .env.
    assert not (tmp_path / "from-env.db").exists()
    cli = subprocess.run([str(BIN / "flask"), "--app", "wsgi", "db", "current"], cwd=tmp_path, env=clean_env(),
                         capture_output=True, text=True)
    assert cli.returncode == 0, cli.stderr
    assert (tmp_path / "from-env.db").exists()
    # The environment wins over the file.
    told = subprocess.run([sys.executable, "-c", PRINT_DB], cwd=tmp_path,
                          env=clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'told.db'}"), capture_output=True,
                          text=True)
    assert told.stdout.strip() == f"sqlite:///{tmp_path / 'told.db'}"


def test_gunicorn_starts_from_its_settings_file(tmp_path, app, database_url):
    port = free_port()
    env = clean_env(DATABASE_URL=database_url, EIC_CONFIG="development", EIC_BIND=f"127.0.0.1:{port}",
                    EIC_WEB_WORKERS="2", EIC_SCHEDULER_ONLY="")
    web = subprocess.Popen([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_for(lambda: serving(f"http://127.0.0.1:{port}")), "gunicorn did not start"
        workers = subprocess.run(["pgrep", "-P", str(web.pid)], capture_output=True, text=True).stdout.split()
        assert len(workers) == 2
    finally:
        web.terminate()
        web.wait(30)


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(app):
    """Before: behind a proxy every user shared one address, so five clients got 200, 200, 200, 429, 429."""
    from eic import create_app
    from eic.extensions import db, limiter

    def statuses(trusted):
        other = create_app("testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                           EIC_TRUSTED_PROXIES=trusted, EIC_LOGIN_LIMIT="1 per minute")
        limiter.reset()
        client = other.test_client()
        answers = [client.post("/login", data={"email": "x@y.kz", "password": "wrong-one"},
                               headers={"X-Forwarded-For": f"203.0.113.{n}"},
                               environ_base={"REMOTE_ADDR": "10.0.0.2"}).status_code for n in range(1, 6)]
        with other.app_context():
            db.engine.dispose()  # this app's own pool: closed now, not by the garbage collector in a later test
        return answers

    try:
        assert statuses(1) == [200] * 5  # five clients, each its first attempt
        assert statuses(0) == [200, 429, 429, 429, 429]  # the header is not trusted: one address
    finally:
        limiter.reset()


def test_ready_means_database_migrations_and_scheduler(client, app, session):
    from eic.core.timeutil import utc_now
    from eic.jobs.models import JobRun

    assert client.get("/readyz").json == {"status": "ready"}
    app.config["EIC_SCHEDULER_STALE_MINUTES"] = 60
    try:
        answer = client.get("/readyz")
        assert answer.status_code == 503 and answer.json["problems"][0].startswith("scheduler")
        session.add(JobRun(job_id="test.ready", period="ready", runner="test", started_at=utc_now(),
                           status="succeeded"))
        session.commit()
        assert client.get("/readyz").status_code == 200
    finally:
        app.config["EIC_SCHEDULER_STALE_MINUTES"] = 0
    session.execute(text("UPDATE alembic_version SET version_num = 'old'"))  # rolled back after the test
    answer = client.get("/readyz")
    assert answer.status_code == 503 and answer.json["problems"][0].startswith("migrations")


def test_metrics_for_the_monitoring_token_only(client, app):
    assert client.get("/metrics").status_code == 404  # not configured: not there
    app.config["EIC_METRICS_TOKEN"] = "scrape-secret-123"
    try:
        assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
        client.get("/login")
        body = client.get("/metrics", headers={"Authorization": "Bearer scrape-secret-123"}).get_data(as_text=True)
        assert 'eic_request_seconds_count{route="/login",status="200"}' in body
        for name in ("eic_outbox_backlog", "eic_login_failures_last_hour", "eic_job_runs_last_day"):
            assert name in body
    finally:
        app.config["EIC_METRICS_TOKEN"] = ""


def test_one_json_line_per_request_with_no_personal_data(client, app, login_as, capsys):
    import json
    import logging

    from eic.core import observe

    login_as(Role.COORDINATOR)
    handler = logging.StreamHandler()
    from pythonjsonlogger.json import JsonFormatter

    handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(message)s"))
    observe.REQUEST_LOG.addHandler(handler)
    observe.REQUEST_LOG.setLevel(logging.INFO)
    app.config["EIC_LOG_JSON"] = True
    try:
        client.get("/referrals?q=Құпиясова", headers={"X-Request-ID": "trace-12345678"})
    finally:
        app.config["EIC_LOG_JSON"] = False
        observe.REQUEST_LOG.removeHandler(handler)
    line = [json.loads(x) for x in capsys.readouterr().err.splitlines() if x.startswith("{")][-1]
    assert line["request_id"] == "trace-12345678" and line["route"] == "/referrals" and line["status"] == 200
    assert isinstance(line["user_id"], int) and line["duration_ms"] >= 0 and "Құпиясова" not in json.dumps(line)
