"""The family's door (issue 16): log-in by phone and code, and the family's own page of their children's coming
sessions. Caregivers reach only this blueprint (``caregivers_stay_home``); every other page answers 404."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from eic.core.errors import DomainError, NotFound
from eic.core.forms import apply_errors, run_and_commit
from eic.core.roles import Role
from eic.core.timeutil import utc_now
from eic.extensions import db, limiter

from . import access, answers
from .forms import CancelForm, CodeForm, PhoneForm

bp = Blueprint("family_door", __name__, template_folder="templates", url_prefix="/family")
UPCOMING_DAYS = 30
# Endpoints a caregiver may reach outside this blueprint: the way out, the language, the home redirect, static files
# and the service's health checks.
OPEN_TO_FAMILIES = {"accounts.logout", "core.set_language", "core.index", "core.static", "core.healthz",
                    "core.readyz", "static"}


def caregivers_stay_home():
    """A caregiver asking for any staff page, file or API address gets 404: what is there is not theirs."""
    if not current_user.is_authenticated or current_user.role is not Role.CAREGIVER:
        return None
    endpoint = request.endpoint or ""
    if endpoint.startswith("family_door.") or endpoint in OPEN_TO_FAMILIES:
        return None
    abort(404)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["EIC_FAMILY_CODE_LIMIT"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.index"))
    form = PhoneForm()
    if form.validate_on_submit():
        try:
            phone = access.request_code(form.phone.data, address=request.remote_addr or "")
        except DomainError as exc:
            db.session.rollback()
            apply_errors(form, exc.fields) if exc.fields else form.phone.errors.append(str(exc.message))
            return render_template("family/login.html", form=form), exc.status
        db.session.commit()
        session["family_phone"] = phone
        return redirect(url_for("family_door.code"))
    return render_template("family/login.html", form=form), 422 if form.errors else 200


@bp.route("/code", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["EIC_FAMILY_CODE_LIMIT"], methods=["POST"])
def code():
    phone = session.get("family_phone")
    if current_user.is_authenticated or not phone:
        return redirect(url_for("core.index") if current_user.is_authenticated else url_for("family_door.login"))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            user = access.check_code(phone, form.code.data)
        except DomainError as exc:
            db.session.commit()  # a wrong try is counted
            form.code.errors.append(str(exc.message))
            return render_template("family/code.html", form=form, phone=phone), exc.status
        db.session.commit()
        session.pop("family_phone", None)
        login_user(user)
        session["login_at"] = session["last_seen"] = utc_now().timestamp()
        if user.locale:
            session["lang"] = user.locale
        return redirect(url_for("family_door.home"))
    return render_template("family/code.html", form=form, phone=phone), 422 if form.errors else 200


@bp.route("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("family_door.login"))
    if current_user.role is not Role.CAREGIVER:
        abort(404)
    children = access.children_of(current_user)
    by_child = access.upcoming_sessions(children, days=UPCOMING_DAYS)
    from eic.therapy.forms import SERVICE_KIND_LABELS, SETTING_LABELS

    return render_template("family/home.html", children=children, by_child=by_child, days=UPCOMING_DAYS,
                           title=_("My family"), cancel_form=CancelForm(), plans=access.plans_of(children),
                           service_labels=SERVICE_KIND_LABELS, setting_labels=SETTING_LABELS)


def _not_a_caregiver():
    """Anonymous: to the family's log-in; staff: 404; a caregiver: None (go on)."""
    if not current_user.is_authenticated:
        return redirect(url_for("family_door.login"))
    if current_user.role is not Role.CAREGIVER:
        abort(404)
    return None


@bp.route("/sessions/<int:session_id>/confirm", methods=["POST"])
def confirm(session_id):
    if (elsewhere := _not_a_caregiver()) is not None:
        return elsewhere
    _answer(lambda: answers.confirm(current_user, session_id), _("Thank you: the center knows you will come."))
    return redirect(url_for("family_door.home"))


@bp.route("/sessions/<int:session_id>/cancel", methods=["POST"])
def cancel(session_id):
    if (elsewhere := _not_a_caregiver()) is not None:
        return elsewhere
    try:
        answers.own_session(current_user, session_id)  # another family's session: 404 before anything is read
    except NotFound:
        abort(404)
    form = CancelForm()
    if not form.validate_on_submit():
        flash(_("Please tell the center why."), "error")
        return redirect(url_for("family_door.home"))
    _answer(lambda: answers.cancel(current_user, session_id, reason=form.reason.data),
            _("The session is cancelled and the center is told."))
    return redirect(url_for("family_door.home"))


def _answer(action, message):
    """Run the family's answer; another family's session, or none, is 404 (not "not yours")."""
    try:
        run_and_commit(action, message, reraise=(NotFound,))
    except NotFound:
        abort(404)
