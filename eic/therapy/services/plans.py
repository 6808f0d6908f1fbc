"""Individual plans: goals, services (caregiver support included), the family's agreement, reviews,
child outcome ratings, and delivered-versus-planned sessions."""
import calendar as month_calendar
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from eic.core.errors import Conflict, ValidationFailed
from eic.core.locking import CHANGED_MEANWHILE, lock_for_change
from eic.core.roles import Role
from eic.core.settings import get_setting
from eic.core.timeutil import add_years, almaty_today
from eic.core.validation import parse_date, parse_int
from eic.extensions import db
from eic.referrals.permissions import can_coordinate
from eic.referrals.status import Status

from .. import settings
from ..models import (CAREGIVER_SERVICE_KINDS, GOAL_KINDS, NATURAL_SETTINGS, OUTCOME_AREAS, SERVICE_KINDS, SETTINGS,
                      Goal, GoalRating, OutcomeRating, Plan, PlanService, Review, TherapySession)
from ..permissions import require

# "Due soon" from day 30 of the 45 (issue 6 warns at day 30 and 40).
PLAN_DUE_SOON_DAYS = 15
MAX_REVIEW_MONTHS = 6
REVIEW_DUE_SOON_DAYS = 14


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, kept to the month's last day (31 January + 1 = 28/29 February)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, month_calendar.monthrange(year, month)[1]))


def plan_due_on(referral) -> date:
    """The plan is due 45 days (a setting) after the referral date (the child's clock, never restarted)."""
    return referral.referred_on + timedelta(days=get_setting(settings.PLAN_DUE_DAYS.key))


def plan_state(referral, *, has_plan: bool, today: date) -> str:
    """'done', 'late', 'due_soon' or 'open' for the plan of an enrolled child."""
    if has_plan:
        return "done"
    due = plan_due_on(referral)
    if today > due:
        return "late"
    return "due_soon" if (due - today).days <= PLAN_DUE_SOON_DAYS else "open"


def review_state(plan: Plan, *, today: date) -> str:
    """"overdue", "due_soon" (within REVIEW_DUE_SOON_DAYS) or "ok" for the plan's next review."""
    if today > plan.next_review_on:
        return "overdue"
    return "due_soon" if (plan.next_review_on - today).days <= REVIEW_DUE_SOON_DAYS else "ok"


def current_plan(referral_id: int) -> Plan | None:
    """The referral's current plan, or None."""
    return db.session.scalar(select(Plan).where(Plan.referral_id == referral_id, Plan.is_current.is_(True)))


def current_goals(referral_ids) -> dict[int, list[Goal]]:
    """The goals of the current plans of several children, in one query."""
    if not referral_ids:
        return {}
    rows = db.session.execute(select(Plan.referral_id, Goal).join(Goal, Goal.plan_id == Plan.id).where(
        Plan.referral_id.in_(list(referral_ids)), Plan.is_current.is_(True)).order_by(Goal.id)).all()
    result = {}
    for referral_id, goal in rows:
        result.setdefault(referral_id, []).append(goal)
    return result


def _clean_goal(raw: dict, i: int, errors: dict):
    name = f"goals-{i}-"
    description = str(raw.get("description") or "").strip()
    criterion = str(raw.get("criterion") or "").strip()
    kind = raw.get("kind") or "child"
    target_on = parse_date(raw.get("target_on"))
    baseline = parse_int(raw.get("baseline_gas", -1))
    if not description:
        errors[name + "description"] = [_l("Describe the goal.")]
    if not criterion:
        errors[name + "criterion"] = [_l("Say how achievement will be measured.")]
    if kind not in GOAL_KINDS:
        errors[name + "kind"] = [_l("Choose child or family.")]
    if target_on is None:
        errors[name + "target_on"] = [_l("Enter a date as YYYY-MM-DD.")]
    if baseline not in range(-2, 3):
        errors[name + "baseline_gas"] = [_l("Rate from -2 to +2.")]
    return Goal(kind=kind, domain=str(raw.get("domain") or "")[:30], description=description, criterion=criterion,
                target_on=target_on, baseline_gas=baseline if baseline is not None else -1)


def age_limit_on(referral) -> date:
    """The last day of services: the 3rd birthday, or the 4th for a child with a diagnosed disorder."""
    # Services end at 3; a child with a developmental disorder may continue to 4 (order No. 153; settings).
    key = settings.EXTENDED_AGE.key if referral.diagnoses else settings.UPPER_AGE.key
    years = get_setting(key)
    return add_years(referral.child.birth_on, years)


# Past flake8's complexity limit on purpose: a flat list of per-field checks.
def _clean_service(raw: dict, i: int, referral, starts_on: date, errors: dict):  # noqa: C901
    from eic.accounts.models import User
    from eic.centers.models import Discipline

    name = f"services-{i}-"
    kind = raw.get("kind") or "therapy"
    setting = raw.get("setting") or "center"
    frequency, minutes = parse_int(raw.get("frequency")), parse_int(raw.get("minutes"))
    service_start = parse_date(raw.get("starts_on")) or starts_on
    service_end = parse_date(raw.get("ends_on"))
    discipline = db.session.get(Discipline, parse_int(raw.get("discipline_id"))) if raw.get("discipline_id") else None
    specialist = db.session.get(User, parse_int(raw.get("specialist_id"))) if raw.get("specialist_id") else None
    reason = str(raw.get("setting_reason") or "").strip()
    if kind not in SERVICE_KINDS:
        errors[name + "kind"] = [_l("Choose the kind of service.")]
    if kind == "therapy" and discipline is None:
        errors[name + "discipline_id"] = [_l("Choose the discipline.")]
    if specialist is not None and (specialist.center_id != referral.center_id
                                   or specialist.role is not Role.SPECIALIST):
        errors[name + "specialist_id"] = [_l("Choose a specialist of this center.")]
    if frequency is None or not 1 <= frequency <= 14:
        errors[name + "frequency"] = [_l("Give from 1 to 14 sessions.")]
    if raw.get("per", "week") not in ("week", "month"):
        errors[name + "per"] = [_l("Choose per week or per month.")]
    if minutes is None or not 10 <= minutes <= 240:
        errors[name + "minutes"] = [_l("A session lasts from 10 to 240 minutes.")]
    if raw.get("mode", "individual") not in ("individual", "group"):
        errors[name + "mode"] = [_l("Choose individual or group.")]
    if setting not in SETTINGS:
        errors[name + "setting"] = [_l("Choose where the session takes place.")]
    elif setting not in NATURAL_SETTINGS and not reason:
        errors[name + "setting_reason"] = [_l("Give the team's reason for a service outside the family's home.")]
    # No projected end: the service lasts as long as the programme may (the age limit).
    service_end = service_end or age_limit_on(referral)
    if service_end < service_start:
        errors[name + "ends_on"] = [_l("The end date is before the start date.")]
    return PlanService(kind=kind, discipline=discipline, specialist=specialist, frequency=frequency or 1,
                       per=raw.get("per", "week"), minutes=minutes or 45, mode=raw.get("mode", "individual"),
                       setting=setting, starts_on=service_start, ends_on=service_end,
                       setting_reason=reason, is_refused=bool(raw.get("is_refused")))


def create_plan(referral, *, starts_on: date, goals: list, services: list, agreed_by: str = "",
                agreed_on: date | None = None, review_interval_months: int | None = None, notes: str = "",
                actor, today: date | None = None) -> Plan:
    """Write a new version of the child's plan (the previous one stays in the history).

    Raises Forbidden, Conflict (the child is not enrolled), ValidationFailed (every bad goal and service field,
    named ``goals-<i>-<field>`` / ``services-<i>-<field>``).
    """
    require(can_coordinate(actor, referral))
    lock_for_change(referral, CHANGED_MEANWHILE, status_of=lambda r: r.status_label)
    if referral.status is not Status.ENROLLED:
        raise Conflict(_l("A plan is written for an enrolled child."))
    today = today or almaty_today()
    if review_interval_months is None:
        review_interval_months = get_setting(settings.REVIEW_MONTHS.key)
    errors = {}
    if starts_on is None:
        errors["starts_on"] = [_l("Enter a date as YYYY-MM-DD.")]
        starts_on = today
    elif starts_on < referral.referred_on:
        # As contact and assessment: nothing about a case happens before it was referred.
        errors["starts_on"] = [_l("The plan cannot start before the referral (%(date)s).",
                                  date=format_date(referral.referred_on, "long"))]
    if not goals:
        errors["goals"] = [_l("Write at least one measurable goal.")]
    if review_interval_months not in range(1, MAX_REVIEW_MONTHS + 1):
        errors["review_interval_months"] = [_l("Reviews are due every 1 to 6 months.")]
    if agreed_on is not None and (agreed_on > today or not (agreed_by or "").strip()):
        errors["agreed_on"] = [_l("Say who in the family agreed, and when (not in the future).")]
    goal_rows = [_clean_goal(g, i, errors) for i, g in enumerate(goals)]
    service_rows = [_clean_service(s, i, referral, starts_on, errors) for i, s in enumerate(services)]
    if errors:
        raise ValidationFailed(fields=errors)
    previous = current_plan(referral.id)
    version = 1
    if previous is not None:
        previous.is_current = False
        version = previous.version + 1
        db.session.flush()
    plan = Plan(referral_id=referral.id, version=version, starts_on=starts_on, agreed_by=(agreed_by or "").strip(),
                agreed_on=agreed_on, review_interval_months=review_interval_months,
                next_review_on=add_months(starts_on, review_interval_months), notes=(notes or "").strip(),
                created_by_id=actor.id, goals=goal_rows, services=service_rows)
    db.session.add(plan)
    db.session.flush()
    return plan


def suggested_services(referral, assessment) -> list[dict]:
    """Caregiver support the intake proposes: counselling when the PHQ-4 flagged the caregiver."""
    if assessment is not None and assessment.caregiver_needs_support:
        return [{"kind": "counselling", "frequency": 2, "per": "month", "minutes": 50, "mode": "individual",
                 "setting": "center"}]
    return []


def record_review(plan: Plan, *, reviewed_on: date, ratings: dict, notes: str = "", actor,
                  today: date | None = None) -> Review:
    """A review with a GAS rating (-2..+2) for every goal; moves the next review date. Raises ValidationFailed."""
    from eic.referrals.models import Referral

    require(can_coordinate(actor, db.session.get(Referral, plan.referral_id)))
    today = today or almaty_today()
    errors = {}
    if reviewed_on is None or reviewed_on > today or reviewed_on < plan.starts_on:
        errors["reviewed_on"] = [_l("Enter the review date (not in the future, not before the plan).")]
    for goal in plan.goals:
        if ratings.get(goal.id) not in range(-2, 3):
            errors[f"goal_{goal.id}"] = [_l("Rate from -2 to +2.")]
    if errors:
        raise ValidationFailed(fields=errors)
    review = Review(plan_id=plan.id, reviewed_on=reviewed_on, notes=(notes or "").strip(), created_by_id=actor.id,
                    ratings=[GoalRating(goal_id=g.id, gas=ratings[g.id]) for g in plan.goals])
    db.session.add(review)
    plan.next_review_on = add_months(reviewed_on, plan.review_interval_months)
    db.session.flush()
    return review


def record_outcomes(referral, *, kind: str, rated_on: date, social: int, knowledge: int, behaviour: int,
                    new_skills: bool | None = None, actor) -> OutcomeRating:
    """Entry or exit ratings, 1-7 in each outcome area; at exit, whether the child gained new skills."""
    require(can_coordinate(actor, referral))
    errors = {}
    if kind not in ("entry", "exit"):
        errors["kind"] = [_l("Choose entry or exit.")]
    for area, value in zip(OUTCOME_AREAS, (social, knowledge, behaviour)):
        if value not in range(1, 8):
            errors[area] = [_l("Rate from 1 to 7.")]
    if kind == "exit" and new_skills is None:
        errors["new_skills"] = [_l("Say whether the child gained new skills.")]
    if rated_on is None:
        errors["rated_on"] = [_l("Enter a date as YYYY-MM-DD.")]
    if errors:
        raise ValidationFailed(fields=errors)
    existing = db.session.scalar(select(OutcomeRating).where(OutcomeRating.referral_id == referral.id,
                                                             OutcomeRating.kind == kind))
    row = existing or OutcomeRating(referral_id=referral.id, kind=kind)
    row.rated_on, row.social, row.knowledge, row.behaviour = rated_on, social, knowledge, behaviour
    row.new_skills = new_skills if kind == "exit" else None
    db.session.add(row)
    db.session.flush()
    return row


@dataclass
class Delivery:
    """One plan service: sessions planned against delivered so far; under three quarters is under-delivery."""
    service: PlanService
    planned: int
    delivered: int

    @property
    def is_under(self) -> bool:
        return self.delivered < self.planned * 0.75


def planned_to_date(service: PlanService, today: date) -> int:
    """Sessions a service should have had by ``today`` at its frequency."""
    if service.is_refused or today < service.starts_on:
        return 0
    end = min(today, service.ends_on)
    days = (end - service.starts_on).days + 1
    per_days = 7 if service.per == "week" else 30
    return (days * service.frequency) // per_days


def delivered_vs_planned(plan: Plan, *, today: date) -> list[Delivery]:
    """For each service: sessions delivered (attended) against planned to date; under 75% is flagged."""
    counts = dict(db.session.execute(
        select(TherapySession.plan_service_id, func.count(TherapySession.id))
        .where(TherapySession.plan_service_id.in_([s.id for s in plan.services]),
               TherapySession.attendance == "attended")
        .group_by(TherapySession.plan_service_id)).all())
    return [Delivery(s, planned_to_date(s, today), counts.get(s.id, 0)) for s in plan.services]


__all__ = ["CAREGIVER_SERVICE_KINDS", "create_plan", "current_plan", "delivered_vs_planned", "plan_due_on",
           "plan_state", "record_outcomes", "record_review", "review_state", "suggested_services"]
