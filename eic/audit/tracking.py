"""Every change people make to a child's record, written to the trail without each service having to remember.

After each flush inside a request (a person's page or API call), the rows of the child-record models that were
added, changed or deleted each get one audit row: "create" or "change", the table, the row's id, the case, and
the names of the fields that changed. Old and new values are kept only for plain codes, numbers, dates and yes/no
fields; free text and anything personal or sensitive (names, addresses, notes, the caregiver's PHQ-4 answers) is
named, never copied (the trail cannot be anonymised later: ``audit.models``).

Referrals, children, caregivers, consents and emergency accesses are recorded by their services with actions of
their own (status, IIN, consent, break-the-glass), so they are not tracked here. Scheduled jobs and commands are
recorded in the job ledger instead (``jobs``)."""
from datetime import date, datetime

from flask import g, has_request_context
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

SENSITIVE_PREFIXES = ("phq4",)
# The caregiver's own check-in and the family's survey answers: which fields changed is recorded, never a value.
SENSITIVE_TABLES = {"wellbeing_checkins", "family_surveys"}
TRACKED_TABLES = {"initial_contacts", "assessments", "screening_results", "team_members", "waitlist_entries",
                  "therapy_sessions", "session_series", "roster_entries", "plans", "goals",
                  "plan_services", "plan_reviews", "goal_ratings", "outcome_ratings", "discharges",
                  "wellbeing_checkins", "family_surveys", "peer_group_requests", "support_recommendations",
                  "home_practice"}
PENDING = "eic_audit_pending"


def _plain(name, value):
    if any(name.startswith(p) for p in SENSITIVE_PREFIXES):
        return False
    return value is None or isinstance(value, (bool, int, float, date, datetime))


def _value(value):
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def _changed_fields(obj) -> dict:
    state, fields = inspect(obj), {}
    secret = obj.__tablename__ in SENSITIVE_TABLES
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        fields[attr.key] = {"old": _value(old), "new": _value(new)} if not secret and _plain(attr.key, old) and \
            _plain(attr.key, new) else {}
    return fields


def _case_of(obj):
    referral_id = getattr(obj, "referral_id", None)
    if referral_id is None and getattr(obj, "plan", None) is not None:
        referral_id = getattr(obj.plan, "referral_id", None)
    if referral_id is None and getattr(obj, "session", None) is not None:
        referral_id = getattr(obj.session, "referral_id", None)  # a home practice tick: its session's child
    return referral_id


def _collect(session, flush_context, instances):
    if not has_request_context():
        return
    pending = g.setdefault(PENDING, [])
    for kind, objects in (("create", session.new), ("change", session.dirty), ("delete", session.deleted)):
        for obj in objects:
            if getattr(obj, "__tablename__", None) not in TRACKED_TABLES:
                continue
            fields = _changed_fields(obj) if kind == "change" else {}
            if kind == "change" and not fields:
                continue
            if kind == "delete":
                fields = {"deleted": {}}
            pending.append((kind, obj, fields))


def _write(session, flush_context):
    if not has_request_context() or not g.get(PENDING):
        return
    from .services import record

    pending, g.eic_audit_pending = g.eic_audit_pending, []
    for kind, obj, fields in pending:
        record("create" if kind == "create" else "change", record_type=obj.__tablename__,
               record_id=inspect(obj).identity[0] if inspect(obj).identity else None, referral_id=_case_of(obj),
               detail={"fields": fields} if fields else None)


def init_tracking():
    """Listen on every session (once per process)."""
    if not event.contains(Session, "before_flush", _collect):
        event.listen(Session, "before_flush", _collect)
        event.listen(Session, "after_flush_postexec", _write)
