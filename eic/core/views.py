"""The home redirect, the language switcher, health, the OpenAPI document and error pages."""
from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from flask_wtf.csrf import CSRFError
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
    last_seen = session.get("last_seen", now)
    login_at = session.get("login_at", now)
    if now - last_seen > idle or now - login_at > absolute:
        logout_user()
        session.clear()
        flash(_("Your session has ended. Please log in again."), "warning")
        return redirect(url_for("accounts.login", next=request.path))
    session["last_seen"] = now
    session.setdefault("login_at", now)
    return None


def register_error_handlers(app):
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
            429: _("Too many attempts from your address: wait a minute and try again."),
            413: _("The file or form is too large: at most %(mb)s MB can be sent.",
                   mb=(app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024)),
        }
        message = messages.get(exc.code, _("Something went wrong."))
        return render_template("core/error.html", status=exc.code, message=message), exc.code

    @app.errorhandler(500)
    def server_error(exc):
        db.session.rollback()
        if is_api_request():
            from .api import api_error

            return api_error(500, _("An internal error occurred."), code="internal_error")
        return render_template("core/error.html", status=500, message=_("Something went wrong.")), 500
