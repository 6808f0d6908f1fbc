"""Who may see and change a referral (and so the child, caregiver and history behind it).

The rule is declared once in ``REFERRALS``; ``referrals_visible_to`` is its SQL and ``can_view`` its Python check.
Need to know: a specialist sees the children of their own team (now, or until ``referrals.team_access_days``
after leaving it) and those they opened by breaking the glass today; the rest of the center only as busy blocks.
"""
from datetime import timedelta

from sqlalchemy import and_, exists, or_, select

from eic.core.permissions import Condition, Scope, is_staff_of
from eic.core.roles import Role
from eic.core.timeutil import almaty_today, utc_now

from .models import CaseAccess, Referral
from .status import Status


def _team_or_glass(referral_id, user):
    """SQL: ``user`` is on the team of ``referral_id`` (or left it recently), or holds an access for today."""
    from eic.core.settings import get_setting
    from eic.intake.models import TeamMember

    from .settings import TEAM_AFTER_DAYS

    since = almaty_today() - timedelta(days=get_setting(TEAM_AFTER_DAYS.key))
    on_team = exists().where(TeamMember.referral_id == referral_id, TeamMember.specialist_id == user.id,
                             or_(TeamMember.ended_on.is_(None), TeamMember.ended_on >= since))
    granted = exists().where(CaseAccess.referral_id == referral_id, CaseAccess.user_id == user.id,
                             CaseAccess.expires_at > utc_now())
    return or_(on_team, granted)


def _team_check(record, user) -> bool:
    from eic.extensions import db

    return bool(db.session.scalar(select(_team_or_glass(record.id, user))))


ON_TEAM = Condition(sql=lambda model, user: _team_or_glass(model.id, user), check=_team_check)


def _own_or_covered(model, user):
    """SQL: the pediatrician wrote the referral, or works at the same polyclinic and it shares referrals."""
    from eic.centers.models import Polyclinic

    shared = exists().where(Polyclinic.id == user.polyclinic_id, Polyclinic.shared_referrals.is_(True))
    return or_(model.pediatrician_id == user.id,
               and_(model.polyclinic_id.is_not(None), model.polyclinic_id == user.polyclinic_id, shared))


def _own_or_covered_check(record, user) -> bool:
    if record.pediatrician_id == user.id:
        return True
    if record.polyclinic_id is None or record.polyclinic_id != user.polyclinic_id:
        return False
    from eic.centers.models import Polyclinic
    from eic.extensions import db

    return bool(db.session.scalar(select(Polyclinic.shared_referrals).where(Polyclinic.id == user.polyclinic_id)))


OWN_OR_COVERED = Condition(sql=_own_or_covered, check=_own_or_covered_check)

# A pediatrician sees the referrals they wrote (and, where their polyclinic chose it, those of its other
# pediatricians, to cover for them); a coordinator their center's; a specialist their center's children
# on their team or opened by breaking the glass; nobody else sees any.
REFERRALS = Scope(Referral, {
    Role.PEDIATRICIAN: (OWN_OR_COVERED,),
    Role.COORDINATOR: (("center_id", "center_id"),),
    Role.SPECIALIST: (("center_id", "center_id"), ON_TEAM),
})


def case_ids_visible_to(user) -> set:
    """The ids of the cases ``user`` may see, among their center's (for drawing calendars: the others are busy
    blocks)."""
    from eic.extensions import db

    return set(db.session.scalars(select(Referral.id).where(REFERRALS.criterion(user))))


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
