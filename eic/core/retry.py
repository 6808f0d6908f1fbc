"""A read that loses its database connection half-way is tried once more.

Pre-ping (``SQLALCHEMY_ENGINE_OPTIONS``) replaces a connection that died while it sat in the pool, but not one cut
while a request is using it (a database restart, ``pg_terminate_backend``, a failover). For a GET or HEAD nothing
has been written, so the view is run once more on a fresh connection; a second failure, and any failure of a
request that writes, goes to ``core.views.database_unavailable`` (503, "not saved, try again", a request id).
"""
from flask import Flask, current_app, g, request
from sqlalchemy.exc import DBAPIError

from eic.extensions import db

SAFE_METHODS = ("GET", "HEAD")


def connection_lost(exc: BaseException) -> bool:
    """Whether SQLAlchemy saw the connection itself fail (it then throws the connection away)."""
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


class RetryingFlask(Flask):
    """Flask that runs a safe request's view a second time after a lost connection."""

    def dispatch_request(self):
        try:
            return super().dispatch_request()
        except DBAPIError as exc:
            if request.method not in SAFE_METHODS or not connection_lost(exc) or g.get("eic_read_retried"):
                raise
            g.eic_read_retried = True
            current_app.logger.warning("connection lost during %s %s; reading once more", request.method,
                                       request.path)
            db.session.rollback()
            return super().dispatch_request()
