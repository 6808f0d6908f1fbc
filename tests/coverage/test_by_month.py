"""The figures of every month computed at once (``*_by_month``, one query per figure) are exactly the figures
asked for month by month, on a generated dataset with sessions at night across month ends (Almaty days, not
UTC days), redirected referrals, group rosters, caregiver support, ratings and discharges; with and without the
monthly summary of families served."""
import random
from dataclasses import asdict
from datetime import date, datetime, timedelta, timezone

from eic.capacity import figures as capacity_figures
from eic.capacity import served
from eic.capacity.snapshots import refresh
from eic.coverage import figures, outcomes
from eic.extensions import db
from eic.referrals.status import Status
from tests.factories.centers import center
from tests.factories.referrals import ReferralFactory, StatusChangeFactory
from tests.factories.therapy import (DischargeFactory, OutcomeRatingFactory, PlanFactory, PlanServiceFactory,
                                     RosterEntryFactory, TherapySessionFactory)

YEAR = 2025
FIRST, LAST = date(YEAR, 1, 1), date(YEAR, 6, 30)
CODES = ("aktobe", "oral", "aral")


def generate(seed=7):
    rnd = random.Random(seed)
    for n in range(40):
        code = rnd.choice(CODES)
        referred = FIRST + timedelta(days=rnd.randrange(0, 180))
        status = rnd.choice([Status.ENROLLED, Status.DECLINED, Status.ACCEPTED, Status.REDIRECTED])
        referral = ReferralFactory(center=center(code), status=status, referred_on=referred,
                                   is_open=status not in (Status.DECLINED, Status.REDIRECTED),
                                   first_contact_on=referred + timedelta(days=rnd.randrange(0, 20)),
                                   enrolled_on=(referred + timedelta(days=rnd.randrange(5, 40))
                                                if status is Status.ENROLLED else None))
        StatusChangeFactory(referral=referral, from_status=Status.SUBMITTED, to_status=status,
                            reason_code=rnd.choice(["not_eligible_age", "no_capacity", None])
                            if status is Status.DECLINED else None)
        if status is Status.REDIRECTED:
            ReferralFactory(center=center("aral"), child=referral.child, referred_on=referred,
                            redirected_from_id=referral.id)
        if status is not Status.ENROLLED:
            continue
        plan = PlanFactory(referral_id=referral.id, starts_on=referral.enrolled_on)
        support = PlanServiceFactory(plan_id=plan.id, kind=rnd.choice(["counselling", "speech"]))
        for s in range(rnd.randrange(1, 6)):
            # Some sessions at 19:30 UTC on a month's last day: already the next month in Almaty.
            day = referral.enrolled_on + timedelta(days=rnd.randrange(0, 150))
            month_end = served.month_end(day.replace(day=1))
            starts = (datetime(month_end.year, month_end.month, month_end.day, 19, 30, tzinfo=timezone.utc)
                      if rnd.random() < 0.3 else datetime(day.year, day.month, day.day, 5, tzinfo=timezone.utc))
            starts += timedelta(minutes=50 * s)  # never two of the child's sessions at once
            TherapySessionFactory(center_id=referral.center_id, room__center_id=referral.center_id,
                                  child_id=referral.child_id, referral_id=referral.id, starts_at=starts,
                                  ends_at=starts + timedelta(minutes=45), setting=rnd.choice(["center", "home"]),
                                  plan_service_id=support.id if rnd.random() < 0.5 else None,
                                  attendance=rnd.choice(["attended", "attended", "missed"]))
        if rnd.random() < 0.5:
            group = TherapySessionFactory(center_id=referral.center_id, room__center_id=referral.center_id,
                                          capacity=6, audience="child",
                                          starts_at=datetime(YEAR, rnd.randrange(1, 7), 28, 20, tzinfo=timezone.utc),
                                          ends_at=datetime(YEAR, 6, 28, 21, tzinfo=timezone.utc))
            RosterEntryFactory(session_id=group.id, referral_id=referral.id, attendance="attended")
        rated = FIRST + timedelta(days=rnd.randrange(0, 180))
        OutcomeRatingFactory(referral_id=referral.id, kind="entry", rated_on=rated - timedelta(days=90),
                             social=rnd.randrange(1, 8), knowledge=rnd.randrange(1, 8), behaviour=rnd.randrange(1, 8))
        OutcomeRatingFactory(referral_id=referral.id, kind="exit", rated_on=rated, social=rnd.randrange(1, 8),
                             knowledge=rnd.randrange(1, 8), behaviour=rnd.randrange(1, 8), new_skills=rnd.random() < .5)
        if rnd.random() < 0.4:
            DischargeFactory(referral_id=referral.id, discharged_on=rated, reason=rnd.choice(["goals_met", "moved"]))
    db.session.commit()


def months():
    return served.month_spans(FIRST, LAST)


def rows(data):
    return {key: [asdict(r) for r in [data["national"], *data["regions"], *data["centers"]]] for key in ("all",)}


def spreads(result):
    return {place: {k: (s.count, s.median, s.p90, s.within_target) for k, s in values.items()}
            for place, values in result.items()}


def check_every_month():
    coverage = figures.coverage_by_month(first=FIRST, last=LAST)
    timeliness = figures.timeliness_by_month(first=FIRST, last=LAST)
    progress = outcomes.progress_by_month(first=FIRST, last=LAST)
    delivered = outcomes.delivery_counts_by_month(first=FIRST, last=LAST)
    by_month = served.served_by_center_month(FIRST, LAST)
    assert sorted(coverage) == [key for key, _s, _e in months()]
    nonzero = 0
    for key, start, end in months():
        assert rows(coverage[key]) == rows(figures.coverage(first=start, last=end)), key
        assert spreads(timeliness[key]) == spreads(figures.timeliness(first=start, last=end)), key
        assert progress[key] == outcomes.progress(first=start, last=end), key
        one = outcomes.delivery(first=start, last=end)
        assert delivered[key] == {"settings": one["settings"], "support_sessions": one["support_sessions"],
                                  "discharges": one["discharges"]}, key
        straight = served.served_by_center(start, end)
        assert {c: n for (k, c), n in by_month.items() if k == key} == straight, key
        nonzero += sum(straight.values())
    assert nonzero > 20  # the dataset reaches every figure
    # A center's families served since 1 January, month by month, in one query: as counted up to each month end.
    for code in CODES:
        center_id = center(code).id
        assert capacity_figures.cumulative_served(center_id, YEAR, LAST) == [
            (end, served.families_served(center_id, FIRST, end)) for _key, _start, end in months()]


def test_every_month_at_once_equals_month_by_month(ctx):
    generate()
    check_every_month()


def test_the_same_with_the_monthly_summary_for_some_months(ctx, monkeypatch):
    generate(seed=11)
    refresh([date(YEAR, 2, 1), date(YEAR, 3, 1), date(YEAR, 4, 1)])  # from the summary; the rest live
    db.session.commit()
    monkeypatch.setattr(served, "almaty_today", lambda: date(YEAR + 1, 1, 15))
    check_every_month()


def test_a_published_period_equals_its_figures_asked_for_directly(ctx):
    """``publish`` puts a period's timeliness, outcomes and delivery together from the months it read; they are the
    figures asked for the period's dates."""
    from eic.coverage.published import month_range, publish

    generate(seed=5)
    for period in ((1, 6), (4, 6), (2, 2), (1, 3)):
        first, last = month_range(YEAR, period)
        shown = publish(YEAR, *period, today=date(YEAR, 7, 15))
        assert spreads(shown.timeliness) == spreads(figures.timeliness(first=first, last=last)), period
        assert shown.progress == outcomes.progress(first=first, last=last), period
        assert shown.delivery == outcomes.delivery(first=first, last=last), period
    assert shown.delivery["settings"] and shown.timeliness["KZ"]["plan"].count  # the dataset reaches them
