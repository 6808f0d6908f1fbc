"""Correcting or replacing a child's IIN: checksum enforced, mismatches confirmed, the history kept
(docs/PITFALLS.md #18)."""
from datetime import date

import pytest

from eic.core.errors import Forbidden, ValidationFailed
from eic.core.roles import Role
from eic.referrals import services
from eic.referrals.queries import iin_history
from eic.referrals.status import Status
from tests.factories.accounts import user_for_role
from tests.factories.centers import center
from tests.factories.referrals import ChildFactory, ReferralFactory, valid_iin

BORN = date(2025, 2, 14)


@pytest.fixture
def case(ctx):
    child = ChildFactory(birth_on=BORN, sex="F")
    referral = ReferralFactory(center=center("aktobe"), child=child, status=Status.ENROLLED)
    return referral, user_for_role(Role.COORDINATOR, center=center("aktobe"))


def test_a_typing_error_is_corrected_and_remembered(case):
    referral, coordinator = case
    old = referral.child.iin
    new = valid_iin(BORN, "F")
    change = services.change_iin(referral, new_iin=f" {new[:6]} {new[6:]} ", reason_code="correction",
                                 actor=coordinator)
    assert referral.child.iin == new and (change.old_iin, change.new_iin) == (old, new)
    assert new in referral.child.search_name
    assert [c.new_iin for c in iin_history(referral.child_id)] == [new]


def test_bad_numbers_and_reasons_change_nothing(case):
    referral, coordinator = case
    old = referral.child.iin
    other = ChildFactory()
    wrong_check = old[:11] + str((int(old[11]) + 1) % 10)
    for bad, code in ((wrong_check, "correction"), ("12345", "correction"), (old, "correction"),
                      (other.iin, "correction")):
        with pytest.raises(ValidationFailed) as info:
            services.change_iin(referral, new_iin=bad, reason_code=code, actor=coordinator)
        assert "new_iin" in info.value.fields
    with pytest.raises(ValidationFailed) as info:
        services.change_iin(referral, new_iin=valid_iin(BORN, "F"), reason_code="other", reason=" ",
                            actor=coordinator)
    assert set(info.value.fields) == {"reason"}
    assert referral.child.iin == old and iin_history(referral.child_id) == []


def test_an_adoption_iin_that_encodes_other_data_needs_confirming(case):
    referral, coordinator = case
    adopted = valid_iin(date(2025, 3, 1), "M")
    with pytest.raises(ValidationFailed) as info:
        services.change_iin(referral, new_iin=adopted, reason_code="adoption", actor=coordinator)
    assert len(info.value.fields["new_iin"]) == 3  # birth date, sex, and how to confirm
    services.change_iin(referral, new_iin=adopted, reason_code="adoption", actor=coordinator,
                        confirm_mismatch=True)
    assert referral.child.iin == adopted


def test_only_the_centers_coordinator(case):
    referral, _coordinator = case
    for actor in (user_for_role(Role.COORDINATOR, center=center("oral")), user_for_role(Role.ADMIN),
                  referral.pediatrician):
        with pytest.raises(Forbidden):
            services.change_iin(referral, new_iin=valid_iin(BORN, "F"), reason_code="correction", actor=actor)


def test_the_page(client, login_as, case):
    referral, coordinator = case
    login_as(coordinator)
    response = client.post(f"/referrals/{referral.id}/iin", data={"new_iin": "123", "reason_code": "correction"},
                           headers={"Accept-Language": "ru"})
    assert response.status_code == 422 and "12 цифр" in response.get_data(as_text=True)
    new = valid_iin(BORN, "F")
    response = client.post(f"/referrals/{referral.id}/iin", data={"new_iin": new, "reason_code": "correction"})
    assert response.status_code == 302
    page = client.get(f"/referrals/{referral.id}", headers={"Accept-Language": "kk"}).get_data(as_text=True)
    assert 'data-testid="iin-history"' in page and new in page


def test_the_pediatrician_sees_the_history_but_cannot_change_it(client, login_as, case):
    import re

    referral, coordinator = case
    new = valid_iin(BORN, "F")
    services.change_iin(referral, new_iin=new, reason_code="correction", actor=coordinator)
    pediatrician = login_as(referral.pediatrician)
    page = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert re.findall(r'class="who">([^<]*)<', page) == [f"{pediatrician.full_name} · {pediatrician.role_label}"]
    assert 'data-testid="iin-change"' not in page and 'data-testid="iin-history"' in page and new in page
    data = {"new_iin": valid_iin(BORN, "F"), "reason_code": "correction"}
    assert client.post(f"/referrals/{referral.id}/iin", data=data).status_code == 403
