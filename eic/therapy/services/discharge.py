"""The end of a case: discharge with exit ratings and the family's satisfaction, follow-up, and the age flags."""
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from eic.core.errors import Conflict, ValidationFailed
from eic.core.locking import CHANGED_MEANWHILE, lock_for_change
from eic.core.timeutil import almaty_today, months_between
from eic.extensions import db
from eic.referrals import services as referral_services
from eic.referrals.permissions import can_coordinate
from eic.referrals.status import Status

from ..models import DISCHARGE_REASONS, Discharge, RosterEntry, TherapySession
from ..permissions import require
from ..queries import day_bounds
from . import plans
from .plans import age_limit_on  # noqa: F401 - the discharge page and tests read it here

TRANSITION_FLAG_MONTHS = 33  # 2 years 9 months
AGE_LIMIT_WARNING_DAYS = 60
DEFAULT_FOLLOW_UP_MONTHS = 3


def transition_due(child, *, today: date) -> bool:
    """Transition planning is flagged from 2 years 9 months."""
    return months_between(child.birth_on, today) >= TRANSITION_FLAG_MONTHS


def age_limit_near(referral, *, today: date) -> bool:
    """Whether the child reaches the programme's age limit within AGE_LIMIT_WARNING_DAYS of ``today``."""
    return (age_limit_on(referral) - today).days <= AGE_LIMIT_WARNING_DAYS


# Past flake8's complexity limit on purpose: a flat list of checks, each one line.
def discharge(referral, *, discharged_on: date, reason: str, exit_ratings: dict, destination: str = "",  # noqa: C901
              handover_summary: str = "", satisfaction: dict | None = None, follow_up_on: date | None = None,
              actor, today: date | None = None) -> Discharge:
    """Close an enrolled case: exit outcome ratings, the family's satisfaction, future sessions cancelled, and
    follow-up. ``exit_ratings``: social, knowledge, behaviour (1-7) and new_skills. Raises Forbidden, Conflict,
    ValidationFailed (nothing changes)."""
    require(can_coordinate(actor, referral))
    lock_for_change(referral, CHANGED_MEANWHILE, status_of=lambda r: r.status_label)
    if referral.status is not Status.ENROLLED:
        raise Conflict(_l("Only an enrolled child can be discharged."))
    today = today or almaty_today()
    errors = {}
    if reason not in DISCHARGE_REASONS:
        errors["reason"] = [_l("Choose the reason for discharge.")]
    if discharged_on is None or discharged_on > today or discharged_on < referral.referred_on:
        errors["discharged_on"] = [_l("Enter the discharge date (not in the future).")]
    if reason == "referred_on" and (not destination.strip() or not handover_summary.strip()):
        errors["destination"] = [_l("Name the service the child is referred to and write the hand-over summary.")]
    satisfaction = satisfaction or {}
    for key in ("overall", "respect", "helped"):
        value = satisfaction.get(key)
        if value is not None and value not in range(1, 6):
            errors[f"satisfaction_{key}"] = [_l("Rate from 1 to 5.")]
    if follow_up_on is not None and discharged_on is not None and follow_up_on <= discharged_on:
        errors["follow_up_on"] = [_l("The follow-up check comes after the discharge.")]
    if errors:
        raise ValidationFailed(fields=errors)
    plans.record_outcomes(referral, kind="exit", rated_on=discharged_on, actor=actor, **exit_ratings)
    row = Discharge(referral_id=referral.id, discharged_on=discharged_on, reason=reason,
                    destination=destination.strip(), handover_summary=handover_summary.strip(),
                    satisfaction_overall=satisfaction.get("overall"), satisfaction_respect=satisfaction.get("respect"),
                    satisfaction_helped=satisfaction.get("helped"),
                    satisfaction_comment=(satisfaction.get("comment") or "").strip(),
                    follow_up_on=follow_up_on or plans.add_months(discharged_on, DEFAULT_FOLLOW_UP_MONTHS),
                    created_by_id=actor.id)
    db.session.add(row)
    # Sessions after the discharge day free their slots.
    after_discharge = day_bounds(discharged_on, discharged_on)[1]
    for session in db.session.scalars(select(TherapySession).where(
            TherapySession.referral_id == referral.id, TherapySession.is_active.is_(True),
            TherapySession.starts_at >= after_discharge)):
        session.is_active = False
        session.cancel_reason = str(_l("Discharged"))
    # ...and the child leaves the later group sessions, so the group has the place and the family no reminders.
    later_groups = select(TherapySession.id).where(TherapySession.starts_at >= after_discharge)
    db.session.execute(delete(RosterEntry).where(RosterEntry.referral_id == referral.id,
                                                 RosterEntry.session_id.in_(later_groups)))
    referral_services.transition(referral, to=Status.CLOSED, actor=actor, reason=reason, today=discharged_on)
    db.session.flush()
    return row


def follow_ups_due(center_id: int, *, today: date, within_days: int = 14):
    """Discharged children of a center whose follow-up check is due within ``within_days`` (or overdue)."""
    from eic.referrals.models import Referral

    return db.session.scalars(select(Discharge).join(Referral, Referral.id == Discharge.referral_id).where(
        Referral.center_id == center_id, Discharge.follow_up_on <= today + timedelta(days=within_days))
        .order_by(Discharge.follow_up_on)).all()
