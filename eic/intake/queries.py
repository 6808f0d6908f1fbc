"""Reads for intake: the queue, the waitlist, caseloads and proposals. All scoped to one center."""
from sqlalchemy import func, select

from eic.accounts.models import User
from eic.core.roles import Role
from eic.extensions import db
from eic.referrals.models import Referral
from eic.referrals.status import Status

from .models import Assessment, InitialContact, TeamMember, WaitlistEntry

QUEUE_STATUSES = (Status.SUBMITTED, Status.ACCEPTED)


def queue(center_id: int):
    """New and accepted referrals of a center: highest priority first, then oldest first."""
    return (select(Referral).where(Referral.center_id == center_id, Referral.status.in_(QUEUE_STATUSES))
            .order_by(Referral.priority.desc(), Referral.referred_on, Referral.id))


def waitlist(center_id: int) -> list[Referral]:
    """Waitlisted referrals of a center in waitlist order: priority, then waiting time."""
    return db.session.scalars(select(Referral).where(Referral.center_id == center_id,
                                                     Referral.status == Status.WAITLISTED)
                              .order_by(Referral.priority.desc(), Referral.referred_on, Referral.id)).all()


def open_waitlist_entries(referral_ids) -> dict[int, list[WaitlistEntry]]:
    """The open waitlist entries of each of ``referral_ids`` (by referral id; missing when none)."""
    rows = db.session.scalars(select(WaitlistEntry).where(WaitlistEntry.referral_id.in_(list(referral_ids)),
                                                          WaitlistEntry.removed_on.is_(None))).all()
    result = {}
    for row in rows:
        result.setdefault(row.referral_id, []).append(row)
    return result


def active_caseloads(center_id: int) -> dict[int, int]:
    """Active cases per specialist of a center (team memberships of enrolled children)."""
    rows = db.session.execute(
        select(TeamMember.specialist_id, func.count(TeamMember.id))
        .join(Referral, Referral.id == TeamMember.referral_id)
        .where(Referral.center_id == center_id, Referral.status == Status.ENROLLED, TeamMember.ended_on.is_(None))
        .group_by(TeamMember.specialist_id)).all()
    return dict(rows)


def active_cases_of(specialist_id: int) -> int:
    """How many enrolled children the specialist is currently on the team of (their caseload)."""
    return db.session.scalar(
        select(func.count(TeamMember.id)).join(Referral, Referral.id == TeamMember.referral_id)
        .where(TeamMember.specialist_id == specialist_id, Referral.status == Status.ENROLLED,
               TeamMember.ended_on.is_(None)))


def specialists(center_id: int) -> list[User]:
    """The active specialists of a center, by discipline and name."""
    return db.session.scalars(select(User).where(User.center_id == center_id, User.role == Role.SPECIALIST,
                                                 User.is_active_account.is_(True))
                              .order_by(User.discipline_id, User.full_name)).all()


def latest_assessment(referral_id: int) -> Assessment | None:
    """The referral's most recent assessment, or None."""
    return db.session.scalar(select(Assessment).where(Assessment.referral_id == referral_id)
                             .order_by(Assessment.assessed_on.desc(), Assessment.id.desc()))


def contacts(referral_id: int):
    """The referral's initial contacts, oldest first."""
    return db.session.scalars(select(InitialContact).where(InitialContact.referral_id == referral_id)
                              .order_by(InitialContact.contacted_on, InitialContact.id)).all()


def team(referral_id: int) -> list[TeamMember]:
    """The referral's current team, the lead first."""
    return db.session.scalars(select(TeamMember).where(TeamMember.referral_id == referral_id,
                                                       TeamMember.ended_on.is_(None))
                              .order_by(TeamMember.is_lead.desc(), TeamMember.id)).all()


def cases_of_specialist(specialist_id: int):
    """A SELECT of the enrolled children the specialist is on the team of, most urgent first."""
    return (select(Referral).join(TeamMember, TeamMember.referral_id == Referral.id)
            .where(TeamMember.specialist_id == specialist_id, TeamMember.ended_on.is_(None),
                   Referral.status == Status.ENROLLED)
            .order_by(Referral.priority.desc(), Referral.referred_on))
