"""Writing the audit trail: ``record`` adds a row to the current transaction, so that the event is kept exactly
when the action is (a rolled-back action leaves no "success"); ``record_now`` commits a row of its own, for a
refusal or a failed log-in whose own transaction is rolled back or has nothing else to write."""
from flask import g, has_request_context, request
from flask_login import current_user

from eic.extensions import db

from .models import AuditEvent

# What each action means; the admin page words them (audit.views.ACTION_LABELS).
ACTIONS = ("read", "change", "create", "status", "login", "login_failed", "logout", "token_use", "role_change",
           "account_change", "setting_change", "break_glass", "export", "import", "copy_for_family")


def _actor(actor):
    if actor is not None:
        return actor
    if has_request_context() and getattr(current_user, "is_authenticated", False):
        return current_user
    return getattr(g, "api_user", None) if has_request_context() else None


def record(action: str, *, actor=None, record_type=None, record_id=None, referral_id=None, via=None, rows=None,
           detail=None, outcome="ok") -> AuditEvent:
    """Add an audit row to the session (committed with the action)."""
    assert action in ACTIONS, action
    who = _actor(actor)
    event = AuditEvent(action=action, outcome=outcome, record_type=record_type, record_id=record_id,
                       referral_id=referral_id, via=via or _via(), rows=rows, detail=detail,
                       actor_id=getattr(who, "id", None),
                       actor_role=getattr(getattr(who, "role", None), "value", None))
    if has_request_context():
        from eic.core.request_id import request_id

        event.request_id = request_id()
        event.address = (request.remote_addr or "")[:45] or None
    db.session.add(event)
    return event


def record_now(action: str, **kwargs) -> None:
    """Record and commit at once (the caller's transaction has been rolled back or holds nothing else)."""
    record(action, **kwargs)
    db.session.commit()


def _via():
    if not has_request_context():
        return "job"
    from eic.core.api import is_api_request

    return "api" if is_api_request() else "page"


def read_referral(referral, *, via=None) -> None:
    """A look at a child's record (the case: child, caregiver, diagnoses, history), committed at once.

    On PostgreSQL this commit does not wait for the disk (``synchronous_commit = off`` for this transaction only):
    the row is written within a fraction of a second, is never rolled back or reordered, and could be lost only
    if the database server itself crashed in that fraction of a second. Waiting for the disk on every page that
    shows a child would cost more than the page. Changes are committed with their action, and wait as usual."""
    record("read", record_type="referral", record_id=referral.id, referral_id=referral.id, via=via)
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy import text

        db.session.execute(text("SET LOCAL synchronous_commit TO OFF"))
    db.session.commit()


def changed_fields(before: dict, after: dict, *, personal=()) -> dict:
    """{field: {"old": ..., "new": ...}} for the fields that changed; personal fields by name only."""
    result = {}
    for name, old in before.items():
        new = after.get(name)
        if old != new:
            result[name] = {} if name in personal else {"old": _plain(old), "new": _plain(new)}
    return result


def _plain(value):
    return value if value is None or isinstance(value, (int, float, bool, str)) else str(value)
