"""Reads of referrals, always scoped to what the user may see."""
from sqlalchemy import false, select

from eic.core.roles import Role
from eic.core.text import search_key
from eic.extensions import db

from . import permissions
from .models import Child, Referral, StatusChange
from .status import Status


def referrals_visible_to(user):
    """A SELECT of the referrals ``user`` may see (none for roles without child data)."""
    stmt = select(Referral)
    if user.role is Role.PEDIATRICIAN:
        return stmt.where(Referral.pediatrician_id == user.id)
    if user.role in (Role.COORDINATOR, Role.SPECIALIST):
        return stmt.where(Referral.center_id == user.center_id)
    return stmt.where(false())


def referral_list(user, *, status: str | None = None, search: str | None = None):
    """The visible referrals, newest first, filtered by status and a name/IIN search."""
    stmt = referrals_visible_to(user)
    if status in {s.value for s in Status}:
        stmt = stmt.where(Referral.status == Status(status))
    key = search_key(search)
    if key:
        stmt = stmt.join(Child, Referral.child_id == Child.id).where(Child.search_name.contains(key))
    return stmt.order_by(Referral.referred_on.desc(), Referral.id.desc())


def visible_referral(user, referral_id: int) -> Referral | None:
    """The referral if it exists and ``user`` may see it; None otherwise (callers answer 404)."""
    referral = db.session.get(Referral, referral_id)
    if referral is None or not permissions.can_view(user, referral):
        return None
    return referral


def history(referral: Referral):
    return db.session.scalars(select(StatusChange).where(StatusChange.referral_id == referral.id)
                              .order_by(StatusChange.id)).all()


def open_referral_for_iin(iin: str) -> Referral | None:
    return db.session.scalar(select(Referral).join(Child).where(Child.iin == iin, Referral.is_open.is_(True)))


def iin_history(child_id: int):
    """The child's IIN changes, newest first."""
    from .models import IinChange

    return db.session.scalars(select(IinChange).where(IinChange.child_id == child_id)
                              .order_by(IinChange.changed_at.desc(), IinChange.id.desc())).all()
