"""Who may see and change a referral (and so the child, caregiver and history behind it).

The rule is declared once in ``REFERRALS``; ``referrals_visible_to`` is its SQL and ``can_view`` its Python check.
"""
from eic.core.permissions import Scope, is_staff_of
from eic.core.roles import Role

from .models import Referral
from .status import Status

# A pediatrician sees the referrals they wrote; the staff of a center see their center's; nobody else sees any.
REFERRALS = Scope(Referral, {
    Role.PEDIATRICIAN: (("pediatrician_id", "id"),),
    Role.COORDINATOR: (("center_id", "center_id"),),
    Role.SPECIALIST: (("center_id", "center_id"),),
})

COORDINATOR_TARGETS = {Status.ACCEPTED, Status.DECLINED, Status.REDIRECTED, Status.WAITLISTED,
                       Status.ENROLLED, Status.WITHDRAWN, Status.CLOSED}


def referrals_visible_to(user):
    """A SELECT of the referrals ``user`` may see (none for roles without child data)."""
    return REFERRALS.select(user)


def can_view(user, referral) -> bool:
    """Whether ``user`` may see ``referral``: the Python rendering of REFERRALS."""
    return REFERRALS.allows(user, referral)


def can_transition(user, referral, target: Status) -> bool:
    """May ``user`` move ``referral`` to ``target``: the center's coordinator its decisions, the referring
    pediatrician a withdrawal."""
    if not can_view(user, referral):
        return False
    if user.role is Role.COORDINATOR:
        return target in COORDINATOR_TARGETS
    if user.role is Role.PEDIATRICIAN:
        return target is Status.WITHDRAWN
    return False


def can_coordinate(user, referral) -> bool:
    """The coordinator of the referral's center: intake, team, plan, booking and discharge of the case."""
    return referral is not None and is_staff_of(user, referral.center_id, Role.COORDINATOR)
