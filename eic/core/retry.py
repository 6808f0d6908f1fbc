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


def remove_session_safely(exc=None):
    """Flask-SQLAlchemy's own teardown closes the request's session, which rolls back on the connection; when the
    database cut that connection, the rollback raises and escapes the app as the server's bare 500 page. Run
    first (teardowns run in reverse order), this closes the session and, on a dead connection, discards it
    without the rollback, so the answer already made (a 503, or a success committed before the cut) stands."""
    try:
        db.session.remove()
        return
    except DBAPIError:
        pass
    for step in (lambda: db.session().invalidate(), db.session.remove):
        try:
            step()
        except DBAPIError:
            pass
    # Whatever is left is a dead connection: forget the session (the pool replaces the connection).
    db.session.registry.clear()
