"""The family's side beyond sessions: home practice, the wellbeing check-in and its task, the family outcome and
satisfaction surveys, peer groups, the slot a cancellation frees, and what the team and the coordinator see."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from eic.core.errors import Conflict, NotFound, ValidationFailed
from eic.core.roles import Role
from eic.core.timeutil import utc_now
from eic.extensions import db
from eic.family import access, answers, groups, practice, surveys, wellbeing
from eic.family.models import FamilySurvey, HomePractice, PeerGroupRequest, WellbeingCheckin
from eic.notifications.models import Notification
from eic.referrals.status import Status
from eic.therapy.models import RosterEntry
from tests.factories.accounts import user_for_role
from tests.factories.centers import RoomFactory, center
from tests.factories.intake import TeamMemberFactory, WaitlistEntryFactory
from tests.factories.referrals import ReferralFactory
from tests.factories.therapy import TherapySessionFactory

PHONE = "+77015550202"


def enrolled_family(phone=PHONE, code="aktobe", **kw):
    referral = ReferralFactory(center=center(code), status=Status.ENROLLED,
                               enrolled_on=kw.pop("enrolled_on", date.today() - timedelta(days=30)), **kw)
    referral.caregiver.phone = phone
    db.session.commit()
    return referral, access._account_for(phone)


def child_session(referral, *, days=0, plan="", at=None, **kw):
    at = at or utc_now() + timedelta(days=days)
    return TherapySessionFactory(room=RoomFactory(center=referral.center), referral_id=referral.id,
                                 child_id=referral.child_id, center_id=referral.center_id, starts_at=at,
                                 ends_at=at + timedelta(minutes=45), note_family_plan=plan, **kw)


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


# Home practice -------------------------------------------------------------------------------------------------

def test_a_family_ticks_the_plan_once_a_day_and_the_specialist_sees_it_before_the_next_session(session):
    referral, user = enrolled_family()
    past = child_session(referral, days=-3, plan="Read a picture book every evening", attendance="attended")
    coming = child_session(referral, days=4)
    practice.tick(user, past.id, comment="  he pointed at the cat  ")
    practice.tick(user, past.id, comment="and the dog")  # the same day: the comment is replaced
    db.session.commit()
    ticks = db.session.scalars(select(HomePractice)).all()
    assert len(ticks) == 1 and ticks[0].comment == "and the dog"
    shown = practice.plans_to_practise(access.children_of(user))[referral.child_id]
    assert [(s.id, len(t)) for s, t in shown] == [(past.id, 1)]
    previous, seen = practice.before_next(coming)
    assert previous.id == past.id and seen[0].comment == "and the dog"


def test_home_practice_refuses_another_familys_note_a_note_without_a_plan_and_a_long_comment(session):
    referral, user = enrolled_family()
    other, _other_user = enrolled_family(phone="+77015550203")
    theirs = child_session(other, days=-2, plan="Sing together")
    no_plan = child_session(referral, days=-2)
    ours = child_session(referral, days=-1, plan="Sing together")
    for session_id in (theirs.id, no_plan.id, 999999):
        with pytest.raises(NotFound):
            practice.tick(user, session_id)
    with pytest.raises(ValidationFailed):
        practice.tick(user, ours.id, comment="x" * 501)
    db.session.rollback()
    assert count(HomePractice) == 0


def test_the_specialist_sees_the_ticks_on_the_next_sessions_page(client, session, login_as):
    referral, user = enrolled_family()
    specialist = user_for_role(Role.SPECIALIST)
    TeamMemberFactory(referral_id=referral.id, specialist=specialist)
    past = child_session(referral, days=-3, plan="Name five animals", attendance="attended")
    coming = child_session(referral, days=4, specialist_id=specialist.id)
    practice.tick(user, past.id, comment="Five of five!")
    db.session.commit()
    login_as(specialist)
    page = client.get(f"/therapy/sessions/{coming.id}", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "Name five animals" in page and "Five of five!" in page and 'data-testid="home-practice"' in page


# The wellbeing check-in ----------------------------------------------------------------------------------------

def test_a_high_check_in_score_is_a_task_for_the_coordinators_only_once(session):
    referral, user = enrolled_family()
    coordinator = user_for_role(Role.COORDINATOR, center_code="aktobe")
    elsewhere = user_for_role(Role.COORDINATOR, center_code="shymkent")
    assert wellbeing.is_due(user)
    row = wellbeing.record(user, [2, 2, 1, 1])
    db.session.commit()
    assert row.score == 6 and row.needs_follow_up and row.center_id == referral.center_id
    told = db.session.scalars(select(Notification.user_id).where(Notification.kind == "family_checkin")).all()
    assert coordinator.id in told and elsewhere.id not in told
    assert [t.id for t in wellbeing.open_tasks(referral.center_id)] == [row.id]
    assert not wellbeing.is_due(user)
    with pytest.raises(Conflict):
        wellbeing.record(user, [0, 0, 0, 0])
    # Three months on, it is asked again.
    assert wellbeing.is_due(user, now=utc_now() + timedelta(days=95))


def test_a_low_score_makes_no_task_and_bad_answers_save_nothing(session):
    _referral, user = enrolled_family()
    for bad in ([1, 2, 3], [0, 1, 2, 4], [None, 0, 0, 0]):
        with pytest.raises(ValidationFailed):
            wellbeing.record(user, bad)
    assert count(WellbeingCheckin) == 0
    row = wellbeing.record(user, [1, 1, 1, 2])
    assert row.score == 5 and not row.needs_follow_up
    assert count(Notification) == 0


def test_a_family_without_an_enrolled_child_is_not_asked(session):
    referral, user = enrolled_family()
    referral.status = Status.WAITLISTED
    db.session.commit()
    assert not wellbeing.is_due(user)
    with pytest.raises(Conflict):
        wellbeing.record(user, [0, 0, 0, 0])


def test_the_check_in_is_explained_kindly_in_the_families_language(client, session, login_as):
    _referral, user = enrolled_family()
    user.locale = "kk"
    login_as(user)
    missing = client.post("/family/checkin", data={"q1": "1", "q2": "1"})
    assert missing.status_code == 422 and "Жауапты таңдаңыз" in missing.get_data(as_text=True)
    assert count(WellbeingCheckin) == 0
    done = client.post("/family/checkin", data={"q1": "3", "q2": "2", "q3": "2", "q4": "2"})
    assert done.status_code == 302
    page = client.get("/family/checkin").get_data(as_text=True)
    assert 'data-testid="checkin-result"' in page and "үйлестірушісі" in page and "112" in page


def test_the_team_sees_the_check_in_and_the_coordinator_marks_the_task_done(client, session, login_as):
    referral, user = enrolled_family()
    row = wellbeing.record(user, [3, 3, 2, 2])
    db.session.commit()
    login_as(Role.COORDINATOR, center_code="aktobe")
    case = client.get(f"/intake/cases/{referral.id}", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert 'data-testid="checkin"' in case and "10" in case
    assert 'data-testid="checkin-task"' in client.get("/family/center").get_data(as_text=True)
    empty = client.post(f"/family/center/checkins/{row.id}/done", data={"note": "  "})
    assert empty.status_code == 302 and db.session.get(WellbeingCheckin, row.id).done_at is None
    client.post(f"/family/center/checkins/{row.id}/done", data={"note": "Offered the psychologist on Friday"})
    db.session.expire_all()
    assert db.session.get(WellbeingCheckin, row.id).done_note == "Offered the psychologist on Friday"
    assert 'data-testid="checkin-task"' not in client.get("/family/center").get_data(as_text=True)


def test_another_centers_coordinator_cannot_reach_the_task(session):
    _referral, user = enrolled_family()
    row = wellbeing.record(user, [3, 3, 3, 3])
    with pytest.raises(NotFound):
        wellbeing.mark_done(row.id, note="x", actor=user_for_role(Role.COORDINATOR, center_code="shymkent"))


# Surveys -------------------------------------------------------------------------------------------------------

def test_the_survey_is_asked_at_six_months_and_at_exit_and_answered_once(session):
    referral, user = enrolled_family(enrolled_on=date.today() - timedelta(days=100))
    assert surveys.due(user) == []
    referral.enrolled_on = date.today() - timedelta(days=190)
    db.session.commit()
    assert surveys.due(user) == [(referral, "six_months")]
    good = {"knows_rights": 6, "communicates_needs": 7, "helps_learn": 5, "satisfied": 5, "respected": 4}
    with pytest.raises(ValidationFailed) as refused:
        surveys.answer(user, referral.id, "six_months", answers=good | {"helps_learn": 8, "satisfied": None})
    assert set(refused.value.fields) == {"helps_learn", "satisfied"}
    assert count(FamilySurvey) == 0
    surveys.answer(user, referral.id, "six_months", answers=good, comment="Thank you")
    db.session.commit()
    assert surveys.due(user) == []
    with pytest.raises(Conflict):
        surveys.answer(user, referral.id, "six_months", answers=good)
    referral.status, referral.ended_on = Status.CLOSED, date.today() - timedelta(days=10)
    db.session.commit()
    assert surveys.due(user) == [(referral, "exit")]
    referral.ended_on = date.today() - timedelta(days=100)
    db.session.commit()
    assert surveys.due(user) == []


def test_another_familys_survey_is_not_found(session):
    referral, _user = enrolled_family(enrolled_on=date.today() - timedelta(days=190))
    _other, stranger = enrolled_family(phone="+77015550209")
    with pytest.raises(NotFound):
        surveys.answer(stranger, referral.id, "six_months", answers={})


# Peer groups ---------------------------------------------------------------------------------------------------

def peer_group(referral, capacity=8):
    at = utc_now() + timedelta(days=3)
    return TherapySessionFactory(room=RoomFactory(center=referral.center), center_id=referral.center_id,
                                 starts_at=at, ends_at=at + timedelta(hours=1), capacity=capacity,
                                 audience="caregiver")


def test_a_family_asks_to_join_and_the_coordinator_accepts_onto_the_roster(session):
    referral, user = enrolled_family()
    coordinator = user_for_role(Role.COORDINATOR, center_code="aktobe")
    group = peer_group(referral)
    assert [(s.id, state) for s, _r, state in groups.groups_for(user)] == [(group.id, "")]
    request = groups.ask(user, group.id)
    db.session.commit()
    assert db.session.scalars(select(Notification.user_id).where(
        Notification.kind == "family_group_request")).all() == [coordinator.id]
    with pytest.raises(Conflict):
        groups.ask(user, group.id)
    with pytest.raises(NotFound):
        groups.decide(request.id, accept=True, actor=user_for_role(Role.COORDINATOR, center_code="shymkent"))
    groups.decide(request.id, accept=True, actor=coordinator)
    db.session.commit()
    assert db.session.scalar(select(RosterEntry.referral_id).where(RosterEntry.session_id == group.id)) == referral.id
    assert [state for _s, _r, state in groups.groups_for(user)] == ["member"]
    with pytest.raises(Conflict):
        groups.decide(request.id, accept=False, actor=coordinator)


def test_a_full_group_refuses_the_request_and_changes_nothing(client, session, login_as):
    referral, user = enrolled_family()
    group = peer_group(referral, capacity=1)
    other, _u = enrolled_family(phone="+77015550204")
    db.session.add(RosterEntry(session_id=group.id, referral_id=other.id))
    request = groups.ask(user, group.id)
    db.session.commit()
    login_as(Role.COORDINATOR, center_code="aktobe")
    client.post(f"/family/center/requests/{request.id}/accept")
    db.session.expire_all()
    assert db.session.get(PeerGroupRequest, request.id).status == "asked"
    assert db.session.scalar(select(func.count()).select_from(RosterEntry)) == 1


def test_another_centers_group_is_not_offered(session):
    _referral, user = enrolled_family()
    other, _u = enrolled_family(phone="+77015550205", code="shymkent")
    group = peer_group(other)
    with pytest.raises(NotFound):
        groups.ask(user, group.id)


# The slot a cancellation frees ---------------------------------------------------------------------------------

def test_a_familys_cancellation_offers_the_slot_to_the_waitlist(client, session, login_as):
    referral, user = enrolled_family()
    specialist = user_for_role(Role.SPECIALIST)
    slot = child_session(referral, days=5, specialist_id=specialist.id)
    waiting = ReferralFactory(center=referral.center, status=Status.WAITLISTED)
    WaitlistEntryFactory(referral_id=waiting.id, discipline_id=specialist.discipline_id)
    db.session.commit()
    answers.cancel(user, slot.id, reason="We are at the grandparents'")
    db.session.commit()
    login_as(Role.COORDINATOR, center_code="aktobe")
    page = client.get("/intake/waitlist").get_data(as_text=True)
    assert 'data-testid="freed-slot"' in page and waiting.child.full_name in page
    # Booked over since: no longer offered.
    child_session(waiting, at=slot.starts_at, specialist_id=specialist.id)
    db.session.commit()
    assert 'data-testid="freed-slot"' not in client.get("/intake/waitlist").get_data(as_text=True)


def test_a_weekly_group_is_offered_once_at_its_next_meeting(session):
    from tests.factories.therapy import SessionSeriesFactory

    referral, user = enrolled_family()
    series = SessionSeriesFactory(center_id=referral.center_id)
    first = peer_group(referral)
    later = peer_group(referral)
    later.starts_at, later.ends_at = first.starts_at + timedelta(days=7), first.ends_at + timedelta(days=7)
    later.busy_from, later.busy_until = later.starts_at, later.ends_at
    first.series_id = later.series_id = series.id
    db.session.commit()
    assert [s.id for s, _r, _state in groups.groups_for(user)] == [first.id]


def test_a_check_in_is_in_the_audit_trail_without_its_answers(client, session, login_as):
    from eic.audit.models import AuditEvent

    referral, user = enrolled_family()
    past = child_session(referral, days=-1, plan="Sing together")
    login_as(user)
    client.post("/family/checkin", data={"q1": "3", "q2": "3", "q3": "1", "q4": "0"})
    client.post(f"/family/practice/{past.id}", data={"comment": "We sang"})
    events = {e.record_type: e for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.record_type.in_(["wellbeing_checkins", "home_practice"])))}
    assert set(events) == {"wellbeing_checkins", "home_practice"}
    assert all(e.referral_id == referral.id for e in events.values())
    row = db.session.scalar(select(WellbeingCheckin))
    assert row.score == 7 and "7" not in str(events["wellbeing_checkins"].detail or "")


def test_the_familys_copy_holds_their_own_side_too(client, session, login_as):
    referral, user = enrolled_family()
    past = child_session(referral, days=-1, plan="Sing together")
    practice.tick(user, past.id, comment="We sang the cat song")
    wellbeing.record(user, [1, 1, 0, 0])
    db.session.commit()
    login_as(Role.COORDINATOR, center_code="aktobe")
    page = client.get(f"/family/copy/{referral.id}?lang=ru").get_data(as_text=True)
    assert "We sang the cat song" in page and "Опросы самочувствия родителя" in page
