"""Each figure on a small hand-made dataset whose answer is known in advance."""
from datetime import date, datetime, timedelta, timezone

import pytest

from eic.capacity import figures, served
from eic.referrals.status import Status
from tests.factories.centers import CenterFactory
from tests.factories.referrals import ChildFactory, ReferralFactory
from tests.factories.therapy import RoomFactory, TherapySessionFactory

YEAR = 2027


def attended(referral, when, *, attendance="attended", active=True):
    start = datetime(when.year, when.month, when.day, 5, tzinfo=timezone.utc)
    return TherapySessionFactory(room=RoomFactory(center=referral.center), center_id=referral.center_id,
                                 referral_id=referral.id, child_id=referral.child_id, starts_at=start,
                                 ends_at=start + timedelta(minutes=45), busy_from=start,
                                 busy_until=start + timedelta(minutes=45), attendance=attendance, is_active=active)


@pytest.fixture
def center(ctx):
    return CenterFactory(annual_target_families=100)


def test_families_served_counts_each_child_once(center):
    # A: enrolled in January, attended in February and March: one family.
    a = ReferralFactory(center=center, status=Status.ENROLLED, enrolled_on=date(YEAR, 1, 10))
    attended(a, date(YEAR, 2, 3))
    attended(a, date(YEAR, 3, 3))
    # B: referred twice in the year (declined, then enrolled): one family.
    child_b = ChildFactory()
    ReferralFactory(center=center, child=child_b, status=Status.DECLINED, is_open=False)
    ReferralFactory(center=center, child=child_b, status=Status.ENROLLED, enrolled_on=date(YEAR, 4, 1))
    # C: enrolled the year before, attended this year: counted.
    c = ReferralFactory(center=center, status=Status.ENROLLED, enrolled_on=date(YEAR - 1, 11, 1))
    attended(c, date(YEAR, 1, 20))
    # D: enrolled the year before, only a missed and a cancelled session this year: not counted.
    d = ReferralFactory(center=center, status=Status.ENROLLED, enrolled_on=date(YEAR - 1, 11, 1))
    attended(d, date(YEAR, 1, 21), attendance="absent")
    attended(d, date(YEAR, 1, 22), active=True, attendance=None)
    # E: served at another center only.
    e = ReferralFactory(status=Status.ENROLLED, enrolled_on=date(YEAR, 2, 1))
    attended(e, date(YEAR, 2, 2))
    assert served.families_served(center.id, date(YEAR, 1, 1), date(YEAR, 12, 31)) == 3
    assert served.families_served(center.id, date(YEAR, 1, 1), date(YEAR, 1, 31)) == 2  # A and C


def test_expectation_projection_and_alerts(center):
    # 10 families enrolled in the 90 days to 31 March, none before: a steady rate of 10 per 90 days.
    for n in range(10):
        ReferralFactory(center=center, status=Status.ENROLLED, enrolled_on=date(YEAR, 1, 1) + timedelta(days=9 * n))
    result = figures.capacity(center, year=YEAR, today=date(YEAR, 3, 31))
    assert result.served == 10
    assert result.expected_to_date == round(100 * 90 / 365)
    assert result.projected == 10 + round(10 / 90 * 275)
    assert result.alert == "low"  # 41 projected against 100
    center.annual_target_families = 30
    assert figures.capacity(center, year=YEAR, today=date(YEAR, 3, 31)).alert == "high"
    center.annual_target_families = 41
    assert figures.capacity(center, year=YEAR, today=date(YEAR, 3, 31)).alert is None


def test_a_redirected_referral_keeps_its_date_for_timeliness(center):
    # Referred on 1 March elsewhere, redirected here on 10 March (the copy keeps 1 March), contacted 12 March.
    ReferralFactory(center=center, referred_on=date(YEAR, 3, 1), first_contact_on=date(YEAR, 3, 12),
                    status=Status.ACCEPTED)
    ReferralFactory(center=center, referred_on=date(YEAR, 3, 2), first_contact_on=date(YEAR, 3, 4),
                    status=Status.ACCEPTED)
    result = figures.timeliness(center.id, first=date(YEAR, 3, 1), last=date(YEAR, 3, 31))
    contact = result["first_contact"]
    assert contact.count == 2 and contact.median == 6.5 and contact.p90 == 11
    assert contact.within_target == 0.5  # 1 March is due by 9 March (8 March is a holiday): late; 2 March: on time


def test_waitlist_figures(center):
    from tests.factories.intake import WaitlistEntryFactory

    for days, reason in ((10, "No speech therapist"), (30, "No speech therapist"), (50, "No psychologist")):
        r = ReferralFactory(center=center, status=Status.WAITLISTED, referred_on=date(YEAR, 6, 1) - timedelta(days))
        WaitlistEntryFactory(referral_id=r.id, reason=reason)
    result = figures.waitlist_figures(center.id, today=date(YEAR, 6, 1))
    assert result["count"] == 3 and result["median"] == 30 and result["longest"] == 50
    assert result["by_reason"] == {"No speech therapist": 2, "No psychologist": 1}


def test_a_child_on_a_groups_roster_is_served(center):
    from tests.factories.therapy import RosterEntryFactory

    group = attended(ReferralFactory(center=center, status=Status.ENROLLED, enrolled_on=date(YEAR - 1, 5, 1)),
                     date(YEAR, 5, 5), attendance=None)
    group.referral_id, group.child_id, group.capacity = None, None, 6
    present = ReferralFactory(center=center, status=Status.ENROLLED, enrolled_on=date(YEAR - 1, 5, 1))
    away = ReferralFactory(center=center, status=Status.ENROLLED, enrolled_on=date(YEAR - 1, 5, 1))
    RosterEntryFactory(session_id=group.id, referral_id=present.id, attendance="attended")
    RosterEntryFactory(session_id=group.id, referral_id=away.id, attendance="absent")
    children = served.served_children(center.id, date(YEAR, 1, 1), date(YEAR, 12, 31))
    from eic.extensions import db

    assert set(db.session.scalars(children)) == {present.child_id}


def test_served_by_center_months_and_cumulative(center):
    a = ReferralFactory(center=center, status=Status.ENROLLED, enrolled_on=date(YEAR, 1, 10))
    attended(a, date(YEAR, 2, 3))
    b = ReferralFactory(center=center, status=Status.ENROLLED, enrolled_on=date(YEAR, 2, 10))
    other = ReferralFactory(status=Status.ENROLLED, enrolled_on=date(YEAR, 2, 1))
    assert served.served_by_center(date(YEAR, 2, 1), date(YEAR, 2, 28)) == {center.id: 2, other.center_id: 1}
    assert served.month_spans(date(YEAR, 1, 15), date(YEAR, 3, 2)) == [
        (YEAR * 100 + 1, date(YEAR, 1, 15), date(YEAR, 1, 31)), (YEAR * 100 + 2, date(YEAR, 2, 1), date(YEAR, 2, 28)),
        (YEAR * 100 + 3, date(YEAR, 3, 1), date(YEAR, 3, 2))]
    # Served since 1 January: a child served in two months counts once.
    assert figures.cumulative_served(center.id, YEAR, date(YEAR, 3, 15)) == [
        (date(YEAR, 1, 31), 1), (date(YEAR, 2, 28), 2), (date(YEAR, 3, 15), 2)]
    assert b.center_id == center.id
