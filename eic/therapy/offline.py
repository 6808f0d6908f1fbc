"""The specialist's week offline (issue 17): what the device keeps (``week``) and how the changes it queued are
applied when it is back online (``apply``).

Each session carries versions, one per part a device may change: ``schedule`` (time, place, cancellation),
``attendance``, ``note`` and ``checklist``. A change names the versions it was made on (the schedule's and its own
part's) and a client-made id. It is applied only when both still hold; otherwise nothing is written and the
answer is a conflict with the server's version of that part, for the specialist to choose (sent again on the new
versions, or dropped). A change is applied exactly once: its id is kept with its answer, and a repeat gets the
same answer. Changes are applied in the order sent, each whole or not at all.
"""
import hashlib
from datetime import datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from eic.core.errors import DomainError, ValidationFailed
from eic.core.roles import Role
from eic.core.text import clean_text
from eic.core.timeutil import ALMATY, almaty_today, utc_now
from eic.extensions import db

from .models import HomeVisitChecklist, SyncChange, TherapySession

WEEK_DAYS = 7
KINDS = ("attendance", "note", "checklist")
MAX_CHANGES = 200
CLIENT_ID_LIMIT = 64
TEXT_LIMIT = 4000
CHECKLIST_FIELDS = ("development", "living_conditions", "family_situation", "caregiver_wellbeing")
RECENT_NOTES = 3


def _hash(*parts) -> str:
    return hashlib.sha256("|".join("" if p is None else str(p) for p in parts).encode()).hexdigest()[:16]


def versions(row: TherapySession, checklist: HomeVisitChecklist | None) -> dict:
    """The session's version of each part a device may change."""
    return {
        "schedule": _hash(row.starts_at.isoformat(), row.ends_at.isoformat(), row.is_active, row.room_id,
                          row.setting, row.address, row.specialist_id),
        "attendance": _hash(row.attendance, row.absence_reason),
        "note": _hash(row.note_recorded_at.isoformat() if row.note_recorded_at else None, row.note_done,
                      row.note_progress, row.note_family_plan, sorted(row.note_goal_ids or [])),
        "checklist": _hash(*(getattr(checklist, f) for f in CHECKLIST_FIELDS + ("safety_concern", "safety_note")))
        if checklist else _hash(None),
    }


def checklist_of(session_id: int) -> HomeVisitChecklist | None:
    """The home-visit checklist recorded for a session, if any (for the session's page)."""
    return _checklists([session_id]).get(session_id)


def _checklists(session_ids) -> dict:
    if not session_ids:
        return {}
    return {c.session_id: c for c in db.session.scalars(select(HomeVisitChecklist).where(
        HomeVisitChecklist.session_id.in_(list(session_ids))))}


def _own_sessions(user, first, last):
    start = datetime.combine(first, time(0), tzinfo=ALMATY)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=ALMATY)
    from sqlalchemy.orm import selectinload

    from eic.referrals.models import Referral

    return db.session.scalars(select(TherapySession).where(
        TherapySession.specialist_id == user.id, TherapySession.starts_at >= start, TherapySession.starts_at < end)
        .options(selectinload(TherapySession.referral).joinedload(Referral.child),
                 selectinload(TherapySession.referral).joinedload(Referral.caregiver),
                 selectinload(TherapySession.roster))
        .order_by(TherapySession.starts_at)).all()


def week(user, *, today=None) -> dict:
    """What the specialist's device keeps: their sessions from yesterday (a late visit recorded after midnight)
    to ``WEEK_DAYS`` days from today (cancelled ones too,
    so that a device learns of a cancellation), each with its versions; for each child the current plan's goals,
    the last notes, the address and the caregiver's phone and language; for a group its roster. Nothing about
    children the specialist does not see."""
    from .services.plans import current_goals

    today = today or almaty_today()
    first = today - timedelta(days=1)
    rows = _own_sessions(user, first, today + timedelta(days=WEEK_DAYS - 1))
    checklists = _checklists([r.id for r in rows])
    referral_ids = {r.referral_id for r in rows if r.referral_id}
    goals = current_goals(list(referral_ids))
    notes = _recent_notes(referral_ids)
    sessions = []
    for row in rows:
        item = {"id": row.id, "starts_at": row.starts_at.isoformat(), "ends_at": row.ends_at.isoformat(),
                "active": row.is_active, "setting": row.setting, "address": row.address,
                "room": row.room.name if row.room else "", "attendance": row.attendance,
                "absence_reason": row.absence_reason, "versions": versions(row, checklists.get(row.id)),
                "note": {"done": row.note_done, "progress": row.note_progress, "family_plan": row.note_family_plan,
                         "goal_ids": row.note_goal_ids or []} if row.note_recorded_at else None,
                "checklist": _checklist_json(checklists.get(row.id))}
        if row.is_group:
            item["group"] = {"audience": row.audience, "roster": [
                {"child": e.referral.child.full_name, "phone": e.referral.caregiver.phone if e.referral.caregiver
                 else ""} for e in row.roster]}
        elif row.referral is not None:
            referral = row.referral
            carer = referral.caregiver
            item["child"] = {
                "referral_id": referral.id, "name": referral.child.full_name,
                "birth_on": referral.child.birth_on.isoformat(), "address": referral.child.address,
                "caregiver": {"name": carer.full_name, "phone": carer.phone, "language": carer.preferred_language}
                if carer else None,
                "goals": [{"id": g.id, "kind": g.kind, "description": g.description}
                          for g in goals.get(referral.id, [])],
                "recent_notes": notes.get(referral.id, [])}
        sessions.append(item)
    return {"generated_at": utc_now().isoformat(), "first": first.isoformat(),
            "last": (today + timedelta(days=WEEK_DAYS - 1)).isoformat(), "sessions": sessions}


def _checklist_json(checklist):
    if checklist is None:
        return None
    return {f: getattr(checklist, f) for f in CHECKLIST_FIELDS + ("safety_concern", "safety_note")}


def _recent_notes(referral_ids) -> dict:
    result = {}
    if not referral_ids:
        return result
    for row in db.session.scalars(select(TherapySession).where(
            TherapySession.referral_id.in_(list(referral_ids)), TherapySession.note_recorded_at.is_not(None))
            .order_by(TherapySession.starts_at.desc())):
        found = result.setdefault(row.referral_id, [])
        if len(found) < RECENT_NOTES:
            found.append({"on": row.starts_at.astimezone(ALMATY).date().isoformat(), "done": row.note_done,
                          "progress": row.note_progress, "family_plan": row.note_family_plan})
    return result


class BadChanges(ValidationFailed):
    """The batch itself cannot be read: nothing of it is applied."""


def _check_batch(changes) -> list[dict]:
    if not isinstance(changes, list) or not changes:
        raise BadChanges(fields={"changes": [_l("Send a list of changes.")]})
    if len(changes) > MAX_CHANGES:
        raise BadChanges(fields={"changes": [_l("At most %(n)s changes at a time.", n=MAX_CHANGES)]})
    problems = {}
    ids = [c.get("client_id") for c in changes if isinstance(c, dict)]
    for n, change in enumerate(changes):
        for name, message in _problems(change, ids):
            problems[f"changes[{n}]{name}"] = [message]
    if problems:
        raise BadChanges(fields=problems)
    return changes


def _problems(change, ids):
    """(field, message) for what is wrong with one change of a batch."""
    if not isinstance(change, dict):
        yield "", _l("Each change is an object.")
        return
    client_id = change.get("client_id")
    if not isinstance(client_id, str) or not 8 <= len(client_id) <= CLIENT_ID_LIMIT:
        yield ".client_id", _l("Give each change its own id (8 to 64 characters).")
    elif ids.count(client_id) > 1:
        yield ".client_id", _l("Two changes in one batch have the same id.")
    if change.get("kind") not in KINDS:
        yield ".kind", _l("The kind of change is attendance, note or checklist.")
    if not isinstance(change.get("session_id"), int):
        yield ".session_id", _l("Name the session by its id.")
    base = change.get("base")
    if not isinstance(base, dict) or not all(isinstance(base.get(k), str) for k in ("schedule", change.get("kind"))):
        yield ".base", _l("Send the versions the change was made on.")
    if not isinstance(change.get("data"), dict):
        yield ".data", _l("Send what was recorded.")


def apply(user, changes, *, now=None) -> list[dict]:
    """Apply ``changes`` in order; returns one answer per change: ``applied`` (with the new versions),
    ``conflict`` (with the server's part and versions) or ``refused`` (with the reason). Raises BadChanges for a
    batch that cannot be read (nothing applied). Commits each change by itself, so that what was applied stays
    applied whatever happens to a later one."""
    changes = _check_batch(changes)
    answers = []
    for change in changes:
        answers.append(_apply_one(user, change, now=now or utc_now()))
    return answers


def _apply_one(user, change, *, now) -> dict:
    kept = db.session.scalar(select(SyncChange).where(SyncChange.user_id == user.id,
                                                      SyncChange.client_id == change["client_id"]))
    if kept is not None:
        return kept.answer | {"repeat": True}
    status, answer = _decide(user, change, now)
    answer = {"client_id": change["client_id"], "status": status} | answer
    db.session.add(SyncChange(user_id=user.id, client_id=change["client_id"], session_id=change["session_id"],
                              kind=change["kind"], status=status, answer=answer, received_at=now))
    try:
        db.session.commit()
    except IntegrityError:  # the same change sent at the same moment by a retry: the first one's answer
        db.session.rollback()
        kept = db.session.scalar(select(SyncChange).where(SyncChange.user_id == user.id,
                                                          SyncChange.client_id == change["client_id"]))
        return kept.answer | {"repeat": True}
    return answer


def _decide(user, change, now) -> tuple[str, dict]:
    """Apply one change inside a savepoint: (status, answer)."""
    row = db.session.get(TherapySession, change["session_id"])
    if row is None or row.specialist_id != user.id or user.role is not Role.SPECIALIST:
        return "refused", {"code": "not_found", "message": str(_l("This session is not yours."))}
    kind = change["kind"]
    checklist = _checklists([row.id]).get(row.id)
    current = versions(row, checklist)
    if change["base"]["schedule"] != current["schedule"] or change["base"][kind] != current[kind]:
        return "conflict", {"message": str(_l("The session changed on the server meanwhile.")),
                            "server": _server_part(row, kind, checklist), "versions": current}
    try:
        with db.session.begin_nested():
            _write(user, row, kind, change["data"], checklist, now)
    except DomainError as exc:
        return "refused", {"code": exc.code, "message": str(exc.message),
                           "fields": {k: [str(m) for m in v] for k, v in (exc.fields or {}).items()}}
    db.session.flush()
    return "applied", {"versions": versions(row, _checklists([row.id]).get(row.id))}


def _server_part(row, kind, checklist) -> dict:
    part = {"starts_at": row.starts_at.isoformat(), "ends_at": row.ends_at.isoformat(), "active": row.is_active,
            "cancel_reason": row.cancel_reason if not row.is_active else ""}
    if kind == "attendance":
        part |= {"attendance": row.attendance, "absence_reason": row.absence_reason}
    elif kind == "note":
        part |= {"note": {"done": row.note_done, "progress": row.note_progress,
                          "family_plan": row.note_family_plan, "goal_ids": row.note_goal_ids or []}
                 if row.note_recorded_at else None}
    else:
        part |= {"checklist": _checklist_json(checklist)}
    return part


def _text(data, name, errors, *, required=False):
    value = data.get(name, "")
    if not isinstance(value, str):
        errors[name] = [_l("Enter text.")]
        return ""
    value = clean_text(value)
    if required and not value:
        errors[name] = [_l("This field is required.")]
    if len(value) > TEXT_LIMIT:
        errors[name] = [_l("At most %(n)s characters.", n=TEXT_LIMIT)]
    return value


def _write(user, row, kind, data, checklist, now) -> None:
    from . import services

    if kind == "attendance":
        if not isinstance(data.get("attended"), bool):
            raise ValidationFailed(fields={"attended": [_l("Say whether the child came.")]})
        services.record_attendance(row, attended=data["attended"], reason=data.get("reason"), actor=user, now=now)
        return
    if kind == "note":
        errors = {}
        done = _text(data, "done", errors, required=True)
        progress, family_plan = _text(data, "progress", errors), _text(data, "family_plan", errors)
        goal_ids = data.get("goal_ids") or []
        if not isinstance(goal_ids, list) or not all(isinstance(g, int) for g in goal_ids):
            errors["goal_ids"] = [_l("Choose goals of the child's current plan.")]
        if errors:
            raise ValidationFailed(fields=errors)
        services.record_note(row, done=done, progress=progress, family_plan=family_plan, goal_ids=goal_ids,
                             actor=user, now=now)
        return
    _write_checklist(user, row, data, checklist, now)


def _write_checklist(user, row, data, checklist, now) -> None:
    from .permissions import can_write_note

    if not can_write_note(user, row) or row.setting != "home":
        raise ValidationFailed(fields={"session_id": [_l("A checklist is kept for your own home visits.")]})
    errors = {}
    values = {f: _text(data, f, errors) for f in CHECKLIST_FIELDS}
    concern = data.get("safety_concern", False)
    if not isinstance(concern, bool):
        errors["safety_concern"] = [_l("Say whether there is a safety concern.")]
    note = _text(data, "safety_note", errors, required=bool(concern))
    if not any(values.values()) and not concern:
        errors["development"] = [_l("Fill in at least one part of the checklist.")]
    if errors:
        raise ValidationFailed(fields=errors)
    if checklist is None:
        checklist = HomeVisitChecklist(session_id=row.id, referral_id=row.referral_id)
        db.session.add(checklist)
    raised = concern and not checklist.safety_concern
    for name, value in values.items():
        setattr(checklist, name, value)
    checklist.safety_concern, checklist.safety_note = concern, note
    checklist.recorded_by_id, checklist.recorded_at = user.id, now
    db.session.flush()
    if raised:
        from eic.notifications.services import notify_each
        from eic.referrals.services import _coordinators_of

        notify_each(_coordinators_of(row.center_id), kind="safety_concern", key=f"safety:{checklist.id}",
                    subject_id=row.referral_id,
                    params={"child": row.referral.child.full_name if row.referral else "",
                            "date": row.starts_at.astimezone(ALMATY).date().isoformat()})
