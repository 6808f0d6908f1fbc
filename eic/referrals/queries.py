"""Reads of referrals, always scoped to what the user may see."""
from sqlalchemy import select

from eic.core.text import search_key
from eic.extensions import db

from .models import Child, Referral, StatusChange
from .permissions import referrals_visible_to
from .status import Status


def referral_list(user, *, status: str | None = None, search: str | None = None):
    """The visible referrals, newest first, filtered by status and a name/IIN search."""
    stmt = referrals_visible_to(user)
    if status in {s.value for s in Status}:
        stmt = stmt.where(Referral.status == Status(status))
    key = search_key(search)
    if key:
        stmt = stmt.join(Child, Referral.child_id == Child.id).where(Child.search_name.contains(key, autoescape=True))
    return stmt.order_by(Referral.referred_on.desc(), Referral.id.desc())


def history(referral: Referral):
    """The referral's status changes, oldest first."""
    return db.session.scalars(select(StatusChange).where(StatusChange.referral_id == referral.id)
                              .order_by(StatusChange.id)).all()


def open_referral_for_iin(iin: str) -> Referral | None:
    """The open referral of the child with this IIN, or None (at most one can be open)."""
    return db.session.scalar(select(Referral).join(Child).where(Child.iin == iin, Referral.is_open.is_(True)))


def iin_history(child_id: int):
    """The child's IIN changes, newest first."""
    from .models import IinChange

    return db.session.scalars(select(IinChange).where(IinChange.child_id == child_id)
                              .order_by(IinChange.changed_at.desc(), IinChange.id.desc())).all()


def referrals_by_id(ids) -> dict:
    """Referrals by id, for drill-downs whose ids come from a scoped figure (never from the request)."""
    ids = list(ids)
    if not ids:
        return {}
    return {r.id: r for r in db.session.scalars(select(Referral).where(Referral.id.in_(ids)))}


def enrolled_at(center_id: int) -> list:
    """The center's enrolled cases, longest referred first."""
    return db.session.scalars(select(Referral).where(Referral.center_id == center_id,
                                                     Referral.status == Status.ENROLLED)
                              .order_by(Referral.referred_on)).all()


def open_case(user, referral_id, *, via=None):
    """The case ``referral_id`` if ``user`` may see it, else 404 (like a missing one). A GET is a look at the
    child's record and is written to the audit trail at once; a change records itself with the change."""
    from flask import has_request_context, request

    from eic.audit.services import read_referral
    from eic.core.permissions import get_visible_or_404

    from .permissions import referrals_visible_to

    referral = get_visible_or_404(referrals_visible_to(user), referral_id)
    if has_request_context() and request.method == "GET":
        read_referral(referral, via=via)
    return referral


def own_center_case_or_404(user, referral_id):
    """A case of the specialist's own center, whoever's team it is on (for breaking the glass), else 404."""
    from flask import abort

    from eic.core.permissions import get_visible_or_404

    if getattr(user, "center_id", None) is None:
        abort(404)
    return get_visible_or_404(select(Referral).where(Referral.center_id == user.center_id), referral_id)


def emergency_accesses(center_id: int, limit: int = 100) -> list:
    """The latest break-the-glass accesses to the center's cases, newest first (for its coordinator)."""
    from .models import CaseAccess

    return db.session.scalars(select(CaseAccess).join(Referral, Referral.id == CaseAccess.referral_id)
                              .where(Referral.center_id == center_id).order_by(CaseAccess.id.desc())
                              .limit(limit)).all()
