"""Files made by jobs are kept in the database: they appear with the run that made them, a failed run leaves
none, a rerun replaces, old ones are dropped, and any web host offers them (no host's disk is involved)."""
from datetime import date, datetime, timezone
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import func, select

from eic.core.roles import Role
from eic.coverage.tasks import JOB_ID, kept_workbooks
from eic.extensions import db
from eic.jobs import files, scheduler
from eic.jobs.models import JobFile

MONDAY = datetime(2026, 11, 15, 22, 0, tzinfo=timezone.utc)  # 03:00 on Monday 16 November in Almaty


def count(job_id):
    return db.session.scalar(select(func.count()).select_from(JobFile).where(JobFile.job_id == job_id))


def test_a_failed_run_leaves_no_file_and_a_rerun_replaces(ctx):
    def half_done(now):
        files.keep("t.files", "t-1.txt", b"first half", period="p1", media_type="text/plain")
        raise RuntimeError("disk full, say")

    assert scheduler.run_job(scheduler.Job("t.files", half_done, {"hour": 3}), MONDAY).status == "failed"
    assert count("t.files") == 0
    files.keep("t.files", "t-1.txt", b"one", period="p1", media_type="text/plain")
    files.keep("t.files", "t-1.txt", b"two", period="p1", media_type="text/plain")
    db.session.commit()
    kept = files.named("t.files", "t-1.txt")
    assert count("t.files") == 1 and kept.content == b"two" and kept.size == 3
    assert files.named("t.files", "nothing.txt") is None and files.named("other.job", "t-1.txt") is None


def test_the_oldest_files_beyond_the_quota_are_dropped(ctx):
    for week in range(files.KEEP_PER_LANGUAGE + 3):
        files.keep("t.quota", f"q-{week:02d}-kk", b"x", period=f"2026-W{week + 1:02d}", media_type="text/plain",
                   language="kk")
    files.keep("t.quota", "q-ru", b"x", period="2026-W01", media_type="text/plain", language="ru")
    db.session.commit()
    names = [f.name for f in files.listed("t.quota", "kk")]
    assert len(names) == files.KEEP_PER_LANGUAGE and names[0] == f"q-{files.KEEP_PER_LANGUAGE + 2:02d}-kk"
    assert "q-00-kk" not in names and [f.name for f in files.listed("t.quota", "ru")] == ["q-ru"]


def test_the_weekly_workbook_is_offered_from_the_database_in_the_readers_language(app, client, login_as):
    with app.app_context():
        assert scheduler.run_job(scheduler.job_by_id(JOB_ID), MONDAY).status == "succeeded"
        assert kept_workbooks("ru") == [(date(2026, 11, 16), "coverage-2026-W47-ru.xlsx")]
    login_as(Role.MINISTRY)
    page = client.get("/coverage/", headers={"Accept-Language": "ru"})
    assert page.status_code == 200 and "/coverage/weekly/coverage-2026-W47-ru.xlsx" in page.text
    assert "coverage-2026-W47-kk.xlsx" not in page.text
    got = client.get("/coverage/weekly/coverage-2026-W47-ru.xlsx")
    assert got.status_code == 200 and got.mimetype.endswith("spreadsheetml.sheet")
    assert "coverage-2026-W47-ru.xlsx" in got.headers["Content-Disposition"]
    assert load_workbook(BytesIO(got.data)).worksheets[0].max_row > 1
    # Nothing but the job's own files, by their exact name.
    with app.app_context():
        files.keep("t.other", "secret.xlsx", b"x", period="p", media_type="text/plain")
        db.session.commit()
    assert client.get("/coverage/weekly/secret.xlsx").status_code == 404
    assert client.get("/coverage/weekly/..%2Fcoverage-2026-W47-ru.xlsx").status_code == 404


def test_running_the_workbook_job_from_the_command_line_words_its_outcome(app, session):
    """An IT person runs the job by hand: the answer is a sentence, not the ledger's stored JSON."""
    from flask_babel import force_locale

    runner = app.test_cli_runner()
    with app.app_context(), force_locale("en"):
        result = runner.invoke(args=["scheduler", "run-job", JOB_ID])
        assert result.exit_code == 0 and result.output.strip() == "succeeded: Workbooks written: 3", result.output
        assert runner.invoke(args=["scheduler", "run-job", "no.such.job"]).exit_code == 2
