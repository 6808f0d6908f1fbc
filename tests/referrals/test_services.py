from datetime import timedelta

import pytest
from sqlalchemy import func, select

from eic.core.errors import Forbidden, InvalidTransition, ValidationFailed
from eic.core.roles import Role
from eic.extensions import db
from eic.notifications.models import Notification
from eic.referrals import services
from eic.referrals.models import Child, Referral, StatusChange
from eic.referrals.status import Status
from tests.factories.accounts import user_for_role
from tests.factories.referrals import payload


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def pediatrician(ctx):
    return user_for_role(Role.PEDIATRICIAN)


@pytest.fixture
def coordinator(ctx):
    return user_for_role(Role.COORDINATOR)


def test_submit_stores_child_caregiver_reasons_and_history(pediatrician, almaty_today):
    referral = services.submit_referral(payload(), actor=pediatrician)
    assert referral.status is Status.SUBMITTED and referral.is_open
    assert referral.referred_on == almaty_today
    assert referral.center.code == "aktobe"
    assert referral.caregiver.phone == "+77012345678"
    assert [d.code for d in referral.diagnoses] == ["G80.1"]
    assert [r.risk_factor.code for r in referral.risk_factors] == ["preterm_32_36w"]
    assert referral.child.search_name.startswith("сынақов әлихан")
    [change] = db.session.scalars(select(StatusChange).where(StatusChange.referral_id == referral.id)).all()
    assert change.from_status is None and change.to_status is Status.SUBMITTED and change.actor_id == pediatrician.id


def test_default_center_is_the_pediatricians_region(pediatrician):
    data = payload()
    del data["center_code"]
    assert services.submit_referral(data, actor=pediatrician).center.code == "aktobe"


def test_region_without_center_needs_a_center_code(ctx):
    from tests.factories.accounts import PediatricianFactory

    orphan = PediatricianFactory()  # a fresh test region with no center
    data = payload()
    del data["center_code"]
    with pytest.raises(ValidationFailed) as exc:
        services.submit_referral(data, actor=orphan)
    assert "center_code" in exc.value.fields


@pytest.mark.parametrize("field, value, key", [
    ("child.iin", "123", "child.iin"),
    ("child.birth_date", "2020-13-01", "child.birth_date"),
    ("child.sex", "X", "child.sex"),
    ("child.gestational_age_weeks", 21, "child.gestational_age_weeks"),
    ("child.gestational_age_weeks", "abc", "child.gestational_age_weeks"),
    ("child.birth_weight_g", 6001, "child.birth_weight_g"),
    ("caregiver.phone", "+7 495 123 45 67", "caregiver.phone"),
    ("caregiver.relation", "aunt", "caregiver.relation"),
    ("caregiver.preferred_language", "de", "caregiver.preferred_language"),
    ("center_code", "nowhere", "center_code"),
    ("icd10_codes", ["F80.81"], "icd10_codes"),
    ("risk_factors", ["made_up"], "risk_factors"),
    ("consent.given_on", "", "consent.given_on"),
    ("consent.given_by", "", "consent.given_by"),
    ("child.last_name", "   ", "child.last_name"),
])
def test_bad_input_is_refused_and_nothing_is_stored(pediatrician, field, value, key):
    before = count(Referral), count(Child)
    with pytest.raises(ValidationFailed) as exc:
        services.submit_referral(payload(**{field: value}), actor=pediatrician)
    assert key in exc.value.fields
    assert all(str(m) for m in exc.value.fields[key])
    assert (count(Referral), count(Child)) == before


def test_every_problem_is_reported_at_once(pediatrician):
    with pytest.raises(ValidationFailed) as exc:
        services.submit_referral({"child": {}, "caregiver": {}}, actor=pediatrician)
    assert {"child.iin", "child.last_name", "child.birth_date", "child.sex", "caregiver.phone",
            "consent.given_on", "icd10_codes"} <= set(exc.value.fields)


def test_at_least_one_reason(pediatrician):
    with pytest.raises(ValidationFailed) as exc:
        services.submit_referral(payload(icd10_codes=[], risk_factors=[]), actor=pediatrician)
    assert "icd10_codes" in exc.value.fields


def test_child_aged_three_on_referral_date_is_refused(pediatrician, almaty_today):
    born = almaty_today.replace(year=almaty_today.year - 3) if not (almaty_today.month == 2 and
                                                                    almaty_today.day == 29) else None
    if born is None:
        pytest.skip("29 February")
    from tests.factories.referrals import valid_iin

    data = payload(**{"child.birth_date": born.isoformat(), "child.iin": valid_iin(born, "M")})
    with pytest.raises(ValidationFailed) as exc:
        services.submit_referral(data, actor=pediatrician)
    assert "child.birth_date" in exc.value.fields


def test_future_birth_date_is_refused(pediatrician, almaty_today):
    with pytest.raises(ValidationFailed) as exc:
        services.submit_referral(payload(**{"child.birth_date": (almaty_today + timedelta(days=1)).isoformat()}),
                                 actor=pediatrician)
    assert "future" in str(exc.value.fields["child.birth_date"][0])


def test_iin_mismatch_is_a_warning_to_confirm_on_the_form(pediatrician):
    data = payload(**{"child.sex": "F"})  # the IIN encodes a boy
    with pytest.raises(services.NeedsConfirmation) as exc:
        services.submit_referral(data, actor=pediatrician, confirm_warnings=False)
    assert "child.sex" in exc.value.fields
    assert count(Referral) == 0
    referral = services.submit_referral(data, actor=pediatrician, confirm_warnings=False or True)
    assert [w["code"] for w in referral.warnings] == ["iin_sex_mismatch"]


def test_birth_date_mismatch_warning(pediatrician, almaty_today):
    other_day = (almaty_today - timedelta(days=300)).isoformat()
    referral = services.submit_referral(payload(**{"child.birth_date": other_day}), actor=pediatrician)
    assert [w["code"] for w in referral.warnings] == ["iin_birth_date_mismatch"]


def test_second_open_referral_is_refused_with_the_existing_id(pediatrician):
    data = payload()
    first = services.submit_referral(data, actor=pediatrician)
    with pytest.raises(services.DuplicateReferral) as exc:
        services.submit_referral(data, actor=pediatrician)
    assert exc.value.extra["existing_id"] == first.id
    assert count(Referral) == 1


def test_duplicate_hides_the_id_from_someone_who_cannot_see_it(pediatrician):
    data = payload()
    services.submit_referral(data, actor=pediatrician)
    other = user_for_role(Role.PEDIATRICIAN)
    with pytest.raises(services.DuplicateReferral) as exc:
        services.submit_referral(data, actor=other)
    assert exc.value.extra["existing_id"] is None


def test_child_can_be_referred_again_after_closure(pediatrician, coordinator):
    data = payload()
    first = services.submit_referral(data, actor=pediatrician)
    services.transition(first, to="declined", actor=coordinator, reason="not eligible")
    second = services.submit_referral(data, actor=pediatrician)
    assert second.child_id == first.child_id and second.id != first.id
    assert count(Child) == 1


def test_database_refuses_two_open_referrals_for_one_child(pediatrician):
    from sqlalchemy.exc import IntegrityError

    from tests.factories.referrals import ReferralFactory

    first = ReferralFactory()
    second = Referral(child_id=first.child_id, caregiver_id=first.caregiver_id, center_id=first.center_id,
                      pediatrician_id=first.pediatrician_id, referred_on=first.referred_on, is_open=True,
                      consent_given_by="x", consent_given_on=first.referred_on)
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.add(second)
            db.session.flush()


def test_only_pediatricians_submit(coordinator):
    with pytest.raises(Forbidden):
        services.submit_referral(payload(), actor=coordinator)


def test_status_machine_refuses_invalid_transitions(pediatrician, coordinator):
    referral = services.submit_referral(payload(), actor=pediatrician)
    with pytest.raises(InvalidTransition):
        services.transition(referral, to="enrolled", actor=coordinator)
    with pytest.raises(InvalidTransition):
        services.transition(referral, to="closed", actor=coordinator)
    services.transition(referral, to="accepted", actor=coordinator)
    with pytest.raises(InvalidTransition):
        services.transition(referral, to="accepted", actor=coordinator)
    with pytest.raises(InvalidTransition):
        services.transition(referral, to="declined", actor=coordinator, reason="x")
    with pytest.raises(ValidationFailed):
        services.transition(referral, to="flying", actor=coordinator)


def test_decline_needs_a_reason_and_notifies_the_pediatrician(pediatrician, coordinator, almaty_today):
    referral = services.submit_referral(payload(), actor=pediatrician)
    with pytest.raises(ValidationFailed):
        services.transition(referral, to="declined", actor=coordinator, reason="  ")
    services.transition(referral, to="declined", actor=coordinator, reason="Older than 3",
                        reason_code="not_eligible_age")
    assert referral.status is Status.DECLINED and not referral.is_open and referral.ended_on == almaty_today
    assert referral.decision_reason == "Older than 3"
    note = db.session.scalar(select(Notification).where(Notification.user_id == pediatrician.id))
    assert note.kind == "referral_declined" and note.params["reason"] == "Older than 3"


def test_redirect_keeps_the_referral_date_and_moves_the_case(pediatrician, coordinator, almaty_today):
    ten_days_ago = (almaty_today - timedelta(days=10)).isoformat()
    referral = services.submit_referral(payload(**{"consent.given_on": ten_days_ago}), actor=pediatrician,
                                        today=almaty_today - timedelta(days=10))
    new = services.transition(referral, to="redirected", actor=coordinator, reason="Family moved",
                              center_code="oral")
    assert referral.status is Status.REDIRECTED and not referral.is_open
    assert new.center.code == "oral" and new.status is Status.SUBMITTED and new.is_open
    assert new.referred_on == almaty_today - timedelta(days=10)
    assert new.redirected_from_id == referral.id and new.pediatrician_id == pediatrician.id
    assert [d.code for d in new.diagnoses] == ["G80.1"]
    change = referral.history[-1]
    assert change.to_status is Status.REDIRECTED and change.new_referral_id == new.id


def test_redirect_needs_another_active_center(pediatrician, coordinator):
    referral = services.submit_referral(payload(), actor=pediatrician)
    for code in (None, "nowhere", "aktobe"):
        with pytest.raises(ValidationFailed):
            services.transition(referral, to="redirected", actor=coordinator, reason="x", center_code=code)
    assert referral.status is Status.SUBMITTED


def test_other_centers_coordinator_cannot_act(pediatrician):
    referral = services.submit_referral(payload(), actor=pediatrician)
    stranger = user_for_role(Role.COORDINATOR, center_code="oral")
    with pytest.raises(Forbidden):
        services.transition(referral, to="accepted", actor=stranger)


def test_pediatrician_may_only_withdraw(pediatrician):
    referral = services.submit_referral(payload(), actor=pediatrician)
    with pytest.raises(Forbidden):
        services.transition(referral, to="accepted", actor=pediatrician)
    services.transition(referral, to="withdrawn", actor=pediatrician, reason="Family moved abroad")
    assert referral.status is Status.WITHDRAWN and not referral.is_open
