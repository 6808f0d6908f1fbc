from datetime import timedelta

import pytest

from eic.core.errors import Forbidden, InvalidTransition, ValidationFailed
from eic.core.roles import Role
from eic.intake import queries, services
from eic.referrals.status import Status
from tests.factories.accounts import SpecialistFactory, user_for_role
from tests.factories.centers import CenterFactory, discipline
from tests.factories.intake import AssessmentFactory, TeamMemberFactory
from tests.factories.referrals import ReferralDiagnosisFactory, ReferralFactory

LEVELS = {"motor": 0, "communication": 2, "cognitive": 0, "social_emotional": 0, "adaptive": 0}


@pytest.fixture
def coordinator(ctx):
    return user_for_role(Role.COORDINATOR, center=CenterFactory())


@pytest.fixture
def accepted(coordinator, almaty_today):
    return ReferralFactory(center=coordinator.center, status=Status.ACCEPTED,
                           referred_on=almaty_today - timedelta(days=20))


def assess(referral, coordinator, today, **kw):
    args = dict(assessed_on=today, levels=LEVELS, needs=set(), phq4=[0, 0, 0, 0], urgency=1, complexity=1,
                severity=1, actor=coordinator)
    args.update(kw)
    return services.record_assessment(referral, **args)


def test_contact_records_the_first_contact_date(accepted, coordinator, almaty_today):
    services.record_contact(accepted, contacted_on=almaty_today - timedelta(days=15), method="phone",
                            person_reached="Mother", actor=coordinator)
    services.record_contact(accepted, contacted_on=almaty_today - timedelta(days=10), method="visit",
                            person_reached="Mother", actor=coordinator)
    assert accepted.first_contact_on == almaty_today - timedelta(days=15)


@pytest.mark.parametrize("days, method, person, field", [
    (-1, "phone", "Mother", "contacted_on"),  # tomorrow
    (25, "phone", "Mother", "contacted_on"),  # before the referral
    (1, "pigeon", "Mother", "method"),
    (1, "phone", " ", "person_reached"),
])
def test_contact_bad_input(accepted, coordinator, almaty_today, days, method, person, field):
    with pytest.raises(ValidationFailed) as exc:
        services.record_contact(accepted, contacted_on=almaty_today - timedelta(days=days), method=method,
                                person_reached=person, actor=coordinator)
    assert field in exc.value.fields
    assert accepted.first_contact_on is None


def test_contact_needs_acceptance(coordinator, almaty_today):
    submitted = ReferralFactory(center=coordinator.center)
    with pytest.raises(InvalidTransition):
        services.record_contact(submitted, contacted_on=almaty_today, method="phone", person_reached="M",
                                actor=coordinator)


def test_other_center_cannot_record(accepted, almaty_today):
    stranger = user_for_role(Role.COORDINATOR)
    with pytest.raises(Forbidden):
        services.record_contact(accepted, contacted_on=almaty_today, method="phone", person_reached="M",
                                actor=stranger)


def test_assessment_sets_priority_and_phq4_flag(accepted, coordinator, almaty_today):
    assessment = assess(accepted, coordinator, almaty_today, phq4=[2, 2, 1, 1], urgency=3, complexity=2, severity=3,
                        screenings=[{"instrument": "ASQ-3", "taken_on": almaty_today, "score": "20", "band": "low"},
                                    {"instrument": "", "taken_on": None}])
    assert assessment.phq4_total == 6 and assessment.caregiver_needs_support
    assert assessment.priority == 3 and accepted.priority == 3
    assert accepted.assessed_on == almaty_today
    assert [s.instrument for s in assessment.screenings] == ["ASQ-3"]


def test_priority_levels():
    from eic.intake.models import Assessment

    assert Assessment(urgency=1, complexity=1, severity=1).priority == 1
    assert Assessment(urgency=2, complexity=1, severity=2).priority == 2
    assert Assessment(urgency=3, complexity=2, severity=2).priority == 3


def test_assessment_bad_input(accepted, coordinator, almaty_today):
    with pytest.raises(ValidationFailed) as exc:
        assess(accepted, coordinator, almaty_today, levels={"motor": 5}, phq4=[4, 0, 0], urgency=0,
               screenings=[{"instrument": "M-CHAT-R/F", "taken_on": almaty_today + timedelta(days=3)}])
    assert {"communication", "motor", "phq4", "urgency", "screenings-0-taken_on"} <= set(exc.value.fields)
    assert accepted.assessed_on is None


def test_team_proposal_prefers_free_places_then_language(accepted, coordinator, almaty_today):
    speech = discipline("speech_therapist")
    busy = SpecialistFactory(center=coordinator.center, discipline=speech, caseload_limit=2, languages="kk")
    russian = SpecialistFactory(center=coordinator.center, discipline=speech, caseload_limit=10, languages="ru")
    kazakh = SpecialistFactory(center=coordinator.center, discipline=speech, caseload_limit=10, languages="kk,ru")
    TeamMemberFactory(specialist=busy, referral_id=ReferralFactory(center=coordinator.center,
                                                                   status=Status.ENROLLED).id)
    assessment = assess(accepted, coordinator, almaty_today)
    proposals = {p.discipline.code: p for p in services.propose_team(accepted, assessment)}
    assert proposals["speech_therapist"].is_needed
    assert proposals["speech_therapist"].specialist == kazakh
    assert not proposals["physiotherapist"].is_needed
    assert {c[0] for c in proposals["speech_therapist"].candidates} == {busy, russian, kazakh}


def test_needed_disciplines_follow_needs_phq4_and_diagnosis(accepted, coordinator, almaty_today):
    ReferralDiagnosisFactory(referral_id=accepted.id)
    assessment = assess(accepted, coordinator, almaty_today, needs={"legal"}, phq4=[3, 3, 0, 0])
    needed = {p.discipline.code for p in services.propose_team(accepted, assessment) if p.is_needed}
    assert {"speech_therapist", "social_worker", "psychologist", "neurologist", "rehab_physician"} <= needed


def test_assign_team_enrols_and_counts_caseload(accepted, coordinator, almaty_today):
    speech = discipline("speech_therapist")
    therapist = SpecialistFactory(center=coordinator.center, discipline=speech, caseload_limit=1)
    assess(accepted, coordinator, almaty_today)
    [member] = services.assign_team(accepted, members={speech.id: therapist.id}, lead_discipline_id=speech.id,
                                    actor=coordinator)
    assert member.is_lead and accepted.status is Status.ENROLLED and accepted.enrolled_on == almaty_today
    assert queries.active_cases_of(therapist.id) == 1
    # At the limit now: a second child cannot get this therapist.
    other = ReferralFactory(center=coordinator.center, status=Status.ACCEPTED)
    AssessmentFactory(referral_id=other.id)
    with pytest.raises(ValidationFailed) as exc:
        services.assign_team(other, members={speech.id: therapist.id}, lead_discipline_id=speech.id,
                             actor=coordinator)
    assert f"specialist_{speech.id}" in exc.value.fields
    assert other.status is Status.ACCEPTED


def test_assign_team_refusals(accepted, coordinator, almaty_today):
    speech = discipline("speech_therapist")
    therapist = SpecialistFactory(center=coordinator.center, discipline=speech)
    with pytest.raises(InvalidTransition):  # not assessed yet
        services.assign_team(accepted, members={speech.id: therapist.id}, lead_discipline_id=speech.id,
                             actor=coordinator)
    assess(accepted, coordinator, almaty_today)
    with pytest.raises(ValidationFailed) as exc:
        services.assign_team(accepted, members={}, lead_discipline_id=0, actor=coordinator)
    assert {"team", "lead"} <= set(exc.value.fields)
    elsewhere = SpecialistFactory(discipline=speech)
    with pytest.raises(ValidationFailed):
        services.assign_team(accepted, members={speech.id: elsewhere.id}, lead_discipline_id=speech.id,
                             actor=coordinator)
    physio = discipline("physiotherapist")
    with pytest.raises(ValidationFailed):  # a speech therapist in the physiotherapist's place
        services.assign_team(accepted, members={physio.id: therapist.id}, lead_discipline_id=physio.id,
                             actor=coordinator)
    assert accepted.status is Status.ACCEPTED


def test_waitlist_order_and_room_freeing(coordinator, almaty_today):
    speech = discipline("speech_therapist")
    older_low = ReferralFactory(center=coordinator.center, status=Status.ACCEPTED, priority=1,
                                referred_on=almaty_today - timedelta(days=30))
    newer_high = ReferralFactory(center=coordinator.center, status=Status.ACCEPTED, priority=3,
                                 referred_on=almaty_today - timedelta(days=5))
    older_high = ReferralFactory(center=coordinator.center, status=Status.ACCEPTED, priority=3,
                                 referred_on=almaty_today - timedelta(days=9))
    for r in (older_low, newer_high, older_high):
        services.put_on_waitlist(r, discipline_ids=[speech.id], reason="No speech therapist", actor=coordinator)
    assert [r.id for r in queries.waitlist(coordinator.center_id)] == [older_high.id, newer_high.id, older_low.id]
    entries = queries.open_waitlist_entries([older_high.id])
    assert entries[older_high.id][0].discipline_id == speech.id
    # Assigning from the waitlist enrols and closes the entry.
    therapist = SpecialistFactory(center=coordinator.center, discipline=speech)
    AssessmentFactory(referral_id=older_high.id)
    services.assign_team(older_high, members={speech.id: therapist.id}, lead_discipline_id=speech.id,
                         actor=coordinator)
    assert older_high.status is Status.ENROLLED
    assert queries.open_waitlist_entries([older_high.id]) == {}


def test_waitlist_needs_a_reason(accepted, coordinator):
    with pytest.raises(ValidationFailed):
        services.put_on_waitlist(accepted, discipline_ids=[], reason=" ", actor=coordinator)
    assert accepted.status is Status.ACCEPTED


def test_queue_orders_by_priority_then_age(coordinator, almaty_today):
    a = ReferralFactory(center=coordinator.center, referred_on=almaty_today - timedelta(days=3))
    b = ReferralFactory(center=coordinator.center, referred_on=almaty_today - timedelta(days=9))
    c = ReferralFactory(center=coordinator.center, status=Status.ACCEPTED, priority=3, referred_on=almaty_today)
    ReferralFactory(center=coordinator.center, status=Status.ENROLLED)
    ReferralFactory()  # another center
    from eic.extensions import db

    ids = [r.id for r in db.session.scalars(queries.queue(coordinator.center_id))]
    assert ids == [c.id, b.id, a.id]
