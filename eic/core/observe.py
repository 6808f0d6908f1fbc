"""What an IT team watches: one JSON log line per request and Prometheus metrics.

Logs (python-json-logger): each request writes ``{"time", "level", "message": "request", "request_id",
"user_id", "route", "method", "status", "duration_ms"}`` to standard error; the request id is also the
``X-Request-ID`` header. A user is a number, never a name or an e-mail, and no URL query is logged (a search may
hold a child's name). ``EIC_LOG_JSON`` (on in production) switches it on.

Metrics (prometheus_client) at ``/metrics``, for a bearer token ``EIC_METRICS_TOKEN`` (without one the address
does not exist): request latency by route and status (per process; set ``PROMETHEUS_MULTIPROC_DIR`` to sum
gunicorn's workers), and, read from the database at each scrape so every host agrees, scheduled job runs by
outcome over the last day, the outbox backlog and failed log-ins in the last hour."""
import logging
import time

from flask import Response, abort, current_app, g, request

REQUEST_LOG = logging.getLogger("eic.requests")


def _latency_histogram():
    """The request-latency histogram, made once per process when this module is imported (a lazily made one can be
    registered twice when two requests race to make it)."""
    from prometheus_client import REGISTRY, Histogram

    try:
        return Histogram("eic_request_seconds", "Time to answer a request", ["route", "status"],
                         buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60))
    except ValueError:  # already registered in this process (the module imported again)
        return REGISTRY._names_to_collectors["eic_request_seconds"]


LATENCY = _latency_histogram()


def init_app(app):
    if app.config.get("EIC_LOG_JSON"):
        from pythonjsonlogger.json import JsonFormatter

        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s",
                                           rename_fields={"asctime": "time", "levelname": "level"}))
        handler.eic_json = True
        for logger in (REQUEST_LOG, app.logger):
            # One JSON handler per logger (several apps in one process share the loggers by name); the records
            # still propagate, so a host's own logging setup (or a test's) sees them too.
            from flask.logging import default_handler

            logger.handlers[:] = [h for h in logger.handlers
                                  if not getattr(h, "eic_json", False) and h is not default_handler] + [handler]
            logger.setLevel(logging.INFO)
    app.before_request(_start)
    app.after_request(_finish)


def _start():
    g.eic_started = time.perf_counter()


def _finish(response):
    started = g.get("eic_started")
    if started is None:
        return response
    seconds = time.perf_counter() - started
    route = request.url_rule.rule if request.url_rule is not None else "unmatched"
    LATENCY.labels(route=route, status=str(response.status_code)).observe(seconds)
    if current_app.config.get("EIC_LOG_JSON"):
        from flask_login import current_user

        from .request_id import request_id

        page_user = _user_id(current_user._get_current_object()) if "_login_user" in g else None
        user_id = _user_id(g.get("api_user")) or page_user
        REQUEST_LOG.info("request", extra={"request_id": request_id(), "user_id": user_id, "route": route,
                                           "method": request.method, "status": response.status_code,
                                           "duration_ms": round(seconds * 1000, 1)})
    return response


def _user_id(user):
    """The user's number without touching the database (after a rollback a loaded user is expired, and reading an
    attribute would reload it, on a connection the database may just have cut)."""
    from sqlalchemy import inspect
    from sqlalchemy.exc import NoInspectionAvailable

    if user is None:
        return None
    try:
        identity = inspect(user).identity
    except NoInspectionAvailable:  # the anonymous user
        return None
    return identity[0] if identity else None


def metrics_response():
    """The metrics page: only for ``Authorization: Bearer <EIC_METRICS_TOKEN>``; 404 without the setting."""
    import hmac

    token = current_app.config.get("EIC_METRICS_TOKEN") or ""
    given = request.headers.get("Authorization", "").partition(" ")[2].strip()
    if not token:
        abort(404)
    if not hmac.compare_digest(given.encode(), token.encode()):
        abort(403)
    from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
    from prometheus_client.core import GaugeMetricFamily

    registry = CollectorRegistry()
    registry.register(_DatabaseCollector(GaugeMetricFamily))
    body = generate_latest(REGISTRY) + generate_latest(registry)
    return Response(body, mimetype="text/plain; version=0.0.4")


class _DatabaseCollector:
    """Figures every host reads the same, from the database."""

    def __init__(self, family):
        self.family = family

    def collect(self):
        from datetime import timedelta

        from sqlalchemy import func, select

        from eic.audit.models import AuditEvent
        from eic.extensions import db
        from eic.jobs.models import JobRun
        from eic.notifications.models import OutboxMessage

        from .timeutil import utc_now

        now = utc_now()
        runs = self.family("eic_job_runs_last_day", "Scheduled job runs started in the last 24 hours",
                           labels=["status"])
        for status, n in db.session.execute(select(JobRun.status, func.count()).where(
                JobRun.started_at >= now - timedelta(days=1)).group_by(JobRun.status)):
            runs.add_metric([status], n)
        yield runs
        waiting = db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.status == "pending"))
        yield self.family("eic_outbox_backlog", "Messages waiting to be sent", value=waiting)
        failed = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "login_failed", AuditEvent.at >= now - timedelta(hours=1)))
        yield self.family("eic_login_failures_last_hour", "Failed log-ins in the last hour", value=failed)
