from datetime import date, datetime, time, timedelta, timezone

import pytest

from eic.core.errors import Conflict, Forbidden, ValidationFailed
from eic.core.roles import Role
from eic.referrals.status import Status
from eic.therapy import services
from eic.therapy.services import discharge
from tests.factories.accounts import SpecialistFactory, user_for_role
from tests.factories.centers import CenterFactory, RoomFactory
from tests.factories.referrals import ChildFactory, ReferralDiagnosisFactory, ReferralFactory

EXIT = {"social": 5, "knowledge": 4, "behaviour": 5, "new_skills": True}


@pytest.fixture
def case(ctx):
    center = CenterFactory()
    coordinator = user_for_role(Role.COORDINATOR, center=center)
    referral = ReferralFactory(center=center, status=Status.ENROLLED, referred_on=date(2027, 1, 10))
    return dict(center=center, coordinator=coordinator, referral=referral)


def test_discharge_closes_the_case_and_frees_future_sessions(case):
    sessions = services.book_series(center=case["center"], specialist=SpecialistFactory(center=case["center"]),
                                    referral=case["referral"], room=RoomFactory(center=case["center"]),
                                    start_on=date(2027, 9, 1), at=time(10), minutes=45, weekdays=[2], count=3,
                                    actor=case["coordinator"], now=datetime(2027, 1, 1, tzinfo=timezone.utc))
    row = discharge.discharge(case["referral"], discharged_on=date(2027, 9, 8), reason="moved_away",
                              exit_ratings=EXIT, satisfaction={"overall": 5, "respect": 5, "helped": 4},
                              actor=case["coordinator"], today=date(2027, 9, 10))
    assert case["referral"].status is Status.CLOSED and not case["referral"].is_open
    assert row.follow_up_on == date(2027, 12, 8)
    assert [s.is_active for s in sessions] == [True, True, False]
    assert discharge.follow_ups_due(case["center"].id, today=date(2027, 11, 30)) == [row]


@pytest.mark.parametrize("change, field", [
    ({"reason": "bored"}, "reason"),
    ({"discharged_on": date(2030, 1, 1)}, "discharged_on"),
    ({"reason": "referred_on"}, "destination"),
    ({"satisfaction": {"overall": 9}}, "satisfaction_overall"),
    ({"exit_ratings": {"social": 9, "knowledge": 4, "behaviour": 5}}, "social"),
])
def test_bad_discharges_change_nothing(case, change, field):
    args = dict(discharged_on=date(2027, 9, 8), reason="goals_met", exit_ratings=EXIT, actor=case["coordinator"],
                today=date(2027, 9, 10))
    args.update(change)
    with pytest.raises(ValidationFailed) as exc:
        discharge.discharge(case["referral"], **args)
    assert field in exc.value.fields and case["referral"].status is Status.ENROLLED


def test_referred_on_needs_a_handover(case):
    row = discharge.discharge(case["referral"], discharged_on=date(2027, 9, 8), reason="referred_on",
                              destination="Regional rehabilitation center", handover_summary="Goals, plan, notes",
                              exit_ratings=EXIT, actor=case["coordinator"], today=date(2027, 9, 10))
    assert row.destination == "Regional rehabilitation center"


def test_only_enrolled_children_and_own_coordinator(case):
    with pytest.raises(Forbidden):
        discharge.discharge(case["referral"], discharged_on=date(2027, 9, 8), reason="goals_met", exit_ratings=EXIT,
                            actor=user_for_role(Role.COORDINATOR), today=date(2027, 9, 10))
    case["referral"].status = Status.ACCEPTED
    with pytest.raises(Conflict):
        discharge.discharge(case["referral"], discharged_on=date(2027, 9, 8), reason="goals_met", exit_ratings=EXIT,
                            actor=case["coordinator"], today=date(2027, 9, 10))


def test_transition_flag_and_age_limits(ctx):
    child = ChildFactory(birth_on=date(2025, 1, 15))
    assert not discharge.transition_due(child, today=date(2027, 10, 14))
    assert discharge.transition_due(child, today=date(2027, 10, 15))  # 2 years 9 months
    referral = ReferralFactory(child=child, status=Status.ENROLLED)
    assert discharge.age_limit_on(referral) == date(2028, 1, 15)
    ReferralDiagnosisFactory(referral_id=referral.id)
    from eic.extensions import db

    db.session.refresh(referral)
    assert discharge.age_limit_on(referral) == date(2029, 1, 15)
    assert discharge.age_limit_near(referral, today=date(2028, 12, 1))
    assert not discharge.age_limit_near(referral, today=date(2028, 1, 1))
    assert timedelta(days=discharge.AGE_LIMIT_WARNING_DAYS)


def test_discharge_takes_the_child_off_later_group_sessions(case):
    """Discharge cancelled the child's own sessions but left them on group rosters: the group stayed full and the
    family would still have had the group's reminders."""
    center, coordinator, referral = case["center"], case["coordinator"], case["referral"]
    now = datetime(2027, 1, 1, tzinfo=timezone.utc)
    groups = services.book_series(center=center, specialist=SpecialistFactory(center=center), referral=None,
                                  room=RoomFactory(center=center), start_on=date(2027, 9, 1), at=time(15),
                                  minutes=60, weekdays=[2], count=3, capacity=2, actor=coordinator, now=now)
    for group in groups:
        services.add_to_roster(group, referral=referral, actor=coordinator)
    discharge.discharge(referral, discharged_on=date(2027, 9, 8), reason="moved_away", exit_ratings=EXIT,
                        satisfaction={"overall": 5, "respect": 5, "helped": 4}, actor=coordinator,
                        today=date(2027, 9, 10))
    for group in groups:
        ctx_refresh(group)
    assert [len(g.roster) for g in groups] == [1, 1, 0]
    for _ in range(2):  # both places are free again
        services.add_to_roster(groups[2], referral=ReferralFactory(center=center, status=Status.ENROLLED),
                               actor=coordinator)


def ctx_refresh(row):
    from eic.extensions import db

    db.session.refresh(row)
