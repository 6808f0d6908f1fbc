from datetime import date, timedelta

from eic.core.roles import Role
from eic.extensions import db
from eic.referrals.status import Status
from eic.therapy.services import plans
from tests.factories.accounts import SpecialistFactory
from tests.factories.centers import center, discipline
from tests.factories.referrals import ReferralFactory


def plan_form(specialist, today, **extra):
    data = {"starts_on": today.isoformat(), "review_interval_months": "3", "agreed_by": "Mother",
            "agreed_on": today.isoformat(), "notes": "",
            "goals-0-kind": "child", "goals-0-description": "Uses 20 words", "goals-0-criterion": "Count",
            "goals-0-target_on": (today + timedelta(days=90)).isoformat(), "goals-0-baseline_gas": "-1",
            "goals-0-domain": "communication",
            "services-0-kind": "therapy", "services-0-discipline_id": str(discipline("speech_therapist").id),
            "services-0-specialist_id": str(specialist.id), "services-0-frequency": "2", "services-0-per": "week",
            "services-0-minutes": "45", "services-0-mode": "individual", "services-0-setting": "home",
            "services-0-ends_on": (today + timedelta(days=180)).isoformat()}
    data.update(extra)
    return data


def test_coordinator_writes_a_plan_and_a_review(client, login_as, almaty_today):
    coordinator = login_as(Role.COORDINATOR)
    specialist = SpecialistFactory(center=coordinator.center)
    referral = ReferralFactory(center=coordinator.center, status=Status.ENROLLED,
                               referred_on=almaty_today - timedelta(days=50))
    page = client.get(f"/therapy/cases/{referral.id}/plan", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Late" in page  # 50 days after the referral, no plan
    bad = client.post(f"/therapy/cases/{referral.id}/plan",
                      data=plan_form(specialist, almaty_today, **{"services-0-setting": "center"}),
                      headers={"Accept-Language": "ru"})
    assert bad.status_code == 422 and "Укажите причину команды" in bad.get_data(as_text=True)
    assert plans.current_plan(referral.id) is None
    response = client.post(f"/therapy/cases/{referral.id}/plan", data=plan_form(specialist, almaty_today))
    assert response.status_code == 302
    plan = plans.current_plan(referral.id)
    assert [g.description for g in plan.goals] == ["Uses 20 words"] and plan.services[0].frequency == 2
    goal = plan.goals[0]
    review = {"reviewed_on": almaty_today.isoformat(), f"goal_{goal.id}": "1", "notes": ""}
    client.post(f"/therapy/cases/{referral.id}/review", data=review)
    db.session.refresh(plan)
    assert [r.gas for r in plan.reviews[0].ratings] == [1]
    ratings = {"kind": "entry", "rated_on": almaty_today.isoformat(), "social": "3", "knowledge": "2",
               "behaviour": "4", "new_skills": ""}
    client.post(f"/therapy/cases/{referral.id}/outcomes", data=ratings)
    listing = client.get("/therapy/plans").get_data(as_text=True)
    assert referral.child.full_name in listing


def test_plan_pages_are_scoped(client, login_as):
    login_as(Role.COORDINATOR)
    elsewhere = ReferralFactory(center=center("oral"), status=Status.ENROLLED)
    assert client.get(f"/therapy/cases/{elsewhere.id}/plan").status_code == 404
    assert client.post(f"/therapy/cases/{elsewhere.id}/plan", data={}).status_code == 404


def test_specialist_reads_the_plan_but_cannot_write_it(client, login_as):
    specialist = login_as(Role.SPECIALIST)
    referral = ReferralFactory(center=specialist.center, status=Status.ENROLLED)
    page = client.get(f"/therapy/cases/{referral.id}/plan").get_data(as_text=True)
    assert 'data-testid="plan-form"' not in page
    assert client.post(f"/therapy/cases/{referral.id}/plan", data={}).status_code == 403
    assert date.today()  # the page rendered without a plan
