"""A center's work against its target: families served, expectation, projection, waitlist, timeliness.

Families served in a year (the definition shown on the page): distinct children enrolled at the center during
the year, or with at least one attended session at the center during the year.
"""
import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select, union

from eic.core.settings import get_setting
from eic.core.timeutil import ALMATY
from eic.extensions import db
from eic.referrals.models import Referral
from eic.referrals.status import Status
from eic.therapy.calendar import add_working_days
from eic.therapy.models import Plan, TherapySession

from . import settings


def served_children(center_id: int, first: date, last: date):
    """A SELECT of the distinct child ids served at a center between two dates (inclusive)."""
    start = datetime.combine(first, time(0), tzinfo=ALMATY)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=ALMATY)
    enrolled = select(Referral.child_id).where(Referral.center_id == center_id, Referral.enrolled_on >= first,
                                               Referral.enrolled_on <= last)
    attended = select(Referral.child_id).join(TherapySession, TherapySession.referral_id == Referral.id).where(
        TherapySession.center_id == center_id, TherapySession.attendance == "attended",
        TherapySession.starts_at >= start, TherapySession.starts_at < end)
    return union(enrolled, attended)


def families_served(center_id: int, first: date, last: date) -> int:
    return db.session.scalar(select(func.count()).select_from(served_children(center_id, first, last).subquery()))


@dataclass
class Capacity:
    year: int
    target: int
    served: int
    expected_to_date: int
    projected: int
    alert: str | None  # "low", "high" or None

    @property
    def percent_of_target(self) -> float:
        return 100 * self.served / self.target if self.target else 0.0


def capacity(center, *, year: int, today: date) -> Capacity:
    """Families served against the target, the pro-rata expectation and a projection to year end from the
    intake rate over the recent window (a setting, 90 days)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    as_of = min(max(today, first), last)
    served = families_served(center.id, first, as_of)
    days_in_year = (last - first).days + 1
    elapsed = (as_of - first).days + 1
    target = center.annual_target_families
    window = get_setting(settings.PROJECTION_WINDOW_DAYS.key)
    window_start = max(first, as_of - timedelta(days=window - 1))
    new_in_window = db.session.scalar(select(func.count(func.distinct(Referral.child_id))).where(
        Referral.center_id == center.id, Referral.enrolled_on >= window_start, Referral.enrolled_on <= as_of))
    rate = new_in_window / ((as_of - window_start).days + 1)
    projected = served + (round(rate * (last - as_of).days) if today <= last else 0)
    low, high = get_setting(settings.ALERT_LOW_PERCENT.key), get_setting(settings.ALERT_HIGH_PERCENT.key)
    alert = None
    if target and projected < target * low / 100:
        alert = "low"
    elif target and projected > target * high / 100:
        alert = "high"
    return Capacity(year=year, target=target, served=served, expected_to_date=round(target * elapsed / days_in_year),
                    projected=projected, alert=alert)


@dataclass
class Spread:
    count: int
    median: float | None
    p90: float | None
    within_target: float | None  # share 0..1


def spread(values: list[int], target: int | None = None, *, within=None) -> Spread:
    if not values:
        return Spread(0, None, None, None)
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]
    share = None
    if within is not None:
        share = sum(1 for v in within if v) / len(within)
    elif target is not None:
        share = sum(1 for v in values if v <= target) / len(values)
    return Spread(len(values), statistics.median(values), p90, share)


def timeliness(center_id: int, *, first: date, last: date) -> dict[str, Spread]:
    """Days from referral to first contact, to the plan, and from the plan to the first attended session,
    for children referred to the center between two dates; with the share within the targets (settings)."""
    rows = db.session.execute(select(Referral.id, Referral.referred_on, Referral.first_contact_on).where(
        Referral.center_id == center_id, Referral.referred_on >= first, Referral.referred_on <= last)).all()
    ids = [r.id for r in rows]
    plans = dict(db.session.execute(select(Plan.referral_id, func.min(Plan.starts_on)).where(
        Plan.referral_id.in_(ids)).group_by(Plan.referral_id)).all()) if ids else {}
    first_sessions = dict(db.session.execute(select(TherapySession.referral_id, func.min(TherapySession.starts_at))
                                             .where(TherapySession.referral_id.in_(ids),
                                                    TherapySession.attendance == "attended")
                                             .group_by(TherapySession.referral_id)).all()) if ids else {}
    contact_days = get_setting(settings.FIRST_CONTACT_DAYS.key)
    contact, contact_ok, plan, session = [], [], [], []
    for r in rows:
        if r.first_contact_on:
            contact.append((r.first_contact_on - r.referred_on).days)
            contact_ok.append(r.first_contact_on <= add_working_days(r.referred_on, contact_days))
        if r.id in plans:
            plan.append((plans[r.id] - r.referred_on).days)
            if r.id in first_sessions:
                session.append((first_sessions[r.id].astimezone(ALMATY).date() - plans[r.id]).days)
    return {"first_contact": spread(contact, within=contact_ok),
            "plan": spread(plan, get_setting(settings.PLAN_DAYS.key)),
            "first_session": spread(session, get_setting(settings.FIRST_SESSION_DAYS.key))}


def waitlist_figures(center_id: int, *, today: date) -> dict:
    """How many wait, the median and longest wait in days, and counts by reason."""
    from eic.intake.models import WaitlistEntry

    rows = db.session.execute(select(Referral.id, Referral.referred_on).where(
        Referral.center_id == center_id, Referral.status == Status.WAITLISTED)).all()
    waits = [(today - r.referred_on).days for r in rows]
    reasons = dict(db.session.execute(select(WaitlistEntry.reason, func.count(func.distinct(WaitlistEntry.referral_id)))
                                      .where(WaitlistEntry.referral_id.in_([r.id for r in rows]),
                                             WaitlistEntry.removed_on.is_(None))
                                      .group_by(WaitlistEntry.reason)).all()) if rows else {}
    return {"count": len(rows), "median": statistics.median(waits) if waits else None,
            "longest": max(waits) if waits else None, "by_reason": reasons}
