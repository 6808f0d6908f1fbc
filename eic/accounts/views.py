"""Login, logout, password change, and user administration."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import format_time
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from eic.core.auth import role_required
from eic.core.errors import ValidationFailed
from eic.core.forms import run_and_commit
from eic.core.pagination import paginate
from eic.core.roles import Role
from eic.core.timeutil import utc_now
from eic.extensions import db, limiter, login_manager

from . import queries, services
from .forms import LoginForm, PasswordForm, UserForm
from .models import User

bp = Blueprint("accounts", __name__, template_folder="templates")

login_manager.login_view = "accounts.login"
login_manager.login_message = None


@login_manager.user_loader
def load_user(user_id: str):
    """Load by "<id>:<session token>"; a rotated token or deactivated account ends the session."""
    raw_id, _sep, token = (user_id or "").partition(":")
    if not raw_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(raw_id))
    if user is None or not user.is_active or user.session_token != token:
        return None
    return user


def _safe_next(target):
    return target if target and target.startswith("/") and not target.startswith("//") else None


# Per client address (EIC_LOGIN_LIMIT), beside the per-account lockout: guessing across accounts is slowed too.
@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["EIC_LOGIN_LIMIT"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except services.AccountLocked as exc:
            user = False
            flash(_("Too many wrong passwords: this account can log in again after %(time)s.",
                    time=format_time(exc.until, "short")), "error")
        if user is None:
            db.session.commit()  # the count of failed attempts
            flash(_("Wrong e-mail or password."), "error")
        elif user:
            lang = session.get("lang")
            session.clear()
            login_user(user)
            session["login_at"] = session["last_seen"] = utc_now().timestamp()
            if lang:
                # A language chosen on the login page is the user's latest explicit choice.
                user.locale = lang
                session["lang"] = lang
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")) or url_for("core.index"))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    services.end_sessions(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have logged out."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, current=form.current.data, new=form.new.data)
        except ValidationFailed as exc:
            db.session.rollback()
            form.current.errors = [str(m) for m in exc.fields.get("current", [])]
            form.new.errors = [str(m) for m in exc.fields.get("password", [])]
        else:
            db.session.commit()
            # The session token changed: log this browser in again with the new one.
            login_user(current_user._get_current_object())
            flash(_("Your password has been changed. Other sessions have ended."), "success")
            return redirect(url_for("core.index"))
    return render_template("accounts/password.html", form=form)


@bp.route("/admin/users")
@role_required(Role.ADMIN)
def users():
    pagination = paginate(queries.users_by_role())
    return render_template("accounts/users.html", pagination=pagination)


@bp.route("/admin/users/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def create_user():
    from eic.centers.forms import fill_affiliation_choices

    form = UserForm()
    fill_affiliation_choices(form)
    if form.validate_on_submit() and run_and_commit(
            lambda: services.create_user(actor=current_user, **form_affiliations(form)),
            _("User %(email)s created.", email=services.normalise_email(form.email.data)), form=form):
        return redirect(url_for("accounts.users"))
    return render_template("accounts/user_form.html", form=form)


def form_affiliations(form):
    from eic.centers.queries import affiliation_objects

    data = {k: form[k].data for k in ("email", "full_name", "role", "password", "caseload_limit")}
    data["languages"] = ",".join(form.languages.data or [])
    data.update(affiliation_objects(form.center.data, form.polyclinic.data, form.discipline.data))
    return data


@bp.route("/admin/users/<int:user_id>/active", methods=["POST"])
@role_required(Role.ADMIN)
def toggle_active(user_id):
    user = db.get_or_404(User, user_id)
    run_and_commit(lambda: services.set_active(user, is_active=not user.is_active, actor=current_user),
                   _("Account updated."))
    return redirect(url_for("accounts.users"))
