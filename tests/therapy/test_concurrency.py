"""Twenty simultaneous bookings of one slot give exactly one session and nineteen clear refusals."""
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, time, timezone

import pytest
from sqlalchemy import delete, func, select

from eic.accounts.models import User
from eic.centers.models import Center, Polyclinic, Region, Room
from eic.extensions import db
from eic.referrals.models import Caregiver, Child, Referral
from eic.referrals.status import Status
from eic.therapy import services
from eic.therapy.models import TherapySession
from tests.factories.accounts import CoordinatorFactory, SpecialistFactory
from tests.factories.centers import CenterFactory, RoomFactory
from tests.factories.referrals import ReferralFactory

WORKERS = 20
NOW = datetime(2027, 1, 4, tzinfo=timezone.utc)


@pytest.mark.parametrize("shared", ["specialist", "room", "child"])
def test_twenty_simultaneous_bookings(app, shared):
    with app.app_context():
        center = CenterFactory()
        ids = {"center": center.id, "region": center.region_id,
               "coordinator": CoordinatorFactory(center=center).id,
               "specialists": [SpecialistFactory(center=center).id for _ in range(WORKERS)],
               "rooms": [RoomFactory(center=center).id for _ in range(WORKERS)],
               "referrals": [ReferralFactory(center=center, status=Status.ENROLLED).id for _ in range(WORKERS)]}
    barrier = threading.Barrier(WORKERS)

    def attempt(i):
        # Every worker wants the same time and shares only ``shared`` with the others.
        # Wait before touching the database: each worker's first query takes a connection (and on SQLite
        # the write lock), which the others would otherwise wait for at the barrier forever.
        barrier.wait(timeout=60)
        with app.app_context():
            try:
                specialist = db.session.get(User, ids["specialists"][0 if shared == "specialist" else i])
                room = db.session.get(Room, ids["rooms"][0 if shared == "room" else i])
                referral = db.session.get(Referral, ids["referrals"][0 if shared == "child" else i])
                services.book_series(center=db.session.get(Center, ids["center"]), specialist=specialist,
                                     referral=referral, room=room, start_on=date(2027, 9, 1), at=time(10),
                                     minutes=45, count=1, actor=db.session.get(User, ids["coordinator"]),
                                     now=NOW)
                db.session.commit()
                return "booked"
            except services.BookingClash:
                db.session.rollback()
                return "clash"
            finally:
                db.session.remove()

    try:
        with ThreadPoolExecutor(WORKERS) as pool:
            results = list(pool.map(attempt, range(WORKERS)))
        with app.app_context():
            booked = db.session.scalar(select(func.count()).select_from(TherapySession).where(
                TherapySession.center_id == ids["center"], TherapySession.is_active))
        assert sorted(results) == ["booked"] + ["clash"] * (WORKERS - 1)
        assert booked == 1
    finally:
        with app.app_context():
            db.session.execute(delete(TherapySession).where(TherapySession.center_id == ids["center"]))
            referrals = db.session.scalars(select(Referral).where(Referral.center_id == ids["center"])).all()
            child_ids = [r.child_id for r in referrals]
            pediatricians = [r.pediatrician_id for r in referrals]
            clinics = [db.session.get(User, p).polyclinic_id for p in pediatricians]
            db.session.execute(delete(Referral).where(Referral.center_id == ids["center"]))
            db.session.execute(delete(Caregiver).where(Caregiver.child_id.in_(child_ids)))
            db.session.execute(delete(Child).where(Child.id.in_(child_ids)))
            db.session.execute(delete(User).where(User.center_id == ids["center"]))
            db.session.execute(delete(User).where(User.id.in_(pediatricians)))
            regions = db.session.scalars(select(Polyclinic.region_id).where(Polyclinic.id.in_(clinics))).all()
            db.session.execute(delete(Polyclinic).where(Polyclinic.id.in_(clinics)))
            db.session.execute(delete(Room).where(Room.center_id == ids["center"]))
            db.session.execute(delete(Center).where(Center.id == ids["center"]))
            db.session.execute(delete(Region).where(Region.id.in_(regions + [ids["region"]])))
            db.session.commit()
