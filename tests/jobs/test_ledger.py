"""The run ledger: once per period, failures recorded, the next job still runs, catch-up once, explicit misfire."""
from datetime import datetime, timezone

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from eic.extensions import db
from eic.jobs import scheduler
from eic.jobs.models import JobRun
from eic.jobs.outcome import worded

NOW = datetime(2027, 3, 10, 4, 0, tzinfo=timezone.utc)  # 09:00 in Almaty


def runs(job_id):
    return db.session.scalars(select(JobRun).where(JobRun.job_id == job_id).order_by(JobRun.id)).all()


@pytest.fixture
def calls():
    return []


def test_a_period_runs_once(ctx, calls):
    job = scheduler.Job("t.once", lambda now: calls.append(now) or "done", {"hour": 7})
    first = scheduler.run_job(job, NOW)
    assert first.status == "succeeded" and first.result == "done" and first.period == "2027-03-10"
    assert scheduler.run_job(job, NOW.replace(hour=10)) is None  # 15:00 Almaty, same day
    assert len(calls) == 1 and len(runs("t.once")) == 1
    # Across Almaty midnight (19:30 UTC is 00:30 the next day) it is a new period.
    assert scheduler.run_job(job, NOW.replace(hour=19, minute=30)).period == "2027-03-11"


def test_a_failing_job_is_recorded_its_writes_undone_and_the_next_job_runs(ctx, calls):
    from tests.factories.notifications import NotificationFactory

    def boom(now):
        NotificationFactory.build()  # nothing persisted by the failing job survives
        db.session.add(NotificationFactory.build())
        raise RuntimeError("the printer is on fire")

    bad = scheduler.Job("t.bad", boom, {"hour": 7})
    good = scheduler.Job("t.good", lambda now: calls.append(1) or "fine", {"hour": 7})
    before = db.session.scalar(select(func.count()).select_from(
        __import__("eic.notifications.models", fromlist=["Notification"]).Notification))
    failed = scheduler.run_job(bad, NOW)
    assert failed.status == "failed" and "the printer is on fire" in failed.error and failed.duration_ms >= 0
    assert scheduler.run_job(good, NOW).status == "succeeded" and calls == [1]
    after = db.session.scalar(select(func.count()).select_from(
        __import__("eic.notifications.models", fromlist=["Notification"]).Notification))
    assert after == before
    # A failed period may be tried again (and is claimed by one runner only).
    fixed = scheduler.Job("t.bad", lambda now: "ok now", {"hour": 7})
    again = scheduler.run_job(fixed, NOW)
    assert again.status == "succeeded" and len(runs("t.bad")) == 1
    assert scheduler.run_job(fixed, NOW) is None


def test_manual_runs_do_not_use_up_the_period(ctx, calls):
    job = scheduler.Job("t.manual", lambda now: calls.append(1), {"hour": 7})
    assert scheduler.run_job(job, NOW, manual=True).manual
    assert scheduler.run_job(job, NOW).period == "2027-03-10"
    assert len(calls) == 2


def test_catch_up_runs_the_latest_missed_firing_once(ctx, calls):
    job = scheduler.Job("t.catch", lambda now: calls.append(now), {"hour": 7, "minute": 10})
    # Started at 09:00 Almaty: today's 07:10 firing was missed.
    (run,) = scheduler.catch_up(NOW, [job])
    assert run.period == "2027-03-10" and len(calls) == 1
    assert scheduler.catch_up(NOW, [job]) == [None]  # started again: nothing
    # Started at 06:00 the next day: yesterday's firing ran; nothing to catch up... and the day before is not replayed.
    assert scheduler.catch_up(datetime(2027, 3, 11, 1, 0, tzinfo=timezone.utc), [job]) == [None]
    weekly = scheduler.Job("t.week", lambda now: calls.append(now), {"day_of_week": "mon", "hour": 3},
                           scheduler.weekly)
    (run,) = scheduler.catch_up(NOW, [weekly])  # Wednesday: Monday's firing was missed
    assert run.period == "2027-W10"


def brute_force_last_fire(cron, now):
    """The old walk over every firing of the window, as the reference answer."""
    from datetime import timedelta

    from apscheduler.triggers.cron import CronTrigger

    trigger = CronTrigger(timezone=scheduler.ALMATY, **cron)
    previous, moment = None, now - timedelta(days=scheduler.CATCH_UP_DAYS)
    while True:
        fire = trigger.get_next_fire_time(previous, moment)
        if fire is None or fire > now:
            return previous
        previous, moment = fire, fire + timedelta(microseconds=1)


@pytest.mark.parametrize("cron", [{"hour": 7, "minute": 10}, {"day_of_week": "mon", "hour": 3}, {"minute": "*"},
                                  {"minute": "*/15"}, {"hour": 17, "day_of_week": "mon-fri"},
                                  {"year": 2027, "month": 3, "day": 9, "hour": 23}, {"year": 2020, "hour": 1}])
@pytest.mark.parametrize("now", [NOW, datetime(2027, 3, 10, 2, 10, tzinfo=timezone.utc),  # on a firing
                                 datetime(2027, 3, 8, 21, 59, 59, 999999, tzinfo=timezone.utc)])
def test_last_fire_time_agrees_with_walking_every_firing(cron, now):
    job = scheduler.Job("t.last", lambda now: None, cron)
    assert scheduler.last_fire_time(job, now) == brute_force_last_fire(cron, now)


def test_last_fire_time_asks_the_trigger_a_bounded_number_of_times(monkeypatch):
    """An every-second job has 691,200 firings in the window; the answer must not walk them (it took minutes of
    start-up on a busy machine). Counting the trigger's answers keeps this test independent of speed."""
    from apscheduler.triggers.cron import CronTrigger

    asked = []
    original = CronTrigger.get_next_fire_time
    monkeypatch.setattr(CronTrigger, "get_next_fire_time",
                        lambda self, previous, now: asked.append(now) or original(self, previous, now))
    job = scheduler.Job("t.second", lambda now: None, {"second": "*"})
    moment = datetime(2027, 3, 10, 4, 0, 7, 250000, tzinfo=timezone.utc)
    assert scheduler.last_fire_time(job, moment) == moment.replace(microsecond=0)
    assert len(asked) <= 64


def test_misfire_grace_and_coalescing_are_explicit():
    jobs = [scheduler.Job("t.x", lambda now: None, {"hour": 7})]
    built = scheduler.build_scheduler(jobs, lambda job_id: None)
    assert built._job_defaults["misfire_grace_time"] == 24 * 3600 and built._job_defaults["coalesce"] is True
    assert str(built.timezone) == "Asia/Almaty"


def test_every_domain_declares_its_jobs(app):
    with app.app_context():
        ids = {job.id for job in scheduler.collect_jobs()}
    assert {"referrals.ack_overdue", "intake.child_clock", "intake.age_milestones", "therapy.plan_reviews",
            "therapy.missed_sessions", "therapy.late_notes", "therapy.session_reminders", "capacity.snapshot",
            "coverage.weekly_workbook", "rollout.reminders", "notifications.deliver_outbox"} <= ids


def test_the_admin_page_lists_runs_and_runs_a_job_now(client, login_as):
    login_as("admin")
    scheduler.run_job(scheduler.Job("t.shown", lambda now: 1 / 0, {"hour": 7}), NOW)
    page = client.get("/admin/jobs", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "t.shown" in page and "ZeroDivisionError" in page and "capacity.snapshot" in page
    response = client.post("/admin/jobs/capacity.snapshot/run")
    assert response.status_code == 302
    assert runs("capacity.snapshot")[-1].manual
    assert client.post("/admin/jobs/nonsense/run").status_code == 404


def test_the_ledger_and_outbox_are_pruned(ctx):
    from datetime import timedelta

    from eic.notifications.models import OutboxMessage
    from tests.factories.jobs import JobRunFactory
    from tests.factories.notifications import OutboxMessageFactory

    JobRunFactory(job_id="notifications.deliver_outbox", period="old-minute", started_at=NOW - timedelta(days=15))
    JobRunFactory(job_id="notifications.deliver_outbox", period="new-minute", started_at=NOW - timedelta(days=13))
    JobRunFactory(job_id="capacity.snapshot", period="last-month", started_at=NOW - timedelta(days=30))
    JobRunFactory(job_id="capacity.snapshot", period="two-years", started_at=NOW - timedelta(days=800))
    OutboxMessageFactory(status="kept", created_at=NOW - timedelta(days=200))
    OutboxMessageFactory(status="failed", created_at=NOW - timedelta(days=200))
    OutboxMessageFactory(status="kept", created_at=NOW - timedelta(days=10))
    run = scheduler.run_job(scheduler.job_by_id("jobs.prune"), NOW)
    with force_locale("en"):
        assert worded(run.result) == "Removed: 2 from the ledger, 1 from the outbox"
    with force_locale("kk"):
        assert "ledger" not in worded(run.result) and "2" in worded(run.result)
    assert {r.period for r in db.session.scalars(select(JobRun))} >= {"new-minute", "last-month"}
    assert not {"old-minute", "two-years"} & {r.period for r in db.session.scalars(select(JobRun))}
    assert sorted(m.status for m in db.session.scalars(select(OutboxMessage))) == ["failed", "kept"]


def test_a_run_left_by_a_stopped_scheduler_is_run_again_by_the_one_that_takes_over(ctx, calls):
    """The leader was killed in the middle of a job: its ledger row stayed "running". The next leader marks
    it abandoned (not manual runs, not its own) and the catch-up runs that period once."""
    from tests.factories.jobs import JobRunFactory

    job = scheduler.Job("t.orphan", lambda now: calls.append(now) or "redone", {"hour": 9})
    JobRunFactory(job_id="t.orphan", period="2027-03-10", status="running", runner="host-a:4242")
    manual = JobRunFactory(job_id="t.orphan", period="manual 2027-03-10 09:00", status="running", manual=True,
                           runner="web-b:77")
    db.session.commit()
    assert scheduler.catch_up(NOW, [job]) == [None] and calls == []  # still "running" elsewhere
    assert scheduler.abandon_orphans() == 1
    (run,) = scheduler.catch_up(NOW, [job])
    assert run.status == "succeeded" and run.result == "redone" and run.runner == scheduler.runner_name()
    assert len(calls) == 1 and [r.period for r in runs("t.orphan")] == ["2027-03-10", "manual 2027-03-10 09:00"]
    assert db.session.get(JobRun, manual.id).status == "running"
    assert scheduler.abandon_orphans() == 0  # its own runs are never orphans


def test_a_run_taken_over_meanwhile_undoes_its_writes(ctx):
    """This scheduler lost its lock while a job ran; the new leader abandoned and reclaimed the run. The old
    run's writes are rolled back and its outcome not recorded: the period's work is done once, by the new one."""
    from eic.notifications.models import Notification
    from tests.factories.notifications import NotificationFactory

    def slow(now):
        db.session.add(NotificationFactory.build())
        db.session.flush()
        # Meanwhile, another scheduler took the run over (as abandon_orphans then _claim do).
        db.session.execute(JobRun.__table__.update().where(JobRun.job_id == "t.lost")
                           .values(runner="host-b:99", status="running"))
        return "done twice?"

    before = db.session.scalar(select(func.count()).select_from(Notification))
    assert scheduler.run_job(scheduler.Job("t.lost", slow, {"hour": 9}), NOW) is None
    assert db.session.scalar(select(func.count()).select_from(Notification)) == before
