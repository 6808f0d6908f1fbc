"""The home redirect, the language switcher, health, the OpenAPI document and error pages."""
from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from eic.extensions import csrf, db

from .api import api_http_error, is_api_request, openapi_document
from .auth import role_required
from .errors import DomainError
from .roles import Role
from .timeutil import utc_now

bp = Blueprint("core", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/core")

HOME_ENDPOINTS = {
    Role.PEDIATRICIAN: "referrals.mine",
    Role.COORDINATOR: "intake.queue",
    Role.SPECIALIST: "intake.caseload",
    Role.FOUNDATION: "centers.index",
    Role.MINISTRY: "coverage.index",
    Role.ADMIN: "accounts.users",
    Role.CAREGIVER: "family_door.home",
}


@bp.route("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    return redirect(url_for(HOME_ENDPOINTS[current_user.role]))


@bp.route("/language", methods=["POST"])
def set_language():
    lang = request.form.get("lang")
    if lang in current_app.config["EIC_LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated:
            current_user.locale = lang
            db.session.commit()
    from .urls import safe_path

    return redirect(safe_path(request.form.get("next")) or url_for("core.index"))


@bp.route("/healthz")
def healthz():
    db.session.execute(db.text("SELECT 1"))
    return {"status": "ok"}


@bp.route("/metrics")
def metrics():
    """Prometheus metrics, for the monitoring system's bearer token (``core.observe``)."""
    from .observe import metrics_response

    return metrics_response()


@bp.route("/readyz")
def readyz():
    """Ready for traffic: the database answers, its schema is at the newest migration, and (where a scheduler is
    expected, ``EIC_SCHEDULER_STALE_MINUTES`` > 0) a scheduled job has started recently. 503 with the reasons
    otherwise, for a load balancer or an IT team's monitor."""
    from .readiness import problems

    found = problems()
    return ({"status": "ready"}, 200) if not found else ({"status": "not ready", "problems": found}, 503)


@bp.route("/api/v1/openapi.json")
@csrf.exempt
def openapi():
    return jsonify(openapi_document())


@bp.route("/admin/settings", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def settings_page():
    from . import settings

    errors = {}
    if request.method == "POST":
        try:
            for key in settings.REGISTRY:
                raw = request.form.get(key, "").strip()
                value = int(raw) if raw.lstrip("-").isdigit() else raw
                if value != settings.get_setting(key):
                    settings.set_setting(key, value, actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            errors = {k: [str(m) for m in v] for k, v in exc.fields.items()}
            flash(str(exc.message), "error")
        else:
            db.session.commit()
            flash(_("Settings saved."), "success")
            return redirect(url_for("core.settings_page"))
    return render_template("core/settings.html", registry=settings.REGISTRY, values=settings.current_values(),
                           errors=errors, posted=request.form), 422 if errors else 200


@bp.before_app_request
def enforce_session_timeouts():
    """Idle and absolute session limits of our own (Flask-Login's 'strong' mode does not cover them)."""
    if is_api_request() or not current_user.is_authenticated:
        return None
    now = utc_now().timestamp()
    idle = current_app.config["EIC_IDLE_TIMEOUT"].total_seconds()
    absolute = current_app.config["EIC_ABSOLUTE_TIMEOUT"].total_seconds()
    if current_user.role is Role.CAREGIVER:
        idle = absolute = current_app.config["EIC_FAMILY_SESSION"].total_seconds()
    last_seen = session.get("last_seen", now)
    login_at = session.get("login_at", now)
    if now - last_seen > idle or now - login_at > absolute:
        logout_user()
        session.clear()
        flash(_("Your session has ended. Please log in again."), "warning")
        if request.path.startswith("/family"):
            return redirect(url_for("family_door.login"))
        return redirect(url_for("accounts.login", next=request.path))
    session["last_seen"] = now
    session.setdefault("login_at", now)
    return None


def _request_id() -> str:
    """This request's id (``core.request_id``)."""
    from .request_id import request_id

    return request_id()


def register_error_handlers(app):

    app.after_request(tag_with_request_id)
    app.register_error_handler(OperationalError, database_unavailable)
    app.register_error_handler(DBAPIError, database_unavailable)
    app.register_error_handler(500, server_error)

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        flash(_("The form had expired. Please send it again."), "warning")
        return render_template("core/error.html", status=400, message=_("The form had expired.")), 400

    @app.errorhandler(HTTPException)
    def http_error(exc):
        if is_api_request():
            return api_http_error(exc)
        messages = {
            403: _("You do not have permission to see this page."),
            404: _("Page not found."),
            405: _("This method is not allowed here."),
            400: _("The request holds something that cannot be stored (a hidden control character, or data too "
                   "deeply nested). Nothing was saved."),
            429: _("Too many attempts from your address: wait a minute and try again."),
            413: _("The file or form is too large: at most %(mb)s MB can be sent.",
                   mb=(app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024)),
        }
        message = messages.get(exc.code, _("Something went wrong."))
        if exc.code == 429 and (until := limit_reset_time()):
            message = _("Too many failed attempts from your address. Try again after %(time)s.", time=until)
        return render_template("core/error.html", status=exc.code, message=message), exc.code


def limit_reset_time() -> str | None:
    """When the address's log-in limit lets it try again, as the reader's local time (None if unknown)."""
    from datetime import datetime, timezone

    from flask_babel import format_time

    from eic.extensions import limiter

    current = getattr(limiter, "current_limit", None)
    if current is None or not getattr(current, "reset_at", None):
        return None
    return format_time(datetime.fromtimestamp(current.reset_at, tz=timezone.utc), "short")


def tag_with_request_id(response):
    response.headers.setdefault("X-Request-ID", _request_id())
    return response


def database_unavailable(exc):
    """The database is briefly gone (restarted, connections cut) or locked too long: nothing was saved (the
    transaction is rolled back); the person is asked to try again. Pre-ping reconnects on the next request."""
    if isinstance(exc, DBAPIError) and not isinstance(exc, OperationalError) and not exc.connection_invalidated:
        raise exc
    request_id = _request_id()
    current_app.logger.error("database unavailable [request %s]: %s", request_id, exc.__class__.__name__)
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection may be gone; the session is discarded anyway
        db.session.remove()
    if request.method in ("GET", "HEAD"):
        message = _("The database is briefly unavailable. Please try again in a moment.")
    else:
        message = _("Not saved: the database is briefly unavailable. Please try again in a moment.")
    if is_api_request():
        from .api import api_error

        return api_error(503, message, code="unavailable", request_id=request_id)
    return render_template("core/error.html", status=503, message=message, request_id=request_id), 503


def server_error(exc):
    """A 500: logged with the request id and the traceback; the person sees the id and no internals."""
    request_id = _request_id()
    original = getattr(exc, "original_exception", None) or exc
    current_app.logger.error("internal error [request %s]", request_id, exc_info=original)
    db.session.rollback()
    if is_api_request():
        from .api import api_error

        return api_error(500, _("An internal error occurred."), code="internal_error", request_id=request_id)
    return render_template("core/error.html", status=500, message=_("Something went wrong."),
                           request_id=request_id), 500
