import re
from datetime import timedelta

from sqlalchemy import select

from eic.core.roles import Role
from eic.extensions import db
from eic.intake.models import Assessment, InitialContact, TeamMember
from eic.notifications.models import Notification
from eic.referrals.status import Status
from tests.factories.accounts import SpecialistFactory
from tests.factories.centers import center, discipline
from tests.factories.referrals import ReferralFactory

ASSESSMENT_FORM = {
    "motor": "0", "communication": "2", "cognitive": "0", "social_emotional": "1", "adaptive": "0",
    "phq4_1": "1", "phq4_2": "1", "phq4_3": "0", "phq4_4": "0", "urgency": "2", "complexity": "1", "severity": "2",
    "screenings-0-instrument": "ASQ-3", "screenings-0-taken_on": "2026-01-05", "screenings-0-score": "30",
    "screenings-0-band": "monitor",
    "screenings-1-instrument": "", "notes": "",
}


def test_queue_shows_only_own_center(client, login_as):
    coordinator = login_as(Role.COORDINATOR)
    mine = ReferralFactory(center=coordinator.center)
    other = ReferralFactory(center=center("oral"))
    page = client.get("/intake/queue").get_data(as_text=True)
    assert mine.child.full_name in page and other.child.full_name not in page
    assert client.get(f"/intake/cases/{other.id}").status_code == 404
    assert client.post(f"/intake/cases/{other.id}/decide", data={"to": "accepted"}).status_code == 404


def test_whole_intake_through_the_pages(client, login_as, almaty_today):
    coordinator = login_as(Role.COORDINATOR)
    speech = discipline("speech_therapist")
    therapist = SpecialistFactory(center=coordinator.center, discipline=speech, languages="kk")
    referral = ReferralFactory(center=coordinator.center, referred_on=almaty_today - timedelta(days=6))
    case = f"/intake/cases/{referral.id}"
    assert client.post(f"{case}/decide", data={"to": "accepted"}).status_code == 302
    response = client.post(f"{case}/contact", data={"contacted_on": almaty_today.isoformat(), "method": "phone",
                                                    "person_reached": "Mother", "notes": ""})
    assert response.status_code == 302
    response = client.post(f"{case}/assessment", data=ASSESSMENT_FORM | {"assessed_on": almaty_today.isoformat()})
    errors = re.findall(r'class="(?:error|flash error)"[^>]*>([^<]*)', response.get_data(as_text=True))
    assert response.status_code == 302, errors
    page = client.get(case).get_data(as_text=True)
    assert 'data-testid="team-form"' in page and therapist.full_name in page
    data = {f"include_{speech.id}": "y", f"specialist_{speech.id}": str(therapist.id), "lead": str(speech.id)}
    assert client.post(f"{case}/team", data=data).status_code == 302
    db.session.refresh(referral)
    assert referral.status is Status.ENROLLED
    assert referral.first_contact_on == referral.assessed_on == referral.enrolled_on == almaty_today
    [member] = db.session.scalars(select(TeamMember).where(TeamMember.referral_id == referral.id)).all()
    assert member.specialist_id == therapist.id and member.is_lead
    kinds = set(db.session.scalars(select(Notification.kind).where(Notification.user_id == referral.pediatrician_id)))
    assert kinds == {"referral_accepted", "referral_enrolled"}
    page = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert ">6<" in page  # six days from referral to contact, shown on the timeline


def test_bad_contact_date_in_kazakh_changes_nothing(client, login_as, almaty_today):
    coordinator = login_as(Role.COORDINATOR)
    referral = ReferralFactory(center=coordinator.center, status=Status.ACCEPTED)
    client.post("/language", data={"lang": "kk"})
    response = client.post(f"/intake/cases/{referral.id}/contact",
                           data={"contacted_on": (almaty_today + timedelta(days=2)).isoformat(), "method": "phone",
                                 "person_reached": "Анасы"})
    assert response.status_code == 422
    assert "Күн болашақта болмауы керек." in response.get_data(as_text=True)
    assert db.session.scalar(select(InitialContact)) is None


def test_assessment_form_errors_are_shown(client, login_as):
    coordinator = login_as(Role.COORDINATOR)
    referral = ReferralFactory(center=coordinator.center, status=Status.ACCEPTED)
    client.post("/language", data={"lang": "ru"})
    response = client.post(f"/intake/cases/{referral.id}/assessment", data=ASSESSMENT_FORM | {"assessed_on": ""})
    assert response.status_code == 422
    assert "Это поле обязательно." in response.get_data(as_text=True)
    assert db.session.scalar(select(Assessment)) is None


def test_decline_requires_reason_and_shows_it_to_the_pediatrician(client, login_as):
    coordinator = login_as(Role.COORDINATOR)
    referral = ReferralFactory(center=coordinator.center)
    client.post(f"/intake/cases/{referral.id}/decide", data={"to": "declined", "reason": ""})
    db.session.refresh(referral)
    assert referral.status is Status.SUBMITTED
    client.post(f"/intake/cases/{referral.id}/decide",
                data={"to": "declined", "reason_code": "not_eligible_age", "reason": "Older than 3"})
    db.session.refresh(referral)
    assert referral.status is Status.DECLINED
    login_as(referral.pediatrician)
    page = client.get("/referrals/mine").get_data(as_text=True)
    assert "Older than 3" in page


def test_specialist_sees_own_cases_but_cannot_act(client, login_as):
    specialist = login_as(Role.SPECIALIST)
    referral = ReferralFactory(center=specialist.center, status=Status.ENROLLED)
    db.session.add(TeamMember(referral_id=referral.id, discipline_id=specialist.discipline_id,
                              specialist_id=specialist.id, assigned_on=referral.referred_on))
    db.session.commit()
    assert referral.child.full_name in client.get("/intake/caseload").get_data(as_text=True)
    assert client.get(f"/intake/cases/{referral.id}").status_code == 200
    assert client.post(f"/intake/cases/{referral.id}/decide", data={"to": "closed"}).status_code == 403


def test_waitlist_page(client, login_as):
    coordinator = login_as(Role.COORDINATOR)
    referral = ReferralFactory(center=coordinator.center, status=Status.ACCEPTED)
    speech = discipline("speech_therapist")
    response = client.post(f"/intake/cases/{referral.id}/waitlist",
                           data={"reason": "No speech therapist", "disciplines": [str(speech.id)]})
    assert response.status_code == 302
    page = client.get("/intake/waitlist").get_data(as_text=True)
    assert referral.child.full_name in page and "No speech therapist" in page
