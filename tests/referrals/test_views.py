import re

from sqlalchemy import func, select

from eic.core.roles import Role
from eic.extensions import db
from eic.referrals import queries
from eic.referrals.models import Referral
from eic.referrals.status import Status
from tests.factories.referrals import ReferralFactory, payload


def form_data(**overrides):
    p = payload(**overrides)
    c, g = p["child"], p["caregiver"]
    return {
        "iin": c["iin"], "last_name": c["last_name"], "first_name": c["first_name"], "patronymic": c["patronymic"],
        "birth_date": c["birth_date"], "sex": c["sex"], "gestational_age_weeks": str(c["gestational_age_weeks"]),
        "birth_weight_g": str(c["birth_weight_g"]), "address": c["address"], "district": c["district"],
        "caregiver_full_name": g["full_name"], "caregiver_relation": g["relation"], "caregiver_phone": g["phone"],
        "caregiver_language": g["preferred_language"], "center_code": p["center_code"],
        "icd10_codes": ", ".join(p["icd10_codes"]), "risk_factors": p["risk_factors"], "notes": "",
        "consent_given_by": p["consent"]["given_by"], "consent_given_on": p["consent"]["given_on"],
    }


def referral_count():
    return db.session.scalar(select(func.count()).select_from(Referral))


def test_anonymous_is_sent_to_login(client):
    response = client.get("/referrals/new")
    assert response.status_code == 302 and "/login" in response.location


def test_other_roles_cannot_open_the_form(client, login_as):
    for role in (Role.COORDINATOR, Role.SPECIALIST, Role.FOUNDATION, Role.MINISTRY, Role.ADMIN):
        login_as(role)
        assert client.get("/referrals/new").status_code == 403


def test_form_defaults_to_the_regions_center(client, login_as):
    login_as(Role.PEDIATRICIAN)
    page = client.get("/referrals/new").get_data(as_text=True)
    assert '<option selected value="aktobe">' in page


def test_submit_creates_and_redirects(client, login_as):
    pediatrician = login_as(Role.PEDIATRICIAN)
    response = client.post("/referrals/new", data=form_data())
    assert response.status_code == 302
    referral = db.session.scalar(select(Referral))
    assert referral.pediatrician_id == pediatrician.id and referral.status is Status.SUBMITTED
    assert response.location.endswith(f"/referrals/{referral.id}")
    page = client.get(response.location).get_data(as_text=True)
    assert "Сынақов" in page


def test_bad_iin_in_kazakh_changes_nothing(client, login_as):
    login_as(Role.PEDIATRICIAN)
    client.post("/language", data={"lang": "kk"})
    response = client.post("/referrals/new", data=form_data(**{"child.iin": "123456789012"}))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "ЖСН-ның бақылау цифры қате" in page
    assert referral_count() == 0


def test_bad_phone_in_russian(client, login_as):
    login_as(Role.PEDIATRICIAN)
    client.post("/language", data={"lang": "ru"})
    page = client.post("/referrals/new", data=form_data(**{"caregiver.phone": "12345"})).get_data(as_text=True)
    assert "Введите правильный казахстанский номер" in page
    assert referral_count() == 0


def test_iin_mismatch_asks_for_confirmation_then_saves(client, login_as):
    login_as(Role.PEDIATRICIAN)
    data = form_data(**{"child.sex": "F"})
    page = client.post("/referrals/new", data=data).get_data(as_text=True)
    assert 'data-testid="warnings"' in page and referral_count() == 0
    response = client.post("/referrals/new", data=data | {"confirm_warnings": "y"})
    assert response.status_code == 302 and referral_count() == 1


def test_duplicate_on_the_form_links_to_the_existing_referral(client, login_as):
    login_as(Role.PEDIATRICIAN)
    data = form_data()
    client.post("/referrals/new", data=data)
    response = client.post("/referrals/new", data=data)
    assert response.status_code == 409
    existing = db.session.scalar(select(Referral))
    assert f"/referrals/{existing.id}" in response.get_data(as_text=True)
    assert referral_count() == 1


def test_the_same_form_sent_twice_finds_the_referral_it_made(client, login_as):
    """The answer to a submission was lost (a host stopped, the line dropped) and the form is sent again: the
    repeat finds the referral, stores nothing, and says so; a new form for the same child is a duplicate."""
    login_as(Role.PEDIATRICIAN)
    key = re.search(r'name="submission_key" type="hidden" value="([0-9a-f]{32})"',
                    client.get("/referrals/new").text).group(1)
    data = form_data() | {"submission_key": key}
    first = client.post("/referrals/new", data=data)
    again = client.post("/referrals/new", data=data, headers={"Accept-Language": "ru"}, follow_redirects=True)
    assert first.status_code == 302 and again.status_code == 200 and referral_count() == 1
    assert "Это направление уже было отправлено" in again.text
    assert again.request.path == first.location
    other = re.search(r'name="submission_key" type="hidden" value="([0-9a-f]{32})"',
                      client.get("/referrals/new").text).group(1)
    assert other != key
    assert client.post("/referrals/new", data=data | {"submission_key": other}).status_code == 409
    too_long = client.post("/referrals/new", data=data | {"submission_key": "k" * 65},
                           headers={"Accept-Language": "ru"})
    assert too_long.status_code == 200 and referral_count() == 1
    assert "Ключ отправки длиннее 64 символов." in too_long.text


def test_my_referrals_shows_only_mine(client, login_as):
    me = login_as(Role.PEDIATRICIAN)
    mine = ReferralFactory(pediatrician=me, status=Status.DECLINED, is_open=False, decision_reason="Too old")
    theirs = ReferralFactory()
    page = client.get("/referrals/mine").get_data(as_text=True)
    assert mine.child.full_name in page and "Too old" in page
    assert theirs.child.full_name not in page
    assert client.get(f"/referrals/{theirs.id}").status_code == 404
    assert client.get(f"/referrals/{mine.id}").status_code == 200
    assert client.get("/referrals/999999").status_code == 404


def test_center_list_is_scoped_and_searchable_in_kazakh(client, login_as):
    from tests.factories.centers import center
    from tests.factories.referrals import ChildFactory

    coordinator = login_as(Role.COORDINATOR)
    child = ChildFactory(last_name="Әлиханова", first_name="Інжу", search_name="әлиханова інжу")
    here = ReferralFactory(center=coordinator.center, child=child)
    elsewhere = ReferralFactory(center=center("oral"))
    page = client.get("/referrals?q=ӘЛИХАН").get_data(as_text=True)
    assert here.child.full_name in page
    assert elsewhere.child.full_name not in client.get("/referrals").get_data(as_text=True)
    assert client.get(f"/referrals/{elsewhere.id}").status_code == 404


def test_pediatrician_withdraws_with_a_reason_and_a_confirmation(client, login_as):
    me = login_as(Role.PEDIATRICIAN)
    referral = ReferralFactory(pediatrician=me)
    # One click used to withdraw, with no reason kept: now both are asked for, and nothing changes without them.
    for data, missing in (({"reason": "Moved"}, "Tick the box to confirm."),
                          ({"reason": "", "confirm": "y"}, "This field is required."),
                          ({"reason": "   ", "confirm": "y"}, "Give a reason.")):
        response = client.post(f"/referrals/{referral.id}/withdraw", data=data, headers={"Accept-Language": "en"})
        assert response.status_code in (302, 422) and (
            missing in response.get_data(as_text=True) or missing in flashed(client)), data
        db.session.refresh(referral)
        assert referral.status is Status.SUBMITTED, data
    response = client.post(f"/referrals/{referral.id}/withdraw", data={"reason": "Moved", "confirm": "y"})
    assert response.status_code == 302
    db.session.refresh(referral)
    assert referral.status is Status.WITHDRAWN
    assert queries.history(referral)[-1].reason == "Moved"


def flashed(client) -> str:
    with client.session_transaction() as s:
        return " ".join(str(m) for _c, m in s.get("_flashes", []))


def test_other_pediatrician_cannot_withdraw(client, login_as):
    referral = ReferralFactory()
    login_as(Role.PEDIATRICIAN)
    assert client.post(f"/referrals/{referral.id}/withdraw", data={"reason": "x"}).status_code == 404
    db.session.refresh(referral)
    assert referral.status is Status.SUBMITTED


def test_the_referral_letter_prints_in_the_familys_and_the_polyclinics_language(client, login_as):
    from tests.factories.referrals import ReferralDiagnosisFactory

    me = login_as(Role.PEDIATRICIAN)
    referral = ReferralFactory(pediatrician=me, caregiver__preferred_language="kk")
    ReferralDiagnosisFactory(referral_id=referral.id, code="G80.1")
    db.session.commit()
    detail = client.get(f"/referrals/{referral.id}", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert f"/referrals/{referral.id}/letter/kk" in detail and f"/referrals/{referral.id}/letter/ru" in detail
    russian = client.get(f"/referrals/{referral.id}/letter/ru").get_data(as_text=True)
    assert "Направление в центр раннего вмешательства" in russian and '<html lang="ru">' in russian
    assert referral.child.iin in russian and "G80.1 — " in russian and me.full_name in russian
    assert "Подпись педиатра" in russian
    kazakh = client.get(f"/referrals/{referral.id}/letter/kk").get_data(as_text=True)
    assert '<html lang="kk">' in kazakh and referral.child.full_name in kazakh
    assert client.get(f"/referrals/{referral.id}/letter/de").status_code == 404
    login_as(Role.PEDIATRICIAN)  # another pediatrician
    assert client.get(f"/referrals/{referral.id}/letter/ru").status_code == 404


def test_search_reads_percent_and_underscore_literally(client, login_as):
    """``q=%`` matched every child: the search's wildcards are escaped."""
    coordinator = login_as(Role.COORDINATOR)
    one = ReferralFactory(center=coordinator.center)
    for q in ("%", "_", "%%", "a_"):
        page = client.get(f"/referrals?q={q.replace('%', '%25')}").get_data(as_text=True)
        assert one.child.full_name not in page, q
    assert one.child.full_name in client.get(f"/referrals?q={one.child.last_name}").get_data(as_text=True)
