from datetime import date, datetime, time, timedelta

import pytest

from eic.core.roles import Role
from eic.referrals.status import Status
from eic.therapy import services
from tests.factories.accounts import SpecialistFactory, user_for_role
from tests.factories.centers import CenterFactory, RoomFactory
from tests.factories.intake import TeamMemberFactory
from tests.factories.referrals import ReferralFactory

FUTURE = date.today() + timedelta(days=400)
START = FUTURE + timedelta(days=(2 - FUTURE.weekday()) % 7)  # a Wednesday far enough ahead


def clean_start():
    day = START
    from eic.core.timeutil import holiday_name

    while any(holiday_name(day + timedelta(weeks=n)) for n in range(4)):
        day += timedelta(weeks=1)
    return day


@pytest.fixture
def world(session):
    center = CenterFactory()
    data = dict(center=center, coordinator=user_for_role(Role.COORDINATOR, center=center),
                specialist=SpecialistFactory(center=center), room=RoomFactory(center=center),
                referral=ReferralFactory(center=center, status=Status.ENROLLED), start=clean_start())
    # The specialist is on the child's team (need to know).
    TeamMemberFactory(referral_id=data["referral"].id, specialist=data["specialist"])
    session.commit()
    return data


def booking(w, **kw):
    body = {"specialist_id": w["specialist"].id, "referral_id": w["referral"].id, "room_id": w["room"].id,
            "start_on": w["start"].isoformat(), "at": "10:00", "minutes": 45, "weekdays": [2], "count": 4}
    body.update(kw)
    return body


def test_book_list_move_cancel_attend(api, world):
    api.as_user(world["coordinator"])
    response = api.post("/api/v1/sessions", json=booking(world))
    assert response.status_code == 201, response.json
    items = response.json["items"]
    assert len(items) == 4 and len({i["series_id"] for i in items}) == 1
    listing = api.get(f"/api/v1/sessions?from={world['start']}&to={world['start'] + timedelta(days=30)}")
    assert [i["id"] for i in listing.json["items"]] == [i["id"] for i in items]
    first = items[0]["id"]
    moved = api.post(f"/api/v1/sessions/{first}/move", json={"on": world["start"].isoformat(), "at": "11:00"})
    assert moved.status_code == 200 and moved.json["starts_at"].startswith(f"{world['start']}T06:00")
    assert api.post(f"/api/v1/sessions/{first}/cancel", json={"reason": ""}).status_code == 422
    cancelled = api.post(f"/api/v1/sessions/{first}/cancel", json={"reason": "Family asked"})
    assert cancelled.status_code == 200 and cancelled.json["is_active"] is False
    early = api.post(f"/api/v1/sessions/{items[1]['id']}/attendance", json={"attended": True})
    assert early.status_code == 409  # the session has not started yet


def test_clash_answers_409_with_every_date(api, world):
    api.as_user(world["coordinator"])
    api.post("/api/v1/sessions", json=booking(world, count=1, weekdays=None,
                                              start_on=(world["start"] + timedelta(weeks=2)).isoformat()))
    response = api.post("/api/v1/sessions", json=booking(world), lang="ru")
    assert response.status_code == 409
    error = response.json["error"]
    assert error["code"] == "booking_clash"
    assert {c["date"] for c in error["conflicts"]} == {(world["start"] + timedelta(weeks=2)).isoformat()}
    assert {c["reason"] for c in error["conflicts"]} == {"specialist_busy", "room_busy", "child_busy"}
    assert "Ничего не записано" in error["message"] or "ничего не записано" in error["message"]


def test_bad_booking_input_is_422(api, world):
    api.as_user(world["coordinator"])
    response = api.post("/api/v1/sessions", json=booking(world, at="25:99", minutes="x", start_on="tomorrow",
                                                         weekdays=["mon"]))
    assert response.status_code == 422
    assert {"at", "minutes", "start_on", "weekdays"} <= set(response.json["error"]["fields"])


def test_other_centers_rows_are_not_reachable(api, world):
    stranger = user_for_role(Role.COORDINATOR)
    api.as_user(stranger)
    response = api.post("/api/v1/sessions", json=booking(world))
    assert response.status_code == 422 and "referral_id" in response.json["error"]["fields"]
    api.as_user(world["coordinator"])
    [row] = api.post("/api/v1/sessions", json=booking(world, count=1, weekdays=None)).json["items"]
    api.as_user(stranger)
    assert api.post(f"/api/v1/sessions/{row['id']}/cancel", json={"reason": "x"}).status_code == 404
    assert api.get("/api/v1/sessions?from=2000-01-01&to=2000-01-02").json["items"] == []


def test_specialist_records_attendance_after_the_start(api, world, session):
    now = datetime.now().astimezone()
    sessions = services.book_series(center=world["center"], specialist=world["specialist"],
                                    referral=world["referral"], room=world["room"], start_on=world["start"],
                                    at=time(10), minutes=45, count=1, actor=world["coordinator"],
                                    now=now)
    sessions[0].starts_at -= timedelta(days=800)
    sessions[0].ends_at -= timedelta(days=800)
    sessions[0].busy_from, sessions[0].busy_until = sessions[0].starts_at, sessions[0].ends_at
    session.commit()
    api.as_user(world["specialist"])
    url = f"/api/v1/sessions/{sessions[0].id}/attendance"
    assert api.post(url, json={"attended": "yes"}).status_code == 422
    assert api.post(url, json={"attended": False}).status_code == 422
    response = api.post(url, json={"attended": False, "reason": "child_ill"})
    assert response.status_code == 200 and response.json["absence_reason"] == "child_ill"


def test_read_the_current_plan(api, world, session):
    from eic.therapy.services import plans

    plan = plans.create_plan(world["referral"], starts_on=world["start"], actor=world["coordinator"],
                             goals=[{"kind": "child", "description": "Walks", "criterion": "PT observes",
                                     "target_on": world["start"] + timedelta(days=90)}],
                             services=[{"kind": "respite", "frequency": 1, "per": "month", "minutes": 120,
                                        "setting": "home", "ends_on": world["start"] + timedelta(days=180)}],
                             today=world["start"])
    session.commit()
    api.as_user(world["specialist"])
    body = api.get(f"/api/v1/referrals/{world['referral'].id}/plan").json
    assert body["id"] == plan.id and body["goals"][0]["description"] == "Walks"
    assert body["services"][0]["kind"] == "respite"
    api.as_user(user_for_role(Role.COORDINATOR))
    assert api.get(f"/api/v1/referrals/{world['referral'].id}/plan").status_code == 404
