from datetime import date

from eic.core.roles import Role
from eic.referrals.status import Status
from tests.factories.centers import center
from tests.factories.referrals import ReferralFactory


def test_coordinator_sees_own_center_and_drills_down(client, login_as, almaty_today):
    coordinator = login_as(Role.COORDINATOR)
    mine = ReferralFactory(center=coordinator.center, status=Status.ENROLLED, enrolled_on=almaty_today)
    other = ReferralFactory(center=center("oral"), status=Status.ENROLLED, enrolled_on=almaty_today)
    page = client.get("/capacity/", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "Обслужено семей" in page
    served = client.get(f"/capacity/served?year={almaty_today.year}").get_data(as_text=True)
    assert mine.child.full_name in served and other.child.full_name not in served
    # Another center's code in the query string is ignored for a coordinator.
    assert other.child.full_name not in client.get("/capacity/served?center=oral").get_data(as_text=True)


def test_admin_chooses_a_center_and_bad_years_are_404(client, login_as):
    login_as(Role.ADMIN)
    assert "Oral" in client.get("/capacity/?center=oral", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert client.get("/capacity/?year=1999").status_code == 404
    assert date.today().year >= 2026


def test_timeliness_drills_down_to_the_children_of_the_own_center(client, login_as, almaty_today):
    coordinator = login_as(Role.COORDINATOR)
    year = almaty_today.year
    late = ReferralFactory(center=coordinator.center, status=Status.ACCEPTED, referred_on=date(year, 1, 5),
                           first_contact_on=date(year, 1, 30))
    quick = ReferralFactory(center=coordinator.center, status=Status.ACCEPTED, referred_on=date(year, 1, 5),
                            first_contact_on=date(year, 1, 6))
    other = ReferralFactory(center=center("oral"), status=Status.ACCEPTED, referred_on=date(year, 1, 5),
                            first_contact_on=date(year, 1, 6))
    page = client.get("/capacity/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'data-testid="drill-first_contact"' in page
    listing = client.get(f"/capacity/timeliness/first_contact?year={year}&center=oral",
                         headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert listing.index(late.child.full_name) < listing.index(quick.child.full_name)  # longest first
    assert other.child.full_name not in listing
    assert ">25<" in listing and "priority-3" in listing
    assert client.get("/capacity/timeliness/nonsense").status_code == 404
