"""Simultaneous submissions for one child give exactly one referral: the database decides, not a prior check."""
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import delete, select

from eic.accounts.models import ApiToken, User
from eic.accounts.services import create_user, hash_password, issue_token
from eic.centers.queries import center_by_code, polyclinic_by_name
from eic.core.roles import Role
from eic.extensions import db
from eic.notifications.models import Notification
from eic.referrals.models import (Caregiver, Child, Consent, Referral, ReferralDiagnosis, ReferralRiskFactor,
                                  StatusChange)
from tests.factories.referrals import payload

WORKERS = 8


def remove_race_data(user_ids, clinic_id):
    """These tests commit for real (threads need their own transactions): take away what they made."""
    ids = db.session.scalars(select(Referral.id).where(Referral.pediatrician_id.in_(user_ids))).all()
    child_ids = db.session.scalars(select(Referral.child_id).where(Referral.id.in_(ids))).all()
    for model in (StatusChange, ReferralDiagnosis, ReferralRiskFactor, Consent):
        db.session.execute(delete(model).where(model.referral_id.in_(ids)))
    db.session.execute(delete(Notification).where(Notification.user_id.in_(user_ids)))
    db.session.execute(delete(Referral).where(Referral.id.in_(ids)))
    db.session.execute(delete(Caregiver).where(Caregiver.child_id.in_(child_ids)))
    db.session.execute(delete(Child).where(Child.id.in_(child_ids)))
    db.session.execute(delete(ApiToken).where(ApiToken.user_id.in_(user_ids)))
    db.session.execute(delete(User).where(User.id.in_(user_ids)))
    db.session.execute(db.text("DELETE FROM polyclinics WHERE id = :id"), {"id": clinic_id})
    db.session.commit()


def racing_pediatrician(app, name, clinic_name):
    """A pediatrician committed for real, with a token: (token, user id, polyclinic id) for ``remove_race_data``."""
    with app.app_context():
        clinic = polyclinic_by_name(clinic_name, create_in=center_by_code("aktobe").region)
        user = create_user(email=f"{name}@test.eic", full_name=name.title(), role=Role.PEDIATRICIAN, password=None,
                           hashed_password=hash_password("not-used-here"), polyclinic=clinic)
        token = issue_token(user)
        db.session.commit()
        return token, user.id, clinic.id


def test_simultaneous_submissions_make_one_referral(app):
    token, user_id, clinic_id = racing_pediatrician(app, "race", "Concurrency test polyclinic")
    data = payload()
    barrier = threading.Barrier(WORKERS)

    def submit(_):
        client = app.test_client()
        barrier.wait()
        response = client.post("/api/v1/referrals", json=data, headers={"Authorization": f"Bearer {token}"})
        return response.status_code, response.get_json()

    try:
        with ThreadPoolExecutor(WORKERS) as pool:
            results = list(pool.map(submit, range(WORKERS)))
        statuses = sorted(code for code, _ in results)
        assert statuses == [201] + [409] * (WORKERS - 1), results
        created = next(body["id"] for code, body in results if code == 201)
        assert {body["error"]["existing_id"] for code, body in results if code == 409} == {created}
        with app.app_context():
            assert len(db.session.scalars(select(Referral).join(Child).where(
                Child.iin == data["child"]["iin"])).all()) == 1
    finally:
        with app.app_context():
            remove_race_data([user_id], clinic_id)


def test_simultaneous_repeats_of_one_submission_answer_the_same_referral(app):
    """The same submission sent at once by several clients (a retrying integration): the database's unique
    indexes refuse all but one, and each of the others is decided again and answered with that one (200)."""
    token, user_id, clinic_id = racing_pediatrician(app, "repeat-race", "Repeat race polyclinic")
    data = payload()
    barrier = threading.Barrier(WORKERS)
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "repeat-race-key"}

    def submit(_):
        client = app.test_client()
        barrier.wait()
        response = client.post("/api/v1/referrals", json=data, headers=headers)
        return response.status_code, response.get_json()

    try:
        with ThreadPoolExecutor(WORKERS) as pool:
            results = list(pool.map(submit, range(WORKERS)))
        statuses = sorted(code for code, _ in results)
        assert statuses == [200] * (WORKERS - 1) + [201], [(code, body.get("error")) for code, body in results]
        assert len({body["id"] for _code, body in results}) == 1
    finally:
        with app.app_context():
            remove_race_data([user_id], clinic_id)


DECIDERS = 6


def test_simultaneous_decisions_on_one_referral_let_exactly_one_win(app):
    """Six simultaneous accept/decline clicks on PostgreSQL recorded three transitions out of "submitted" and told
    the pediatrician each one. The row is now locked for the decision: one wins, the others hear that the referral
    changed meanwhile, and the pediatrician is told once."""
    from eic.referrals.models import Referral as ReferralModel

    with app.app_context():
        center = center_by_code("aktobe")
        clinic = polyclinic_by_name("Decision race polyclinic", create_in=center.region)
        hashed = hash_password("not-used-here")
        pediatrician = create_user(email="race-ped@test.eic", full_name="Race P", role=Role.PEDIATRICIAN,
                                   password=None, hashed_password=hashed, polyclinic=clinic)
        coordinator = create_user(email="race-coord@test.eic", full_name="Race C", role=Role.COORDINATOR,
                                  password=None, hashed_password=hashed, center=center)
        pediatrician_token, token = issue_token(pediatrician), issue_token(coordinator)
        db.session.commit()
        user_ids, clinic_id = [pediatrician.id, coordinator.id], clinic.id
    created = app.test_client().post("/api/v1/referrals", json=payload(),
                                     headers={"Authorization": f"Bearer {pediatrician_token}"})
    referral_id = created.get_json()["id"]
    decisions = [{"to": "accepted"} if n % 2 else {"to": "declined", "reason_code": "family_declined",
                                                   "reason": "Семья отказалась"} for n in range(DECIDERS)]
    barrier = threading.Barrier(DECIDERS)

    def decide(n):
        client = app.test_client()
        barrier.wait()
        response = client.post(f"/api/v1/referrals/{referral_id}/transitions", json=decisions[n],
                               headers={"Authorization": f"Bearer {token}"})
        return response.status_code, response.get_json()

    try:
        with ThreadPoolExecutor(DECIDERS) as pool:
            results = list(pool.map(decide, range(DECIDERS)))
        codes = sorted(code for code, _ in results)
        assert codes == [200] + [409] * (DECIDERS - 1), results
        with app.app_context():
            changes = db.session.scalars(select(StatusChange).where(StatusChange.referral_id == referral_id)
                                         .order_by(StatusChange.id)).all()
            assert [c.from_status for c in changes].count("submitted") == 1, [(c.from_status, c.to_status)
                                                                              for c in changes]
            told = db.session.scalars(select(Notification).where(Notification.user_id == user_ids[0],
                                                                 Notification.subject_id == referral_id)).all()
            assert len(told) == 1
            assert db.session.get(ReferralModel, referral_id).status.value in ("accepted", "declined")
    finally:
        with app.app_context():
            remove_race_data(user_ids, clinic_id)
