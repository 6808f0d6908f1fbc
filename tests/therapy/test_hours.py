from datetime import date, time

from sqlalchemy import select

from eic.core.roles import Role
from eic.extensions import db
from eic.therapy.models import Absence, Closure, OpeningHours, WorkingHours
from tests.factories.accounts import SpecialistFactory


def test_coordinator_sets_hours_closures_and_absences(client, login_as):
    coordinator = login_as(Role.COORDINATOR)
    specialist = SpecialistFactory(center=coordinator.center)
    assert client.get("/therapy/hours").status_code == 200
    client.post("/therapy/hours/opening", data={"opening-start_0": "08:00", "opening-end_0": "19:00",
                                                "opening-start_5": "10:00", "opening-end_5": "14:00"})
    rows = db.session.scalars(select(OpeningHours).where(OpeningHours.center_id == coordinator.center_id)).all()
    assert {(r.weekday, r.opens, r.closes) for r in rows} == {(0, time(8), time(19)), (5, time(10), time(14))}
    bad = client.post("/therapy/hours/opening", data={"opening-start_0": "19:00", "opening-end_0": "08:00"},
                      headers={"Accept-Language": "en"}, follow_redirects=True)
    assert "The start must be before the end." in bad.get_data(as_text=True)
    assert len(db.session.scalars(select(OpeningHours).where(
        OpeningHours.center_id == coordinator.center_id)).all()) == 2  # nothing changed
    client.post(f"/therapy/hours/specialists/{specialist.id}",
                data={"working-start_2": "14:00", "working-end_2": "18:00"})
    assert [(w.weekday, w.starts) for w in db.session.scalars(select(WorkingHours).where(
        WorkingHours.user_id == specialist.id))] == [(2, time(14))]
    client.post("/therapy/hours/closures", data={"on": "2027-09-15", "reason": "Sanitary day"})
    assert db.session.scalar(select(Closure.on)) == date(2027, 9, 15)
    client.post("/therapy/hours/absences", data={"specialist": str(specialist.id), "starts_on": "2027-09-10",
                                                 "ends_on": "2027-09-01", "kind": "leave"})
    assert db.session.scalar(select(Absence)) is None
    client.post("/therapy/hours/absences", data={"specialist": str(specialist.id), "starts_on": "2027-09-01",
                                                 "ends_on": "2027-09-10", "kind": "sick"})
    assert db.session.scalar(select(Absence.kind)) == "sick"


def test_other_centers_specialists_are_404(client, login_as):
    login_as(Role.COORDINATOR)
    stranger = SpecialistFactory()
    assert client.post(f"/therapy/hours/specialists/{stranger.id}", data={}).status_code == 404
    assert client.post("/therapy/hours/absences", data={"specialist": str(stranger.id), "starts_on": "2027-09-01",
                                                        "ends_on": "2027-09-02", "kind": "leave"}).status_code == 404
