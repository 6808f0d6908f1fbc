"""A center's work against its target: families served, expectation, projection, waitlist, timeliness.

"Families served" is defined and read in ``served.py``.
"""
import statistics
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from eic.core.settings import get_setting
from eic.core.timeutil import ALMATY, add_working_days
from eic.extensions import db
from eic.referrals.models import Referral
from eic.referrals.status import Status
from eic.therapy.models import Plan, TherapySession

from . import settings
from .served import families_served, month_spans, served_children, served_rows


def served_referrals(center_id: int, first: date, last: date) -> list:
    """The children behind "families served": each served child's latest referral at the center."""
    rows = db.session.scalars(select(Referral).where(Referral.center_id == center_id,
                                                     Referral.child_id.in_(served_children(center_id, first, last)))
                              .order_by(Referral.child_id, Referral.id)).all()
    latest = {}
    for referral in rows:
        latest[referral.child_id] = referral
    return list(latest.values())


def cumulative_served(center_id: int, year: int, today: date) -> list[tuple[date, int]]:
    """(month end, families served from 1 January to it) for each month of the year up to today: in one query,
    each family counted in the first month it was served (a family served by the end of a month is one served
    in some month up to it)."""
    first, last = date(year, 1, 1), min(date(year, 12, 31), today)
    if last < first:
        return []
    rows = served_rows(first, last, center_id, by_month=True).subquery()
    firsts = select(func.min(rows.c.month).label("month")).group_by(rows.c.child_id).subquery()
    new_by_month = dict(db.session.execute(select(firsts.c.month, func.count()).group_by(firsts.c.month)).all())
    result, total = [], 0
    for key, _start, end in month_spans(first, last):
        total += new_by_month.get(key, 0)
        result.append((end, total))
    return result


@dataclass
class Capacity:
    """A center's year against its target: families served so far, the pro-rata expectation, the projection
    to 31 December and an alert when the projection is far off the target."""
    year: int
    target: int
    served: int
    expected_to_date: int
    projected: int
    alert: str | None  # "low", "high" or None

    @property
    def percent_of_target(self) -> float:
        return 100 * self.served / self.target if self.target else 0.0


def capacity(center, *, year: int, today: date, served: int | None = None) -> Capacity:
    """Families served against the target, the pro-rata expectation and a projection to year end from the
    intake rate over the recent window (a setting, 90 days). ``served``: the families served from 1 January to
    today when the caller has counted them already (``cumulative_served``)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    as_of = min(max(today, first), last)
    if served is None:
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
    """How long something took, over cases: count, median, 90th percentile (days) and the share within target."""
    count: int
    median: float | None
    p90: float | None
    within_target: float | None  # share 0..1


def spread(values: list[int], target: int | None = None, *, within=None) -> Spread:
    """The Spread of ``values`` (days). The share within target is the share of ``within`` flags when given
    (a rule that is not a plain threshold), else the share of values at most ``target``; None without either."""
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


TIMELINESS_LABELS = (("first_contact", _l("Referral to first contact")), ("plan", _l("Referral to plan")),
                     ("first_session", _l("Plan to first session")))


def timeliness_targets() -> dict:
    """The three timeliness targets in days, from settings: first contact, plan, first session."""
    return {"contact": get_setting(settings.FIRST_CONTACT_DAYS.key), "plan": get_setting(settings.PLAN_DAYS.key),
            "session": get_setting(settings.FIRST_SESSION_DAYS.key)}


VALUE_KEYS = ("contact", "contact_ok", "contact_ids", "plan", "plan_ids", "session", "session_ids")
MEASURE_KEYS = {"first_contact": "contact", "plan": "plan", "first_session": "session"}


def _timeliness_values(first: date, last: date, center_id: int | None = None, *,
                       by_month: bool = False) -> dict:
    """Per center: the day counts behind each timeliness figure, for children referred between two dates (a
    redirected referral keeps its first date and is measured at the center that served it). With
    ``by_month``, per (month key of the referral's date, center)."""
    # One row per child: its referral's days, its first plan and its first attended session (one probe of the
    # partial index ix_therapy_sessions_first_attended per child, rather than grouping every session of the period).
    first_plan = (select(func.min(Plan.starts_on)).where(Plan.referral_id == Referral.id)
                  .correlate(Referral).scalar_subquery())
    first_attended = (select(func.min(TherapySession.starts_at))
                      .where(TherapySession.referral_id == Referral.id, TherapySession.attendance == "attended")
                      .correlate(Referral).scalar_subquery())
    referred = select(Referral.id, Referral.center_id, Referral.referred_on, Referral.first_contact_on,
                      first_plan.label("plan_on"), first_attended.label("first_at")).where(
        Referral.referred_on >= first, Referral.referred_on <= last)
    if center_id is not None:
        referred = referred.where(Referral.center_id == center_id)
    rows = db.session.execute(referred).all()
    contact_days = get_setting(settings.FIRST_CONTACT_DAYS.key)
    # The deadline depends on the day of referral only: worked out once per day (a year has 365 of them, a
    # national year 7,800 referrals), not once per child.
    deadlines = {}
    result = {}
    for r in rows:
        key = (r.referred_on.year * 100 + r.referred_on.month, r.center_id) if by_month else r.center_id
        values = result.get(key)
        if values is None:
            values = result[key] = {k: [] for k in VALUE_KEYS}
        if r.first_contact_on:
            if r.referred_on not in deadlines:
                deadlines[r.referred_on] = add_working_days(r.referred_on, contact_days)
            values["contact"].append((r.first_contact_on - r.referred_on).days)
            values["contact_ok"].append(r.first_contact_on <= deadlines[r.referred_on])
            values["contact_ids"].append(r.id)
        if r.plan_on is not None:
            values["plan"].append((r.plan_on - r.referred_on).days)
            values["plan_ids"].append(r.id)
            if r.first_at is not None:
                values["session"].append((r.first_at.astimezone(ALMATY).date() - r.plan_on).days)
                values["session_ids"].append(r.id)
    return result


def _spreads(values: dict[str, list]) -> dict[str, Spread]:
    return {"first_contact": spread(values["contact"], within=values["contact_ok"]),
            "plan": spread(values["plan"], get_setting(settings.PLAN_DAYS.key)),
            "first_session": spread(values["session"], get_setting(settings.FIRST_SESSION_DAYS.key))}


def merged_timeliness(per_center: dict[int, dict[str, list]], center_ids) -> dict[str, Spread]:
    """Timeliness of a group of centers (a region, the nation): medians from the children, not from the centers."""
    merged = {key: [] for key in VALUE_KEYS}
    for center_id in center_ids:
        for key, values in per_center.get(center_id, {}).items():
            merged[key].extend(values)
    return _spreads(merged)


def timeliness(center_id: int, *, first: date, last: date) -> dict[str, Spread]:
    """Days from referral to first contact (and the share within the target in working days), to the plan, and
    from the plan to the first attended session, for children referred to the center between two dates."""
    return merged_timeliness(_timeliness_values(first, last, center_id), [center_id])


def timeliness_children(center_id: int, measure: str, *, first: date, last: date) -> list[tuple[int, int, bool]]:
    """The children behind a timeliness figure: (referral id, days, within the target), longest first."""
    key = MEASURE_KEYS[measure]
    values = _timeliness_values(first, last, center_id).get(center_id, {k: [] for k in VALUE_KEYS})
    if key == "contact":
        within = values["contact_ok"]
    else:
        target = get_setting((settings.PLAN_DAYS if key == "plan" else settings.FIRST_SESSION_DAYS).key)
        within = [days <= target for days in values[key]]
    return sorted(zip(values[f"{key}_ids"], values[key], within), key=lambda row: -row[1])


def timeliness_all(*, first: date, last: date, by_month: bool = False) -> dict:
    """The raw values for every center at once (one pass), for ``merged_timeliness``; with ``by_month``, keyed
    by (month key, center id)."""
    return _timeliness_values(first, last, by_month=by_month)


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


def center_report(center, year: int, today: date) -> dict:
    """Everything on a center's capacity page, for the page, the workbook and the API alike."""
    from eic.intake import queries as intake_queries

    from . import hours

    first, last = date(year, 1, 1), min(date(year, 12, 31), today)
    staff = intake_queries.specialists(center.id)
    rooms = sorted(center.rooms, key=lambda r: r.name)
    week, month = hours.this_week(today), hours.this_month(today)
    cumulative = cumulative_served(center.id, year, today)
    # The year to today is the last point of the cumulative line (when the year has begun).
    served = cumulative[-1][1] if cumulative and cumulative[-1][0] == min(date(year, 12, 31), today) else None
    return {"center": center, "year": year, "today": today,
            "capacity": capacity(center, year=year, today=today, served=served),
            "cumulative": cumulative,
            "waitlist": waitlist_figures(center.id, today=today),
            "timeliness": timeliness(center.id, first=first, last=last),
            "staff": staff, "caseloads": intake_queries.active_caseloads(center.id),
            "week": week, "month": month,
            **{f"hours_{name}": value for name, value in hours.loads_of_spans(
                center.id, staff, rooms, {"week": week, "month": month}).items()}}
