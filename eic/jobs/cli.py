"""``flask scheduler run`` (the one scheduler process), ``flask scheduler list``, ``flask scheduler run-job``."""
import logging

import click
from flask import current_app
from flask.cli import AppGroup

scheduler_cli = AppGroup("scheduler", help="Scheduled jobs.")


@scheduler_cli.command("run")
@click.option("--stop-after", type=float, default=None, help="Stop after so many seconds (tests).")
def run(stop_after):
    """Run the schedule in this process (waits while another scheduler holds the lock)."""
    from eic.jobs import scheduler

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    scheduler.serve(current_app._get_current_object(), stop_after=stop_after)


@scheduler_cli.command("list")
def list_jobs():
    """The jobs and their schedules (Asia/Almaty)."""
    from eic.jobs import scheduler

    for job in scheduler.collect_jobs():
        click.echo(f"{job.id:<32} {job.cron}")


@scheduler_cli.command("run-job")
@click.argument("job_id")
def run_job(job_id):
    """Run one job now, as the admin page's button does."""
    from eic.jobs import scheduler

    job = scheduler.job_by_id(job_id)
    if job is None:
        raise click.BadParameter(f"no job {job_id!r}")
    from eic.jobs.outcome import worded

    run = scheduler.run_job(job, manual=True)
    if run is None:
        raise click.ClickException("the run was not recorded (see the log)")
    click.echo(f"{run.status}: {worded(run.result) if run.status == 'succeeded' else run.error_summary}")


def init_app(app):
    app.cli.add_command(scheduler_cli)
