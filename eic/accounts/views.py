"""Login, logout, password change, and user administration."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from eic.audit import services as audit
from eic.core.auth import role_required
from eic.core.errors import ValidationFailed
from eic.core.forms import run_and_commit
from eic.core.pagination import paginate
from eic.core.roles import ROLE_LABELS, Role
from eic.core.timeutil import utc_now
from eic.core.validation import parse_int
from eic.extensions import db, limiter, login_manager

from . import queries, services
from .forms import CodeForm, ConfirmForm, LoginForm, PasswordForm, ResetForm, UserEditForm, UserForm
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
    from eic.core.urls import safe_path

    return safe_path(target)


def failed_attempt(response) -> bool:
    """Only failed attempts count against the per-address limit: a right password (a redirect onward) does not,
    so a clinic behind one address is not locked out by its own colleagues logging in."""
    return response.status_code != 302


# Per client address (EIC_LOGIN_LIMIT), beside the per-account lockout: guessing across accounts is slowed too.
@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["EIC_LOGIN_LIMIT"], methods=["POST"], deduct_when=failed_attempt)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except services.AccountLocked:
            user = None  # answered exactly as a wrong password: the answer never tells that an account exists
        if user is None:
            audit.record("login_failed", outcome="refused", record_type="user",
                         detail={"email": (form.email.data or "")[:120]})
            db.session.commit()  # the count of failed attempts, and the attempt itself
            flash(_("Wrong e-mail or password. After several wrong tries, log-in waits a few minutes."), "error")
        elif user and user.totp_secret:
            # The password was right; the second factor comes next, and until then nobody is logged in.
            db.session.commit()
            session["second_factor_for"] = user.get_id()
            session["second_factor_until"] = utc_now().timestamp() + SECOND_FACTOR_SECONDS
            return redirect(url_for("accounts.second_factor_code", next=_safe_next(request.args.get("next"))))
        elif user:
            return _finish_login(user)
    return render_template("accounts/login.html", form=form)


SECOND_FACTOR_SECONDS = 300


def _finish_login(user):
    lang = session.get("lang")
    session.clear()
    login_user(user)
    audit.record("login", actor=user, record_type="user", record_id=user.id)
    session["login_at"] = session["last_seen"] = utc_now().timestamp()
    if lang:
        # A language chosen on the login page is the user's latest explicit choice.
        user.locale = lang
        session["lang"] = lang
    db.session.commit()
    if not user.totp_secret and services.second_factor_required(user):
        flash(_("Your role logs in with a second factor: set it up now."), "warning")
        return redirect(url_for("accounts.second_factor"))
    return redirect(_safe_next(request.args.get("next")) or url_for("core.index"))


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["EIC_LOGIN_LIMIT"], methods=["POST"], deduct_when=failed_attempt)
def second_factor_code():
    """The second step of a log-in: the code from the authenticator app, or a recovery code."""
    pending, until = session.get("second_factor_for"), session.get("second_factor_until", 0)
    user = load_user(pending) if pending and until > utc_now().timestamp() else None
    if user is None:
        session.pop("second_factor_for", None)
        return redirect(url_for("accounts.login"))
    form = CodeForm()
    if form.validate_on_submit():
        if services.check_second_factor(user, form.code.data):
            return _finish_login(user)
        audit.record("login_failed", actor=user, outcome="refused", record_type="user", record_id=user.id,
                     detail={"step": "second_factor"})
        db.session.commit()
        form.code.errors = [_("The code is wrong or has expired.")]
    return render_template("accounts/code.html", form=form), 422 if form.errors else 200


@bp.route("/account/second-factor", methods=["GET", "POST"])
@login_required
def second_factor():
    """Set up the second factor: scan the code with an authenticator app, confirm with a code, keep the recovery
    codes (shown once)."""
    import segno

    user = current_user._get_current_object()
    secret = session.get("totp_pending") or services.new_totp_secret()
    session["totp_pending"] = secret
    form = CodeForm()
    if form.validate_on_submit():
        codes = []

        def enable():
            codes.extend(services.enable_second_factor(user, secret=secret, code=form.code.data))

        if run_and_commit(enable, _("The second factor is on."), form=form):
            session.pop("totp_pending", None)
            login_user(user)  # the session token rotated: keep this browser logged in
            return render_template("accounts/second_factor.html", codes=codes, form=None)
    qr = segno.make(services.totp_uri(user, secret), error="m").svg_inline(scale=4, title=_("Code for the app"))
    return render_template("accounts/second_factor.html", form=form, qr=qr, secret=secret, codes=None,
                           enabled=bool(user.totp_secret)), 422 if form.errors else 200


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    services.end_sessions(current_user)
    audit.record("logout", record_type="user", record_id=current_user.id)
    db.session.commit()
    family = current_user.role is Role.CAREGIVER
    logout_user()
    session.clear()
    flash(_("You have logged out."), "success")
    return redirect(url_for("family_door.login" if family else "accounts.login"))


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
    from eic.centers import queries as center_queries

    role = request.args.get("role") if request.args.get("role") in {r.value for r in Role} else None
    active = {"yes": True, "no": False}.get(request.args.get("active", ""))
    filters = {"search": request.args.get("q") or None, "role": role,
               "center_id": parse_int(request.args.get("center") or ""), "active": active}
    pagination = paginate(queries.users_by_role(**filters))
    return render_template("accounts/users.html", pagination=pagination, roles=ROLE_LABELS,
                           centers=center_queries.centers(active_only=False), args=request.args, now=utc_now(),
                           filter_args={k: v for k, v in request.args.items() if k != "page" and v})


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_user(user_id):
    """Correct an account; send a password reset link; unlock; close or reopen (with a confirmation)."""
    from eic.centers.forms import fill_affiliation_choices

    user = db.get_or_404(User, user_id)
    # Values, not obj=user: WTForms prefers an object's attributes to keyword data, and the user's "role" is an
    # enum and "center" a relationship, which the selects would not recognise.
    form = UserEditForm(full_name=user.full_name, role=user.role.value, center=user.center_id or 0,
                        polyclinic=user.polyclinic_id or 0, discipline=user.discipline_id or 0,
                        languages=[c for c in (user.languages or "").split(",") if c],
                        caseload_limit=user.caseload_limit)
    fill_affiliation_choices(form)
    if form.validate_on_submit() and run_and_commit(
            lambda: services.update_user(user, actor=current_user, **_edit_affiliations(form)), _("Account updated."),
            form=form):
        return redirect(url_for("accounts.edit_user", user_id=user.id))
    return render_template("accounts/user_edit.html", form=form, user=user, now=utc_now(),
                           confirm_form=ConfirmForm(formdata=None)), 422 if form.errors else 200


def _edit_affiliations(form) -> dict:
    return form_affiliations(form, ("full_name", "role", "caseload_limit"))


@bp.route("/admin/users/<int:user_id>/reset", methods=["POST"])
@role_required(Role.ADMIN)
def send_reset(user_id):
    user = db.get_or_404(User, user_id)

    def link_for(token):
        return url_for("accounts.reset_password", token=token, _external=True)

    done = _("A link to set a new password was sent to %(email)s; it works once, for %(hours)s hours.",
             email=user.email, hours=services.RESET_HOURS)
    run_and_commit(lambda: services.issue_password_reset(user, actor=current_user, link_for=link_for), done)
    return redirect(url_for("accounts.edit_user", user_id=user.id))


@bp.route("/admin/users/<int:user_id>/unlock", methods=["POST"])
@role_required(Role.ADMIN)
def unlock(user_id):
    user = db.get_or_404(User, user_id)
    run_and_commit(lambda: services.unlock(user, actor=current_user), _("The account can log in again."))
    return redirect(url_for("accounts.edit_user", user_id=user.id))


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["EIC_LOGIN_LIMIT"], methods=["POST"], deduct_when=failed_attempt)
def reset_password(token):
    """Set a new password with a one-time link from an administrator (no log-in needed)."""
    from eic.core.errors import NotFound

    if services.reset_for_token(token) is None:
        return render_template("accounts/reset.html", form=None), 404
    form = ResetForm()
    if form.validate_on_submit():
        if form.new.data != form.repeat.data:
            form.repeat.errors = [_("The two passwords differ.")]
        else:
            try:
                if run_and_commit(lambda: services.use_password_reset(token, new_password=form.new.data),
                                  _("Your password is set. Log in with it."), form=form, field_map={
                                      "password": "new"}, reraise=(NotFound,)):
                    return redirect(url_for("accounts.login"))
            except NotFound:
                return render_template("accounts/reset.html", form=None), 404
    return render_template("accounts/reset.html", form=form), 422 if form.errors else 200


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


def form_affiliations(form, fields=("email", "full_name", "role", "password", "caseload_limit")):
    """A user form's values as the account services take them: the chosen fields, the working languages and the
    center, polyclinic and discipline loaded by id."""
    from eic.centers.queries import affiliation_objects

    data = {k: form[k].data for k in fields}
    data["languages"] = ",".join(form.languages.data or [])
    data.update(affiliation_objects(form.center.data, form.polyclinic.data, form.discipline.data))
    return data


@bp.route("/admin/users/<int:user_id>/active", methods=["POST"])
@role_required(Role.ADMIN)
def toggle_active(user_id):
    user = db.get_or_404(User, user_id)
    if user.is_active and not ConfirmForm().validate_on_submit():
        flash(_("Tick the box to confirm."), "error")  # closing an account ends its work at once
        return redirect(url_for("accounts.edit_user", user_id=user.id))
    run_and_commit(lambda: services.set_active(user, is_active=not user.is_active, actor=current_user),
                   _("Account updated."))
    return redirect(url_for("accounts.edit_user", user_id=user.id))


@bp.before_app_request
def require_second_factor():
    """A signed-in user whose role must use a second factor and has none yet can only set it up (or leave)."""
    from eic.core.api import is_api_request

    if is_api_request() or not current_user.is_authenticated or current_user.totp_secret:
        return None
    if request.endpoint in ("accounts.second_factor", "accounts.logout", "core.set_language") or \
            (request.endpoint or "").endswith("static"):
        return None
    if services.second_factor_required(current_user):
        return redirect(url_for("accounts.second_factor"))
    return None
