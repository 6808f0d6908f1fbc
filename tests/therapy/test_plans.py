from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from eic.core.errors import Conflict, Forbidden, ValidationFailed
from eic.core.roles import Role
from eic.extensions import db
from eic.referrals.status import Status
from eic.therapy.calendar import local_to_utc
from eic.therapy.models import Plan, TherapySession
from eic.therapy.services import plans
from tests.factories.accounts import SpecialistFactory, user_for_role
from tests.factories.centers import CenterFactory, discipline
from tests.factories.intake import AssessmentFactory
from tests.factories.referrals import ChildFactory, ReferralFactory

TODAY = date(2027, 9, 1)


@pytest.fixture
def case(ctx):
    center = CenterFactory()
    return dict(coordinator=user_for_role(Role.COORDINATOR, center=center),
                specialist=SpecialistFactory(center=center),
                # Born 400 days before the test's day, whatever the factories' sequence: the services of these
                # tests (to March 2028) end before the age limit.
                referral=ReferralFactory(center=center, status=Status.ENROLLED, referred_on=TODAY - timedelta(days=30),
                                         child=ChildFactory(birth_on=TODAY - timedelta(days=400))))


def goal(**kw):
    return {"kind": "child", "domain": "communication", "description": "Uses 20 words",
            "criterion": "Speech therapist's count", "target_on": "2027-12-01", "baseline_gas": -1} | kw


def service(case, **kw):
    return {"kind": "therapy", "discipline_id": discipline("speech_therapist").id,
            "specialist_id": case["specialist"].id, "frequency": 2, "per": "week", "minutes": 45,
            "mode": "individual", "setting": "home", "starts_on": "2027-09-01", "ends_on": "2028-03-01"} | kw


def make(case, **kw):
    args = dict(starts_on=TODAY, goals=[goal(), goal(kind="family", domain="", description="Reads daily",
                                                     criterion="Family diary")],
                services=[service(case), service(case, kind="counselling", discipline_id=None, specialist_id=None,
                                                 frequency=2, per="month", setting="center",
                                                 setting_reason="Counselling room")],
                agreed_by="Mother", agreed_on=TODAY, actor=case["coordinator"], today=TODAY)
    args.update(kw)
    return plans.create_plan(case["referral"], **args)


def test_plan_due_45_days_after_referral(case):
    referral = case["referral"]
    assert plans.plan_due_on(referral) == referral.referred_on + timedelta(days=45)
    assert plans.plan_state(referral, has_plan=False, today=TODAY) == "due_soon"  # 15 days left
    assert plans.plan_state(referral, has_plan=False, today=TODAY - timedelta(days=10)) == "open"
    assert plans.plan_state(referral, has_plan=False, today=TODAY + timedelta(days=16)) == "late"
    assert plans.plan_state(referral, has_plan=True, today=TODAY + timedelta(days=16)) == "done"


def test_a_plan_with_child_and_family_goals_and_caregiver_support(case):
    plan = make(case)
    assert plan.version == 1 and plan.is_current
    assert [g.kind for g in plan.goals] == ["child", "family"]
    assert [s.kind for s in plan.services] == ["therapy", "counselling"]
    assert plan.next_review_on == date(2027, 12, 1)


def test_new_version_keeps_history(case):
    first = make(case)
    second = make(case, review_interval_months=6)
    assert (first.is_current, second.is_current, second.version) == (False, True, 2)
    assert second.next_review_on == date(2028, 3, 1)
    assert len(db.session.scalars(select(Plan).where(Plan.referral_id == case["referral"].id)).all()) == 2


@pytest.mark.parametrize("change, field", [
    ({"goals": []}, "goals"),
    ({"goals": [goal(description="")]}, "goals-0-description"),
    ({"goals": [goal(criterion="")]}, "goals-0-criterion"),
    ({"goals": [goal(baseline_gas=3)]}, "goals-0-baseline_gas"),
    ({"review_interval_months": 7}, "review_interval_months"),
    ({"agreed_on": TODAY + timedelta(days=1)}, "agreed_on"),
])
def test_bad_plans_are_refused(case, change, field):
    with pytest.raises(ValidationFailed) as exc:
        make(case, **change)
    assert field in exc.value.fields
    assert plans.current_plan(case["referral"].id) is None


def test_service_rules(case):
    with pytest.raises(ValidationFailed) as exc:
        make(case, services=[service(case, setting="center"), service(case, frequency=0),
                             service(case, discipline_id=None), service(case, specialist_id=SpecialistFactory().id),
                             service(case, ends_on="2027-01-01")])
    assert {"services-0-setting_reason", "services-1-frequency", "services-2-discipline_id",
            "services-3-specialist_id", "services-4-ends_on"} <= set(exc.value.fields)


def test_a_refused_service_does_not_block_the_others(case):
    plan = make(case, services=[service(case), service(case, kind="respite", discipline_id=None,
                                                       specialist_id=None, is_refused=True)])
    deliveries = plans.delivered_vs_planned(plan, today=date(2027, 9, 29))
    assert [d.planned for d in deliveries] == [8, 0]


def test_only_enrolled_children_and_own_coordinator(case):
    with pytest.raises(Forbidden):
        make(case, actor=user_for_role(Role.COORDINATOR))
    case["referral"].status = Status.ACCEPTED
    with pytest.raises(Conflict):
        make(case)


def test_phq4_flag_suggests_counselling(case):
    flagged = AssessmentFactory(referral_id=case["referral"].id, phq4_1=3, phq4_2=3)
    assert [s["kind"] for s in plans.suggested_services(case["referral"], flagged)] == ["counselling"]
    calm = AssessmentFactory(referral_id=case["referral"].id)
    assert plans.suggested_services(case["referral"], calm) == []


def test_reviews_rate_every_goal_and_move_the_next_review(case):
    plan = make(case)
    assert plans.review_state(plan, today=date(2027, 11, 20)) == "due_soon"
    assert plans.review_state(plan, today=date(2027, 12, 2)) == "overdue"
    with pytest.raises(ValidationFailed):
        plans.record_review(plan, reviewed_on=date(2027, 11, 30), ratings={plan.goals[0].id: 1},
                            actor=case["coordinator"], today=date(2027, 12, 1))
    plans.record_review(plan, reviewed_on=date(2027, 11, 30), ratings={g.id: 1 for g in plan.goals},
                        actor=case["coordinator"], today=date(2027, 12, 1))
    assert plan.next_review_on == date(2028, 2, 29) and len(plan.reviews[0].ratings) == 2


def test_outcome_ratings(case):
    with pytest.raises(ValidationFailed) as exc:
        plans.record_outcomes(case["referral"], kind="exit", rated_on=TODAY, social=0, knowledge=8, behaviour=4,
                              actor=case["coordinator"])
    assert {"social", "knowledge", "new_skills"} <= set(exc.value.fields)
    plans.record_outcomes(case["referral"], kind="entry", rated_on=TODAY, social=2, knowledge=3, behaviour=3,
                          actor=case["coordinator"])
    row = plans.record_outcomes(case["referral"], kind="entry", rated_on=TODAY, social=3, knowledge=3, behaviour=3,
                                actor=case["coordinator"])
    assert row.social == 3 and row.new_skills is None


def test_delivered_against_planned(case):
    plan = make(case)
    speech = plan.services[0]
    for week in range(3):
        start = TODAY + timedelta(days=7 * week)
        starts = local_to_utc(start, time(10))
        db.session.add(TherapySession(center_id=case["referral"].center_id, specialist_id=case["specialist"].id,
                                      referral_id=case["referral"].id, child_id=case["referral"].child_id,
                                      plan_service_id=speech.id, setting="home", starts_at=starts,
                                      ends_at=starts + timedelta(minutes=45), busy_from=starts,
                                      busy_until=starts + timedelta(minutes=45), attendance="attended"))
    db.session.flush()
    [therapy, counselling] = plans.delivered_vs_planned(plan, today=date(2027, 9, 28))
    assert (therapy.planned, therapy.delivered, therapy.is_under) == (8, 3, True)
    assert (counselling.planned, counselling.delivered) == (1, 0)


def test_sessions_booked_for_a_plan_service_count_as_delivered(case):
    from datetime import datetime, timezone

    from eic.therapy import services
    from tests.factories.centers import RoomFactory

    plan = make(case, services=[service(case, setting="center", setting_reason="Equipment")])
    speech = plan.services[0]
    sessions = services.book_series(center=case["referral"].center, specialist=case["specialist"],
                                    referral=case["referral"], room=RoomFactory(center=case["referral"].center),
                                    start_on=date(2027, 9, 1), at=time(10), minutes=45, weekdays=[2], count=2,
                                    plan_service=speech, actor=case["coordinator"],
                                    now=datetime(2027, 1, 1, tzinfo=timezone.utc))
    after = datetime(2027, 9, 20, tzinfo=timezone.utc)
    for s in sessions:
        services.record_attendance(s, attended=True, actor=case["specialist"], now=after)
    services.record_note(sessions[0], done="Games", goal_ids=[plan.goals[0].id], actor=case["specialist"], now=after)
    assert sessions[0].note_goal_ids == [plan.goals[0].id]
    with pytest.raises(ValidationFailed):
        services.record_note(sessions[1], done="Games", goal_ids=[999999], actor=case["specialist"], now=after)
    [delivery] = plans.delivered_vs_planned(plan, today=date(2027, 9, 20))
    assert delivery.delivered == 2
    other_plan_service = make(case).services[0]  # a new version: the old plan's services no longer count
    with pytest.raises(ValidationFailed):
        services.book_series(center=case["referral"].center, specialist=case["specialist"],
                             referral=case["referral"], room=RoomFactory(center=case["referral"].center),
                             start_on=date(2027, 10, 6), at=time(10), minutes=45, count=1, plan_service=speech,
                             actor=case["coordinator"], now=datetime(2027, 1, 1, tzinfo=timezone.utc))
    assert other_plan_service.id != speech.id
    assert plans.current_goals({case["referral"].id})[case["referral"].id][0].description == "Uses 20 words"


def test_a_service_without_a_projected_end_lasts_to_the_age_limit(case):
    """The projected end is optional on the form; left empty it used to fail every service with "end before
    start"."""
    plan = make(case, services=[service(case, ends_on=None), service(case, ends_on="")])
    limit = plans.age_limit_on(case["referral"])
    assert [s.ends_on for s in plan.services] == [limit, limit]
    with pytest.raises(ValidationFailed) as failed:
        make(case, services=[service(case, ends_on="2027-08-01")])
    assert set(failed.value.fields) == {"services-0-ends_on"}


def test_a_plan_cannot_start_before_the_referral(case):
    referral = case["referral"]
    with pytest.raises(ValidationFailed) as failed:
        make(case, starts_on=referral.referred_on - timedelta(days=1))
    assert set(failed.value.fields) == {"starts_on"}
    assert db.session.scalar(select(Plan).where(Plan.referral_id == referral.id)) is None
    assert make(case, starts_on=referral.referred_on).starts_on == referral.referred_on
