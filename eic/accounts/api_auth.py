"""Bearer-token authentication for the JSON API (cookies are never accepted there, so no CSRF risk)."""
from functools import wraps

from flask import g, request
from flask_babel import gettext as _

from eic.core.api import api_error

from .services import user_for_token


def token_required(*roles):
    """Require a valid bearer token of a user with one of ``roles``; sets ``g.api_user``."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
            user = user_for_token(token.strip()) if scheme.lower() == "bearer" else None
            if user is None:
                return api_error(401, _("Authentication is required: send a valid bearer token."))
            if user.role not in roles:
                return api_error(403, _("You do not have permission to do this."))
            g.api_user = user
            return view(*args, **kwargs)

        wrapped.allowed_roles = tuple(roles)
        return wrapped

    return decorator
