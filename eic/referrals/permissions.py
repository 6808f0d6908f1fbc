"""Who may see and change a referral."""
from eic.core.roles import Role

from .status import Status

COORDINATOR_TARGETS = {Status.ACCEPTED, Status.DECLINED, Status.REDIRECTED, Status.WAITLISTED,
                       Status.ENROLLED, Status.WITHDRAWN, Status.CLOSED}


def can_view(user, referral) -> bool:
    """A pediatrician their own referrals; centre staff their center's; nobody else any."""
    if user is None or not user.is_authenticated:
        return False
    if user.role is Role.PEDIATRICIAN:
        return referral.pediatrician_id == user.id
    if user.role in (Role.COORDINATOR, Role.SPECIALIST):
        return referral.center_id == user.center_id
    return False


def can_transition(user, referral, target: Status) -> bool:
    if not can_view(user, referral):
        return False
    if user.role is Role.COORDINATOR:
        return target in COORDINATOR_TARGETS
    if user.role is Role.PEDIATRICIAN:
        return target is Status.WITHDRAWN
    return False


def can_coordinate(user, referral) -> bool:
    return user.role is Role.COORDINATOR and referral.center_id == user.center_id
