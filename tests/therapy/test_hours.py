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


def test_an_absence_over_booked_sessions_lists_them_and_settles_each_in_one_step(client, login_as):
    """A vacation of 14-18 December left the 14 December session booked. Now the absence is not saved until the
    coordinator has decided, for each session inside it, to move it (to a proposed free slot: the same specialist
    first, then a colleague of the same discipline) or to cancel it; the family is told; nothing stays inside."""
    import re
    from datetime import timedelta

    from eic.notifications.models import OutboxMessage
    from eic.referrals.status import Status
    from eic.therapy import services
    from eic.therapy.models import TherapySession
    from tests.factories.centers import RoomFactory
    from tests.factories.referrals import ConsentFactory, ReferralFactory
    from tests.therapy.test_views import next_clean_wednesday

    coordinator = login_as(Role.COORDINATOR)
    specialist = SpecialistFactory(center=coordinator.center)
    colleague = SpecialistFactory(center=coordinator.center, discipline=specialist.discipline)
    first = next_clean_wednesday()
    referrals = [ReferralFactory(center=coordinator.center, status=Status.ENROLLED,
                                 caregiver__preferred_language=lang) for lang in ("ru", "kk")]
    for r in referrals:  # the families agreed to text messages
        ConsentFactory(child_id=r.child_id, kind="sms")
    series = [services.book_series(center=coordinator.center, specialist=specialist, referral=r,
                                   room=RoomFactory(center=coordinator.center), start_on=first, at=at, minutes=45,
                                   weekdays=[2], count=3, actor=coordinator)
              for r, at in zip(referrals, (time(10), time(12)))]
    db.session.commit()
    absence = {"specialist": str(specialist.id), "starts_on": (first + timedelta(days=7)).isoformat(),
               "ends_on": (first + timedelta(days=9)).isoformat(), "kind": "leave"}
    page = client.post("/therapy/hours/absences", data=absence, headers={"Accept-Language": "en"})
    html = page.get_data(as_text=True)
    assert page.status_code == 409 and db.session.scalar(select(Absence)) is None  # nothing saved yet
    inside = [series[0][1], series[1][1]]
    for session in inside:
        assert f'data-testid="affected-{session.id}"' in html
    slots = dict(re.findall(r'name="slot-(\d+)" value="([^"]+)"', html))
    assert set(slots) == {str(s.id) for s in inside}
    # Deciding nothing for one session saves nothing at all.
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))
    hidden.pop("csrf_token", None)
    partial = hidden | {f"decision-{inside[0].id}": "move"}
    client.post("/therapy/hours/absences", data=partial)
    assert db.session.scalar(select(Absence)) is None
    decided = hidden | {f"decision-{inside[0].id}": "move", f"decision-{inside[1].id}": "cancel",
                        "cancel_reason": "Отпуск специалиста"}
    response = client.post("/therapy/hours/absences", data=decided)
    assert response.status_code == 302 and db.session.scalar(select(Absence.kind)) == "leave"
    moved, cancelled = (db.session.get(TherapySession, s.id) for s in inside)
    db.session.refresh(moved)
    db.session.refresh(cancelled)
    assert moved.is_active and not cancelled.is_active and cancelled.cancel_reason == "Отпуск специалиста"
    specialist_id, on, _at = slots[str(moved.id)].split("|")
    assert int(specialist_id) in (specialist.id, colleague.id) and moved.specialist_id == int(specialist_id)
    leave = (first + timedelta(days=7), first + timedelta(days=9))
    still_inside = db.session.scalars(select(TherapySession).where(
        TherapySession.specialist_id == specialist.id, TherapySession.is_active.is_(True))).all()
    assert not [s for s in still_inside if leave[0] <= s.starts_at.date() <= leave[1]]
    kinds = {m.kind for m in db.session.scalars(select(OutboxMessage))}
    assert kinds == {"session_moved", "session_cancelled"}
    # With nothing booked inside, an absence is saved at once.
    client.post("/therapy/hours/absences", data=absence | {"starts_on": (first + timedelta(days=40)).isoformat(),
                                                           "ends_on": (first + timedelta(days=41)).isoformat()})
    assert len(db.session.scalars(select(Absence)).all()) == 2


def test_the_week_marks_a_session_the_calendar_no_longer_allows(client, login_as):
    from datetime import timedelta

    from eic.referrals.status import Status
    from eic.therapy import services
    from tests.factories.centers import RoomFactory
    from tests.factories.referrals import ReferralFactory
    from tests.therapy.test_views import next_clean_wednesday

    coordinator = login_as(Role.COORDINATOR)
    specialist = SpecialistFactory(center=coordinator.center)
    day = next_clean_wednesday()
    (session,) = services.book_series(center=coordinator.center, specialist=specialist,
                                      referral=ReferralFactory(center=coordinator.center, status=Status.ENROLLED),
                                      room=RoomFactory(center=coordinator.center), start_on=day, at=time(10),
                                      minutes=45, count=1, actor=coordinator)
    # An absence recorded around the page (the API, an import): the week still shows the conflict.
    db.session.add(Absence(user_id=specialist.id, starts_on=day, ends_on=day + timedelta(days=1), kind="sick"))
    db.session.commit()
    week = client.get(f"/therapy/week?start={day.isoformat()}", headers={"Accept-Language": "en"})
    assert f'data-testid="conflict-{session.id}"' in week.get_data(as_text=True)
    assert "The specialist is absent" in week.get_data(as_text=True)
