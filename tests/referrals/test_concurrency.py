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
from eic.referrals.models import Caregiver, Child, Referral, ReferralDiagnosis, ReferralRiskFactor, StatusChange
from tests.factories.referrals import payload

WORKERS = 8


def test_simultaneous_submissions_make_one_referral(app):
    with app.app_context():
        clinic = polyclinic_by_name("Concurrency test polyclinic", create_in=center_by_code("aktobe").region)
        user = create_user(email="race@test.eic", full_name="Race", role=Role.PEDIATRICIAN, password=None,
                           hashed_password=hash_password("not-used-here"), polyclinic=clinic)
        token = issue_token(user)
        db.session.commit()
        user_id, clinic_id = user.id, clinic.id
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
            ids = db.session.scalars(select(Referral.id).where(Referral.pediatrician_id == user_id)).all()
            child_ids = db.session.scalars(select(Child.id).where(Child.iin == data["child"]["iin"])).all()
            for model in (StatusChange, ReferralDiagnosis, ReferralRiskFactor):
                db.session.execute(delete(model).where(model.referral_id.in_(ids)))
            db.session.execute(delete(Notification).where(Notification.user_id == user_id))
            db.session.execute(delete(Referral).where(Referral.id.in_(ids)))
            db.session.execute(delete(Caregiver).where(Caregiver.child_id.in_(child_ids)))
            db.session.execute(delete(Child).where(Child.id.in_(child_ids)))
            db.session.execute(delete(ApiToken).where(ApiToken.user_id == user_id))
            db.session.execute(delete(User).where(User.id == user_id))
            db.session.execute(db.text("DELETE FROM polyclinics WHERE id = :id"), {"id": clinic_id})
            db.session.commit()
