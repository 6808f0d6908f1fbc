"""API tokens as people manage them: each user lists, makes and revokes their own tokens at /account/tokens; an
administrator sees every token at /admin/tokens and can revoke any. A new token is shown once."""
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from eic.core.auth import role_required
from eic.core.forms import run_and_commit
from eic.core.pagination import paginate
from eic.core.roles import Role
from eic.core.timeutil import utc_now
from eic.extensions import db

from . import queries, services
from .forms import TOKEN_SCOPE_LABELS, ConfirmForm, TokenForm
from .models import ApiToken

bp = Blueprint("tokens", __name__, template_folder="templates")


def state_labels():
    return {"active": _("active"), "expired": _("expired"), "revoked": _("revoked")}


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def mine():
    form, made = TokenForm(), []
    if form.validate_on_submit() and run_and_commit(
            lambda: made.append(services.issue_token(current_user, name=form.name.data, scope=form.scope.data)),
            _("The token is made. Copy it now: it is shown only once."), form=form):
        form = TokenForm(formdata=None)
    return render_template("accounts/tokens.html", tokens=queries.tokens_of(current_user), form=form,
                           made=made[0] if made else None, now=utc_now(), scopes=TOKEN_SCOPE_LABELS,
                           states=state_labels(), revoke_form=ConfirmForm(formdata=None), everyone=False,
                           token_days=token_days(), device_token_name=services.DEVICE_TOKEN_NAME), \
        422 if form.errors else 200


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id):
    token = db.session.get(ApiToken, token_id)
    if token is None or (token.user_id != current_user.id and current_user.role is not Role.ADMIN):
        abort(404)
    run_and_commit(lambda: services.revoke_token(token, actor=current_user), _("The token no longer works."))
    if current_user.role is Role.ADMIN and request.form.get("back") == "admin":
        return redirect(url_for("tokens.everyone"))
    return redirect(url_for("tokens.mine"))


@bp.route("/admin/tokens")
@role_required(Role.ADMIN)
def everyone():
    pagination = paginate(queries.all_tokens())
    return render_template("accounts/tokens.html", pagination=pagination, tokens=None, form=None, made=None,
                           now=utc_now(), scopes=TOKEN_SCOPE_LABELS, states=state_labels(),
                           revoke_form=ConfirmForm(formdata=None), everyone=True, token_days=token_days(),
                           device_token_name=services.DEVICE_TOKEN_NAME)


def token_days() -> int:
    from eic.core.settings import get_setting

    from .settings import TOKEN_DAYS

    return get_setting(TOKEN_DAYS.key)
