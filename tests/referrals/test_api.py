from sqlalchemy import func, select

from eic.core.roles import Role
from eic.extensions import db
from eic.referrals.models import Referral
from eic.referrals.status import Status
from tests.factories.accounts import user_for_role
from tests.factories.referrals import ReferralFactory, payload


def test_no_token_is_401_in_the_error_shape(api):
    response = api.get("/api/v1/referrals")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"


def test_bad_token_is_401(api):
    api.token = "nonsense"
    assert api.get("/api/v1/referrals").status_code == 401


def test_create_201_with_warnings(api, session):
    pediatrician = user_for_role(Role.PEDIATRICIAN)
    response = api.as_user(pediatrician).post("/api/v1/referrals", json=payload(**{"child.sex": "F"}))
    assert response.status_code == 201, response.json
    body = response.json
    assert body["status"] == "submitted" and body["center_code"] == "aktobe"
    assert body["child"]["birth_date"] == payload()["child"]["birth_date"]
    assert body["caregiver"]["phone"] == "+77012345678"
    assert [w["code"] for w in body["warnings"]] == ["iin_sex_mismatch"]
    assert body["icd10_codes"] == ["G80.1"] and body["risk_factors"] == ["preterm_32_36w"]


def test_create_422_names_each_field_in_the_callers_language(api):
    pediatrician = user_for_role(Role.PEDIATRICIAN)
    response = api.as_user(pediatrician).post(
        "/api/v1/referrals", json=payload(**{"child.iin": "12", "caregiver.phone": "1", "icd10_codes": ["F80.81"]}),
        lang="ru")
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "validation_failed"
    assert set(error["fields"]) >= {"child.iin", "caregiver.phone", "icd10_codes"}
    assert error["fields"]["child.iin"] == ["ИИН должен состоять ровно из 12 цифр."]
    assert db.session.scalar(select(func.count()).select_from(Referral)) == 0


def test_create_needs_json(api):
    pediatrician = user_for_role(Role.PEDIATRICIAN)
    api.as_user(pediatrician)
    from flask import json  # noqa: F401

    response = api.post("/api/v1/referrals", json=None)
    assert response.status_code == 415
    assert response.json["error"]["code"] == "unsupported_media_type"


def test_create_with_a_list_body_is_400(api):
    api.as_user(user_for_role(Role.PEDIATRICIAN))
    assert api.post("/api/v1/referrals", json=[1, 2]).status_code == 400


def test_duplicate_is_409_with_existing_id(api):
    pediatrician = user_for_role(Role.PEDIATRICIAN)
    api.as_user(pediatrician)
    data = payload()
    first = api.post("/api/v1/referrals", json=data).json
    response = api.post("/api/v1/referrals", json=data)
    assert response.status_code == 409
    assert response.json["error"]["code"] == "duplicate_referral"
    assert response.json["error"]["existing_id"] == first["id"]


def test_a_repeat_with_the_same_idempotency_key_answers_the_first_referral(api, client):
    pediatrician = user_for_role(Role.PEDIATRICIAN)
    token = api.as_user(pediatrician).token
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "0f8c1e52-7a9b-4c8e-9f0d-1b2c3d4e5f60"}
    first = client.post("/api/v1/referrals", json=payload(), headers=headers)
    again = client.post("/api/v1/referrals", json=payload(), headers=headers)
    assert first.status_code == 201 and again.status_code == 200 and again.json["id"] == first.json["id"]
    assert db.session.scalar(select(func.count()).select_from(Referral)) == 1
    # The key is the caller's own: another pediatrician's same key does not reach the referral.
    other = {"Authorization": f"Bearer {api.as_user(user_for_role(Role.PEDIATRICIAN)).token}",
             "Idempotency-Key": headers["Idempotency-Key"]}
    assert client.post("/api/v1/referrals", json=payload(), headers=other).status_code == 409
    long_key = headers | {"Idempotency-Key": "k" * 65}
    refused = client.post("/api/v1/referrals", json=payload(), headers=long_key)
    assert refused.status_code == 422 and "submission_key" in refused.json["error"]["fields"]
    assert db.session.scalar(select(func.count()).select_from(Referral)) == 1


def test_duplicate_hides_existing_id_from_another_pediatrician(api):
    data = payload()
    api.as_user(user_for_role(Role.PEDIATRICIAN)).post("/api/v1/referrals", json=data)
    response = api.as_user(user_for_role(Role.PEDIATRICIAN)).post("/api/v1/referrals", json=data)
    assert response.status_code == 409 and "existing_id" not in response.json["error"]


def test_wrong_roles_get_403(api):
    for role in (Role.FOUNDATION, Role.MINISTRY, Role.ADMIN):
        api.as_user(user_for_role(role))
        assert api.get("/api/v1/referrals").status_code == 403
        assert api.post("/api/v1/referrals", json=payload()).status_code == 403
    api.as_user(user_for_role(Role.COORDINATOR))
    assert api.post("/api/v1/referrals", json=payload()).status_code == 403


def test_read_and_list_are_scoped(api):
    me = user_for_role(Role.PEDIATRICIAN)
    mine = ReferralFactory(pediatrician=me)
    theirs = ReferralFactory()
    api.as_user(me)
    assert api.get(f"/api/v1/referrals/{mine.id}").status_code == 200
    assert api.get(f"/api/v1/referrals/{theirs.id}").status_code == 404
    assert api.get("/api/v1/referrals/999999").status_code == 404
    listing = api.get("/api/v1/referrals").json
    assert [r["id"] for r in listing["items"]] == [mine.id] and listing["total"] == 1


def test_list_filters_and_paginates(api, app):
    coordinator = user_for_role(Role.COORDINATOR)
    for _ in range(app.config["EIC_PAGE_SIZE"] + 2):
        ReferralFactory(center=coordinator.center)
    ReferralFactory(center=coordinator.center, status=Status.DECLINED, is_open=False)
    api.as_user(coordinator)
    page1 = api.get("/api/v1/referrals?status=submitted").json
    assert page1["total"] == app.config["EIC_PAGE_SIZE"] + 2 and page1["pages"] == 2
    page2 = api.get("/api/v1/referrals?status=submitted&page=2").json
    assert len(page2["items"]) == 2
    assert api.get("/api/v1/referrals?status=declined").json["total"] == 1


def test_transitions(api):
    coordinator = user_for_role(Role.COORDINATOR)
    referral = ReferralFactory(center=coordinator.center)
    api.as_user(coordinator)
    url = f"/api/v1/referrals/{referral.id}/transitions"
    assert api.post(url, json={"to": "enrolled"}).status_code == 409
    bad = api.post(url, json={"to": "closed"})
    assert bad.status_code == 409 and bad.json["error"]["code"] == "invalid_transition"
    assert api.post(url, json={"to": "declined"}).json["error"]["fields"]["reason"]
    response = api.post(url, json={"to": "accepted"})
    assert response.status_code == 200 and response.json["status"] == "accepted"
    assert [h["to"] for h in response.json["history"]] == ["accepted"]


def test_redirect_through_the_api(api):
    coordinator = user_for_role(Role.COORDINATOR)
    referral = ReferralFactory(center=coordinator.center)
    api.as_user(coordinator)
    response = api.post(f"/api/v1/referrals/{referral.id}/transitions",
                        json={"to": "redirected", "reason": "Moved", "center_code": "oral"})
    assert response.status_code == 200
    assert response.json["status"] == "redirected" and response.json["redirected_to_id"]


def test_other_centers_referral_is_404_for_transitions(api):
    referral = ReferralFactory()
    api.as_user(user_for_role(Role.COORDINATOR))
    assert api.post(f"/api/v1/referrals/{referral.id}/transitions", json={"to": "accepted"}).status_code == 404


def test_centers_list(api):
    api.as_user(user_for_role(Role.MINISTRY))
    items = api.get("/api/v1/centers").json["items"]
    assert {"aktobe", "almaty", "oral"} <= {c["code"] for c in items}
    aktobe = next(c for c in items if c["code"] == "aktobe")
    assert aktobe["region_iso"] == "KZ-15" and aktobe["city"]["kk"] == "Ақтөбе"


def test_unknown_api_path_is_json_404(api):
    response = api.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"


def test_openapi_document_is_valid_and_complete(client):
    from openapi_spec_validator import validate

    doc = client.get("/api/v1/openapi.json").json
    validate(doc)
    paths = doc["paths"]
    assert {"/api/v1/referrals", "/api/v1/referrals/{referral_id}", "/api/v1/referrals/{referral_id}/transitions",
            "/api/v1/centers"} <= set(paths)
    create = doc["components"]["schemas"]["ReferralCreate"]
    assert {"child", "caregiver", "center_code", "icd10_codes", "risk_factors", "notes", "consent"} <= set(
        create["properties"])
    assert "409" in paths["/api/v1/referrals"]["post"]["responses"]
