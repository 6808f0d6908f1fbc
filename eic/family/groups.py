"""Caregivers' peer groups from the family's side: the groups of their child's center, a request to join, and the
coordinator's answer (accepted onto the roster from that session on, or declined)."""
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from eic.core.errors import Conflict, NotFound
from eic.core.locking import lock_for_change
from eic.core.timeutil import utc_now
from eic.extensions import db
from eic.referrals.status import Status
from eic.therapy.models import RosterEntry, TherapySession

from . import access
from .models import PeerGroupRequest

SHOWN_DAYS = 60


def _enrolled(user) -> list:
    return [r for r in access.latest_referrals(access.children_of(user)).values() if r.status is Status.ENROLLED]


def groups_for(user, *, now=None) -> list[tuple]:
    """[(session, referral, state)] for the coming caregivers' groups of the centers of the caregiver's enrolled
    children, each group once (its next meeting); state is "member", "asked", "declined" or "" (may ask)."""
    now = now or utc_now()
    referrals = {r.center_id: r for r in _enrolled(user)}
    if not referrals:
        return []
    sessions = db.session.scalars(select(TherapySession).where(
        TherapySession.center_id.in_(list(referrals)), TherapySession.audience == "caregiver",
        TherapySession.capacity.is_not(None), TherapySession.is_active.is_(True),
        TherapySession.starts_at >= now, TherapySession.starts_at < now + timedelta(days=SHOWN_DAYS))
        .order_by(TherapySession.starts_at)).all()
    # A weekly group is one offer: its next meeting (joining puts the family on the series from then on).
    seen, firsts = set(), []
    for s in sessions:
        key = s.series_id or f"s{s.id}"
        if key not in seen:
            seen.add(key)
            firsts.append(s)
    sessions = firsts
    ids = [s.id for s in sessions]
    referral_ids = [r.id for r in referrals.values()]
    members = set(db.session.execute(select(RosterEntry.session_id, RosterEntry.referral_id).where(
        RosterEntry.session_id.in_(ids), RosterEntry.referral_id.in_(referral_ids))).all()) if ids else set()
    asked = {(q.session_id, q.referral_id): q.status for q in db.session.scalars(select(PeerGroupRequest).where(
        PeerGroupRequest.session_id.in_(ids), PeerGroupRequest.referral_id.in_(referral_ids)))} if ids else {}
    result = []
    for s in sessions:
        referral = referrals[s.center_id]
        key = (s.id, referral.id)
        state = "member" if key in members else {"asked": "asked", "declined": "declined"}.get(asked.get(key), "")
        result.append((s, referral, state))
    return result


def ask(user, session_id: int, *, now=None) -> PeerGroupRequest:
    """Ask to join a coming caregivers' group of the child's center; the coordinators are told. Raises NotFound
    (not such a group of their center), Conflict (asked already, or already in it)."""
    now = now or utc_now()
    found = next(((s, r, state) for s, r, state in groups_for(user, now=now) if s.id == session_id), None)
    if found is None:
        raise NotFound()
    session, referral, state = found
    if state == "member":
        raise Conflict(_l("You are already in this group."))
    if state:
        raise Conflict(_l("You have already asked to join this group."))
    row = PeerGroupRequest(session_id=session.id, referral_id=referral.id, user_id=user.id, asked_at=now)
    db.session.add(row)
    db.session.flush()
    from eic.notifications.services import notify_each
    from eic.referrals.services import _coordinators_of

    notify_each(_coordinators_of(session.center_id), kind="family_group_request", key=f"group_request:{row.id}",
                subject_id=referral.id, params={"child": referral.child.full_name,
                                                "date": session.starts_at.date().isoformat()})
    return row


def open_requests(center_id: int) -> list[PeerGroupRequest]:
    return db.session.scalars(select(PeerGroupRequest).join(TherapySession).where(
        TherapySession.center_id == center_id, PeerGroupRequest.status == "asked")
        .order_by(PeerGroupRequest.asked_at)).all()


def decide(request_id: int, *, accept: bool, actor, now=None) -> PeerGroupRequest:
    """The coordinator's answer. Accepting puts the family on the group's roster from that session on (all or
    nothing: a full group or a clash is refused and nothing changes). Raises NotFound (another center's),
    Conflict (answered meanwhile, the group full or cancelled), BookingClash."""
    from eic.therapy.services import join_group

    row = db.session.get(PeerGroupRequest, request_id)
    if row is None or row.session.center_id != actor.center_id:
        raise NotFound()
    lock_for_change(row, _l("Someone answered this request meanwhile."), status_of=str, state=lambda r: r.status)
    if row.status != "asked":
        raise Conflict(_l("This request is already answered."))
    if accept:
        if not row.session.is_active:
            raise Conflict(_l("This session is cancelled."))
        join_group(row.session, referral=row.referral, actor=actor)
    row.status = "accepted" if accept else "declined"
    row.decided_at, row.decided_by_id = now or utc_now(), actor.id
    return row
