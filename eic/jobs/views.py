"""The administrators' view of scheduled work: jobs, recent runs with their outcome, run now; and the outbox."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from eic.core.auth import role_required
from eic.core.pagination import paginate
from eic.core.roles import Role
from eic.core.timeutil import utc_now
from eic.jobs.outcome import worded

from . import queries

bp = Blueprint("jobs", __name__, template_folder="templates", url_prefix="/admin")
STATUS_LABELS = {"running": _l("Running"), "succeeded": _l("Succeeded"), "failed": _l("Failed"),
                 "pending": _l("Pending"), "sent": _l("Sent"), "kept": _l("Kept in the outbox")}


@bp.context_processor
def labels():
    return {"status_labels": STATUS_LABELS}


@bp.route("/jobs")
@role_required(Role.ADMIN)
def index():
    from eic.jobs import scheduler

    jobs = scheduler.collect_jobs()
    last = queries.last_run_by_job()
    now = utc_now()
    schedule = []
    for job in jobs:
        from apscheduler.triggers.cron import CronTrigger

        from eic.core.timeutil import ALMATY

        schedule.append((job, CronTrigger(timezone=ALMATY, **job.cron).get_next_fire_time(None, now),
                         last.get(job.id)))
    runs = queries.recent_runs()
    labels = {job.id: job.label for job in jobs}
    return render_template("jobs/index.html", schedule=schedule, runs=runs, job_labels=labels, worded=worded)


@bp.route("/jobs/<job_id>/run", methods=["POST"])
@role_required(Role.ADMIN)
def run_now(job_id):
    from eic.jobs import scheduler

    job = scheduler.job_by_id(job_id)
    if job is None:
        abort(404)
    run = scheduler.run_job(job, manual=True)
    if run is not None and run.status == "succeeded":
        flash(_("The job ran: %(result)s", result=run.result or "—"), "success")
    else:
        flash(_("The job failed; the error is in the list below."), "error")
    return redirect(url_for("jobs.index"))


@bp.route("/outbox")
@role_required(Role.ADMIN)
def outbox():
    from eic.core.roles import ROLE_LABELS
    from eic.notifications.services import ALL_KIND_LABELS

    pagination = paginate(queries.outbox_newest_first())
    # The addresses stay here: only the role of who receives each message reaches the page.
    owner = queries.recipient_roles({m.recipient for m in pagination.items if m.channel == "email"})
    rows = [(m, owner.get(m.recipient) if m.channel == "email" else None) for m in pagination.items]
    return render_template("jobs/outbox.html", pagination=pagination, rows=rows, kinds=ALL_KIND_LABELS,
                           roles=ROLE_LABELS)
