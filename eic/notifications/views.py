from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from eic.core.pagination import paginate
from eic.extensions import db

from . import services

bp = Blueprint("notifications", __name__, template_folder="templates")


def inject_unread():
    if current_user and current_user.is_authenticated:
        return {"unread_notifications": services.unread_count(current_user)}
    return {"unread_notifications": 0}


@bp.route("/notifications")
@login_required
def index():
    pagination = paginate(services.notifications_for(current_user))
    return render_template("notifications/index.html", pagination=pagination, message=services.message,
                           kinds=services.KIND_LABELS, chosen=services.email_kinds(current_user))


@bp.route("/notifications/email", methods=["POST"])
@login_required
def email_preferences():
    """The kinds the user also receives by e-mail."""
    from flask import flash
    from flask_babel import gettext as _

    services.set_email_kinds(current_user, request.form.getlist("kind"))
    db.session.commit()
    flash(_("Your e-mail choices are saved."), "success")
    return redirect(url_for("notifications.index"))


@bp.route("/notifications/read", methods=["POST"])
@login_required
def mark_read():
    raw = request.form.get("id", "")
    services.mark_read(current_user, int(raw) if raw.isdigit() else None)
    db.session.commit()
    return redirect(url_for("notifications.index"))
