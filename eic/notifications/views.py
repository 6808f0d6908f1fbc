from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from eic.core.forms import run_and_commit
from eic.core.pagination import paginate
from eic.core.roles import Role

from . import services

bp = Blueprint("notifications", __name__, template_folder="templates")


def inject_unread():
    if current_user and current_user.is_authenticated:
        return {"unread_notifications": services.unread_count(current_user)}
    return {"unread_notifications": 0}


# Where a notification about a referral opens, by the reader's role: the pediatrician's referral page, the
# center's case page; other roles receive no notifications about a child.
SUBJECT_PAGES = {Role.PEDIATRICIAN: "referrals.detail", Role.COORDINATOR: "intake.case", Role.SPECIALIST: "intake.case"}


def subject_url(notification) -> str | None:
    """The page that opens the notification's referral for the current user (the directory's entries to check
    for a reminder about them), or None."""
    if notification.kind == "support_check":
        return url_for("support.index", to_check=1)
    endpoint = SUBJECT_PAGES.get(current_user.role)
    if endpoint is None or not notification.subject_id:
        return None
    return url_for(endpoint, referral_id=notification.subject_id)


@bp.route("/notifications")
@login_required
def index():
    pagination = paginate(services.notifications_for(current_user))
    return render_template("notifications/index.html", pagination=pagination, message=services.message,
                           subject_url=subject_url,
                           kinds=services.KIND_LABELS, chosen=services.email_kinds(current_user))


@bp.route("/notifications/email", methods=["POST"])
@login_required
def email_preferences():
    """The kinds the user also receives by e-mail."""
    from flask_babel import gettext as _

    run_and_commit(lambda: services.set_email_kinds(current_user, request.form.getlist("kind")),
                   _("Your e-mail choices are saved."))
    return redirect(url_for("notifications.index"))


@bp.route("/notifications/read", methods=["POST"])
@login_required
def mark_read():
    raw = request.form.get("id", "")
    run_and_commit(lambda: services.mark_read(current_user, int(raw) if raw.isdigit() else None), None)
    return redirect(url_for("notifications.index"))
