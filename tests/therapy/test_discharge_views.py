from datetime import timedelta

from eic.core.roles import Role
from eic.extensions import db
from eic.referrals.status import Status
from tests.factories.referrals import CaregiverFactory, ReferralFactory


def test_discharge_through_the_page_and_print_in_the_familys_language(client, login_as, almaty_today):
    coordinator = login_as(Role.COORDINATOR)
    referral = ReferralFactory(center=coordinator.center, status=Status.ENROLLED,
                               referred_on=almaty_today - timedelta(days=200))
    referral.caregiver = CaregiverFactory(child=referral.child, preferred_language="ru")
    db.session.commit()
    form = {"discharged_on": almaty_today.isoformat(), "reason": "referred_on", "destination": "",
            "handover_summary": "", "social": "5", "knowledge": "4", "behaviour": "5", "new_skills": "yes",
            "satisfaction_overall": "5", "satisfaction_respect": "5", "satisfaction_helped": "4",
            "satisfaction_comment": "", "follow_up_on": "", "confirm": "y"}
    bad = client.post(f"/therapy/cases/{referral.id}/discharge", data=form, headers={"Accept-Language": "en"})
    assert "Name the service the child is referred to" in bad.get_data(as_text=True)
    db.session.refresh(referral)
    assert referral.status is Status.ENROLLED
    unconfirmed = form | {"destination": "Областной центр", "handover_summary": "Цели и план", "confirm": ""}
    page = client.post(f"/therapy/cases/{referral.id}/discharge", data=unconfirmed, headers={"Accept-Language": "en"})
    assert "Tick the box to confirm." in page.get_data(as_text=True)  # one click used to discharge
    db.session.refresh(referral)
    assert referral.status is Status.ENROLLED
    response = client.post(f"/therapy/cases/{referral.id}/discharge",
                           data=form | {"destination": "Областной центр", "handover_summary": "Цели и план"},
                           headers={"Accept-Language": "kk"})
    assert response.status_code == 302
    db.session.refresh(referral)
    assert referral.status is Status.CLOSED
    summary = client.get(response.location, headers={"Accept-Language": "kk"}).get_data(as_text=True)
    assert "Областной центр" in summary and "Причина" in summary  # printed in Russian, the family's language
    # The follow-up check defaults to 3 months later. The list shows every check unless a range is chosen, and says
    # which range it shows (it used to drop anything past 30 days without saying so).
    name = referral.child.full_name
    page = client.get("/therapy/follow-ups", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert name in page and "Every follow-up check, past and coming." in page
    month_ahead = (almaty_today + timedelta(days=30)).isoformat()
    soon = f"/therapy/follow-ups?from={almaty_today.isoformat()}&until={month_ahead}"
    page = client.get(soon, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert name not in page and "Found: 0." in page
    later = f"/therapy/follow-ups?from={(almaty_today + timedelta(days=80)).isoformat()}&until=not-a-date"
    assert name in client.get(later).get_data(as_text=True)
