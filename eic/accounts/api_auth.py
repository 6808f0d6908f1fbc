"""Bearer-token authentication for the JSON API (cookies are never accepted there, so no CSRF risk)."""
from datetime import timedelta
from functools import wraps

from flask import g, request
from flask_babel import gettext as _

from eic.audit import services as audit
from eic.core.api import api_error
from eic.core.timeutil import utc_now
from eic.extensions import db

from .services import live_token

# A token used many times a minute is written once a minute: "last used" stays true to the minute, and a busy
# integration does not turn every read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_required(*roles):
    """Require a valid (unrevoked, unexpired) bearer token of a user with one of ``roles``, with the write
    scope for anything but a read; sets ``g.api_user``."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
            row = live_token(token.strip()) if scheme.lower() == "bearer" else None
            if row is None:
                return api_error(401, _("Authentication is required: send a valid bearer token."))
            _mark_used(row)
            user = row.user
            if user.role not in roles:
                return api_error(403, _("You do not have permission to do this."))
            if row.scope != "write" and request.method not in ("GET", "HEAD", "OPTIONS"):
                return api_error(403, _("This token may only read. Make a read and write token to change data."),
                                 code="read_only_token")
            g.api_user = user
            return view(*args, **kwargs)

        wrapped.allowed_roles = tuple(roles)
        return wrapped

    return decorator


def _mark_used(row) -> None:
    """Record when the caller's token was last used, committed here, where it is written, so that the API's
    read endpoints never commit."""
    now = utc_now()
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
        row.last_used_at = now
        # Token use is audited at the same resolution: one row per token and minute of use.
        audit.record("token_use", actor=row.user, record_type="token", record_id=row.id, via="api")
        db.session.commit()
