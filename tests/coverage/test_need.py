from datetime import date

from sqlalchemy import select

from eic.accounts.models import User
from eic.centers.models import Region, RegionBirths
from eic.core.roles import Role
from eic.extensions import db
from eic.referrals.status import Status
from tests.factories.centers import center
from tests.factories.referrals import ReferralFactory


def test_admin_records_births_and_the_ministry_sees_coverage_of_need(client, login_as):
    aktobe_region = db.session.scalar(select(Region).where(Region.iso_code == "KZ-15"))
    login_as(Role.ADMIN)
    bad = client.post("/centers/births", data={"year": "2026", f"region_{aktobe_region.id}": "-5"},
                      headers={"Accept-Language": "en"}, follow_redirects=True)
    assert "Enter a number of births" in bad.get_data(as_text=True)
    assert db.session.scalar(select(RegionBirths)) is None
    client.post("/centers/births", data={"year": "2026", f"region_{aktobe_region.id}": "1500"})
    assert db.session.scalar(select(RegionBirths.births)) == 1500
    for _ in range(10):
        ReferralFactory(center=center("aktobe"), status=Status.ENROLLED, referred_on=date(2026, 2, 1),
                        enrolled_on=date(2026, 2, 20))
    db.session.commit()
    login_as(Role.MINISTRY)
    page = client.get("/coverage/?year=2026", headers={"Accept-Language": "en"}).get_data(as_text=True)
    # 10 families served / (1500 births x 6.7%) = 9.95%
    assert "9.9%" in page or "10.0%" in page
    # The API gives the figures the page gives (it used to lack coverage of need).
    from eic.accounts.services import issue_token

    token = issue_token(db.session.scalar(select(User).where(User.role == Role.MINISTRY)))
    db.session.commit()
    body = client.get("/api/v1/coverage?year=2026", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert body["coverage_of_need"]["KZ-15"] == round(10 / (1500 * 0.067), 4)
    assert body["coverage_of_need"]["KZ"] == body["coverage_of_need"]["KZ-15"]
    assert body["coverage_of_need"]["KZ-75"] is None  # no births recorded for Almaty
