"""The specialist's week as an installable app that works without a network (issue 17): the app's page, its
service worker (Workbox, vendored) and manifest, and the device token the app calls the sync API with."""
from datetime import datetime, timezone

from babel.dates import get_day_names, get_month_names
from flask import Response, current_app, jsonify, render_template, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from eic.accounts.services import DEVICE_TOKEN_NAME as OFFLINE_TOKEN_NAME
from eic.core.auth import role_required
from eic.core.forms import run_and_commit
from eic.core.roles import Role
from eic.core.timeutil import utc_now

from ..forms import ABSENCE_LABELS
from ..offline import CHECKLIST_FIELDS
from .blueprint import bp


@bp.route("/offline/")
@role_required(Role.SPECIALIST)
def offline_app():
    return render_template("therapy/offline.html", strings=_strings(), absence=_absence_choices(),
                           keep_days=_keep_days(), checklist_fields=CHECKLIST_FIELDS)


def _keep_days() -> int:
    from eic.core.settings import get_setting

    from ..settings import OFFLINE_KEEP_DAYS

    return get_setting(OFFLINE_KEEP_DAYS.key)


def _absence_choices():
    return [(code, str(label)) for code, label in ABSENCE_LABELS.items()]


def _strings() -> dict:
    """Every word the app's script shows, in the page's language."""
    return {
        "offline": _("No network: you are working offline. Changes wait on this device."),
        "online": _("Online."), "notSent": _("Not yet sent"), "sendNow": _("Send now"), "sent": _("Sent."),
        "noWeek": _("The week is not on this device yet. Open this page once with the network."),
        "loginAgain": _("Your session has ended. Log in again to send the changes; they are kept on this device."),
        "logIn": _("Log in"), "saved": _("Saved on this device."), "came": _("The child came"),
        "didNotCome": _("The child did not come"), "attendance": _("Attendance"), "note": _("Session note"),
        "done": _("What was done"), "progress": _("Progress seen"),
        "familyPlan": _("The family's plan until the next session"), "goals": _("Goals worked on"),
        "checklist": _("Home-visit checklist"), "development": _("The child's condition and development for age"),
        "living_conditions": _("Living conditions"), "family_situation": _("The family's situation"),
        "caregiver_wellbeing": _("The caregiver's wellbeing"),
        "safety": _("A safety concern: the coordinator must know today"), "safetyNote": _("What is the concern"),
        "save": _("Save"), "conflict": _("This session changed on the server meanwhile. Choose which to keep."),
        "yours": _("Yours"), "server": _("On the server"), "keepMine": _("Keep mine"),
        "keepServer": _("Keep the server's"), "refused": _("Not accepted"), "discard": _("Discard"),
        "cancelled": _("Cancelled"), "recentNotes": _("Recent notes"), "caregiver": _("Caregiver"),
        "lastSync": _("Last sent and received"), "never": _("never"), "reason": _("Why"),
        "group": _("Group"), "later": _("You can record the visit once it has begun."),
        "empty": _("No sessions in these days."), "homeVisit": _("Home visit"),
        "center": _("Center"), "cleared": _("The week was removed from this device: it was not updated for too "
                                            "long. Open this page with the network."),
        "unsentAtLogout": _("Changes not yet sent will be lost if you log out now. Log out anyway?"),
        "languages": {"kk": _("Kazakh"), "ru": _("Russian"), "en": _("English")},
        # Dates are written from these names (a browser may have no Kazakh of its own).
        "months": [get_month_names("wide", context="format", locale=get_locale())[m] for m in range(1, 13)],
        "days": [get_day_names("wide", context="format", locale=get_locale())[d] for d in range(7)],
    }


@bp.route("/offline/sw.js")
def offline_worker():
    """The service worker (public: it holds no data; it caches the app's page and static files)."""
    body = render_template("therapy/offline_sw.js", workbox=url_for("core.static", filename="vendor/workbox/"),
                           static_prefix=url_for("core.static", filename=""),
                           page=url_for("therapy.offline_app"))
    return Response(body, mimetype="text/javascript", headers={"Cache-Control": "no-cache"})


@bp.route("/offline/manifest.webmanifest")
def offline_manifest():
    return current_app.response_class(
        render_template("therapy/offline_manifest.json", start=url_for("therapy.offline_app"),
                        name=_("My week (offline)")), mimetype="application/manifest+json")


@bp.route("/offline/token", methods=["POST"])
@role_required(Role.SPECIALIST)
def offline_token():
    """A write token for this device's sync, ending with the log-in session's limit; the device's earlier ones
    are revoked."""
    from eic.accounts.services import issue_token, revoke_device_tokens

    login_at = datetime.fromtimestamp(session.get("login_at", utc_now().timestamp()), tz=timezone.utc)
    ends = login_at + current_app.config["EIC_ABSOLUTE_TIMEOUT"]
    made = []

    def issue():
        revoke_device_tokens(current_user)
        made.append(issue_token(current_user, name=OFFLINE_TOKEN_NAME, scope="write", expires_at=ends))

    if not run_and_commit(issue, None):
        return jsonify({"error": "token"}), 422
    return jsonify({"token": made[0], "expires_at": ends.isoformat()})
