"""Child outcome progress categories from entry and exit ratings (1-7), as early intervention programmes report
them, and the services delivered: settings mix, caregiver support, discharges, family satisfaction.

Progress category per child and outcome area (a rating of 6 or 7 is "within age expectations"):
a) did not improve; b) improved, but not nearer to same-aged peers; c) improved nearer to peers without reaching
them; d) reached age expectations; e) maintained age expectations.
Summary statement 1: of those who entered below expectations (a-d), the share in c or d.
Summary statement 2: the share within age expectations at exit (d or e).
"""
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from eic.core.timeutil import ALMATY
from eic.extensions import db
from eic.therapy.models import (CAREGIVER_SERVICE_KINDS, OUTCOME_AREAS, Discharge, OutcomeRating, PlanService,
                                TherapySession)

from .figures import SMALL

AGE_EXPECTED = 6


def category(entry: int, exit_: int, new_skills: bool) -> str:
    """The progress category a-e of one outcome area, from entry and exit ratings (1-7): e keeps or reaches
    the age-expected level, d reaches it, c moves closer, b gains new skills only, a shows no progress."""
    if entry >= AGE_EXPECTED and exit_ >= AGE_EXPECTED:
        return "e"
    if exit_ >= AGE_EXPECTED:
        return "d"
    if exit_ > entry:
        return "c"
    return "b" if new_skills else "a"


def _exits_and_entries(first: date, last: date):
    exits = db.session.scalars(select(OutcomeRating).where(OutcomeRating.kind == "exit",
                                                           OutcomeRating.rated_on >= first,
                                                           OutcomeRating.rated_on <= last)).all()
    entries = {o.referral_id: o for o in db.session.scalars(select(OutcomeRating).where(
        OutcomeRating.kind == "entry", OutcomeRating.referral_id.in_(
            select(OutcomeRating.referral_id).where(OutcomeRating.kind == "exit", OutcomeRating.rated_on >= first,
                                                    OutcomeRating.rated_on <= last))))}
    return exits, entries


def progress(*, first: date, last: date) -> dict:
    """Per outcome area: counts per category and the two summary statements (None below 5 children)."""
    return _progress(*_exits_and_entries(first, last))


def progress_by_month(*, first: date, last: date, ratings=None) -> dict[int, dict]:
    """``progress`` of each month of ``first``..``last`` (by the exit rating's date), keyed by month key
    (``ratings``: ``ratings_of(first, last)`` when the caller has them)."""
    from eic.capacity.served import month_spans

    exits, entries = ratings or ratings_of(first, last)
    per_month = {}
    for row in exits:
        per_month.setdefault(row.rated_on.year * 100 + row.rated_on.month, []).append(row)
    return {key: _progress(per_month.get(key, []), entries) for key, _start, _end in month_spans(first, last)}


def ratings_of(first: date, last: date) -> tuple:
    """The exit ratings dated ``first``..``last`` and the entry ratings of the same children."""
    return _exits_and_entries(first, last)


def progress_of_months(ratings, keys) -> dict:
    """``progress`` of the whole months ``keys`` from ``ratings_of`` a span that holds them."""
    exits, entries = ratings
    wanted = set(keys)
    return _progress([row for row in exits if row.rated_on.year * 100 + row.rated_on.month in wanted], entries)


def _progress(exits, entries) -> dict:
    result = {}
    for area in OUTCOME_AREAS:
        counts = dict.fromkeys("abcde", 0)
        for exit_row in exits:
            entry_row = entries.get(exit_row.referral_id)
            if entry_row is not None:
                counts[category(getattr(entry_row, area), getattr(exit_row, area), bool(exit_row.new_skills))] += 1
        total = sum(counts.values())
        below = counts["a"] + counts["b"] + counts["c"] + counts["d"]
        result[area] = {"counts": counts, "children": total,
                        "ss1": (counts["c"] + counts["d"]) / below if below >= SMALL else None,
                        "ss2": (counts["d"] + counts["e"]) / total if total >= SMALL else None}
    return result


def delivery(*, first: date, last: date, counts: dict | None = None) -> dict:
    """Attended sessions by setting, caregiver-support sessions and families reached, discharges by reason,
    and the mean family satisfaction (1-5). ``counts``: the sums over the period's months of
    ``delivery_counts_by_month`` when the caller has them (settings, support sessions and discharges are then
    not counted again)."""
    start = datetime.combine(first, time(0), tzinfo=ALMATY)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=ALMATY)
    attended = (TherapySession.attendance == "attended", TherapySession.starts_at >= start,
                TherapySession.starts_at < end)
    if counts is None:
        settings_mix = dict(db.session.execute(select(TherapySession.setting, func.count()).where(*attended)
                                               .group_by(TherapySession.setting)).all())
    else:
        settings_mix = {setting: n for setting, n in counts["settings"].items() if n}
    support = db.session.execute(select(func.count(TherapySession.id), func.count(func.distinct(
        TherapySession.referral_id))).join(PlanService, PlanService.id == TherapySession.plan_service_id).where(
        *attended, PlanService.kind.in_(CAREGIVER_SERVICE_KINDS))).one()
    peer_groups = db.session.scalar(select(func.count()).select_from(TherapySession).where(
        TherapySession.audience == "caregiver", TherapySession.capacity.is_not(None), TherapySession.is_active,
        TherapySession.starts_at >= start, TherapySession.starts_at < end))
    if counts is None:
        discharges = dict(db.session.execute(select(Discharge.reason, func.count()).where(
            Discharge.discharged_on >= first, Discharge.discharged_on <= last).group_by(Discharge.reason)).all())
    else:
        discharges = {reason: n for reason, n in counts["discharges"].items() if n}
    satisfaction = db.session.execute(select(func.avg(Discharge.satisfaction_overall),
                                             func.count(Discharge.satisfaction_overall)).where(
        Discharge.discharged_on >= first, Discharge.discharged_on <= last)).one()
    return {"settings": settings_mix, "support_sessions": support[0], "support_families": support[1],
            "peer_groups": peer_groups, "discharges": discharges,
            "satisfaction": float(satisfaction[0]) if satisfaction[1] >= SMALL else None,
            "satisfaction_answers": satisfaction[1]}


def summed_counts(months: list[dict]) -> dict:
    """``delivery_counts_by_month`` entries added up (the counts of a span of whole months)."""
    total = {"settings": {}, "support_sessions": 0, "discharges": {}}
    for month in months:
        for kind in ("settings", "discharges"):
            for name, n in month[kind].items():
                total[kind][name] = total[kind].get(name, 0) + n
        total["support_sessions"] += month["support_sessions"]
    return total


def delivery_counts_by_month(*, first: date, last: date) -> dict[int, dict]:
    """The counts of ``delivery`` that add up over months (attended sessions by setting, caregiver-support
    sessions, discharges by reason) for each month of ``first``..``last``, keyed by month key: one scan of
    the period's attended sessions, the caregiver-support ones counted with a FILTER in the same pass."""
    from eic.capacity.served import month_key, month_spans

    start = datetime.combine(first, time(0), tzinfo=ALMATY)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=ALMATY)
    session_month = month_key(TherapySession.starts_at, first, last, instants=True)
    support = PlanService.kind.in_(CAREGIVER_SERVICE_KINDS)
    sessions = db.session.execute(
        select(session_month, TherapySession.setting, func.count(), func.count().filter(support))
        .outerjoin(PlanService, PlanService.id == TherapySession.plan_service_id)
        .where(TherapySession.attendance == "attended", TherapySession.starts_at >= start,
               TherapySession.starts_at < end)
        .group_by(session_month, TherapySession.setting)).all()
    discharge_month = month_key(Discharge.discharged_on, first, last)
    discharges = db.session.execute(select(discharge_month, Discharge.reason, func.count()).where(
        Discharge.discharged_on >= first, Discharge.discharged_on <= last).group_by(discharge_month,
                                                                                    Discharge.reason)).all()
    result = {key: {"settings": {}, "support_sessions": 0, "discharges": {}}
              for key, _start, _end in month_spans(first, last)}
    for key, setting, n, supporting in sessions:
        result[key]["settings"][setting] = n
        result[key]["support_sessions"] += supporting
    for key, reason, n in discharges:
        result[key]["discharges"][reason] = n
    return result
