import re
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select

from eic.core.roles import Role
from eic.core.timeutil import ALMATY, holiday_name
from eic.extensions import db
from eic.referrals.status import Status
from eic.therapy import services
from eic.therapy.models import RosterEntry, TherapySession
from tests.factories.accounts import SpecialistFactory
from tests.factories.centers import RoomFactory, center
from tests.factories.intake import TeamMemberFactory
from tests.factories.referrals import ConsentFactory, ReferralFactory


def next_clean_wednesday():
    day = date.today() + timedelta(days=30)
    day += timedelta(days=(2 - day.weekday()) % 7)
    # Twelve Wednesdays, and the Thursdays after them (a series may move a day later), without a holiday.
    while any(holiday_name(day + timedelta(weeks=n, days=d)) for n in range(12) for d in (0, 1)):
        day += timedelta(weeks=1)
    return day


def count():
    return db.session.scalar(select(func.count()).select_from(TherapySession).where(TherapySession.is_active))


def test_book_a_series_then_see_a_clash_and_skip_it(client, login_as):
    coordinator = login_as(Role.COORDINATOR)
    specialist = SpecialistFactory(center=coordinator.center)
    room = RoomFactory(center=coordinator.center)
    referral = ReferralFactory(center=coordinator.center, status=Status.ENROLLED)
    start = next_clean_wednesday()
    form = {"specialist": str(specialist.id), "setting": "center", "room": str(room.id),
            "start_on": start.isoformat(), "at": "10:00", "minutes": "45", "weekdays": ["2"], "count": "12"}
    clash_day = start + timedelta(weeks=3)
    other = ReferralFactory(center=coordinator.center, status=Status.ENROLLED)
    services.book_series(center=coordinator.center, specialist=specialist, referral=other,
                         room=RoomFactory(center=coordinator.center), start_on=clash_day, at=time(10, 30),
                         minutes=30, count=1, actor=coordinator)
    db.session.commit()
    client.post("/language", data={"lang": "ru"})
    response = client.post(f"/therapy/cases/{referral.id}/book", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and 'data-testid="clashes"' in page
    assert "У специалиста другое занятие" in page and count() == 1
    response = client.post(f"/therapy/cases/{referral.id}/book", data=form | {"skip_dates": [clash_day.isoformat()]})
    assert response.status_code == 302 and count() == 12
    week = client.get(response.location).get_data(as_text=True)
    assert referral.child.full_name in week


def test_other_centers_cases_and_sessions_are_404(client, login_as):
    login_as(Role.COORDINATOR)
    elsewhere = ReferralFactory(center=center("oral"), status=Status.ENROLLED)
    assert client.get(f"/therapy/cases/{elsewhere.id}/book").status_code == 404
    from tests.factories.therapy import TherapySessionFactory

    row = TherapySessionFactory(room=RoomFactory(center=center("oral")))
    assert client.get(f"/therapy/sessions/{row.id}").status_code == 404
    assert client.post(f"/therapy/sessions/{row.id}/cancel", data={"reason": "x"}).status_code == 404


def test_specialist_records_attendance_and_a_note(client, login_as):
    specialist = login_as(Role.SPECIALIST)
    referral = ReferralFactory(center=specialist.center, status=Status.ENROLLED)
    start = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=1)
    row = TherapySession(center_id=specialist.center_id, specialist_id=specialist.id, referral_id=referral.id,
                         child_id=referral.child_id, setting="home", address="Демо көшесі, 1", starts_at=start,
                         ends_at=start + timedelta(minutes=30), busy_from=start,
                         busy_until=start + timedelta(minutes=30))
    db.session.add(row)
    db.session.commit()
    # "My day" of the session's own day (within an hour after Almaty midnight it was yesterday).
    my_day = client.get(f"/therapy/my-day?day={start.astimezone(ALMATY).date().isoformat()}").get_data(as_text=True)
    assert referral.child.full_name in my_day and "Демо көшесі, 1" in my_day
    response = client.post(f"/therapy/sessions/{row.id}/note", data={"done": "Play"})
    assert response.status_code == 302
    db.session.refresh(row)
    assert row.note_recorded_at is None  # attendance first
    client.post(f"/therapy/sessions/{row.id}/attendance", data={"attended": "no", "reason": ""})
    db.session.refresh(row)
    assert row.attendance is None  # a reason is needed
    client.post(f"/therapy/sessions/{row.id}/attendance", data={"attended": "yes"})
    client.post(f"/therapy/sessions/{row.id}/note", data={"done": "Turn-taking", "progress": "", "family_plan": ""})
    db.session.refresh(row)
    assert row.attendance == "attended" and row.note_done == "Turn-taking"
    page = client.get(f"/therapy/sessions/{row.id}").get_data(as_text=True)
    assert "Turn-taking" in page


def test_book_a_group_and_fill_its_roster(client, login_as):
    coordinator = login_as(Role.COORDINATOR)
    specialist = SpecialistFactory(center=coordinator.center)
    room = RoomFactory(center=coordinator.center, capacity=8)
    children = [ReferralFactory(center=coordinator.center, status=Status.ENROLLED) for _ in range(3)]
    start = next_clean_wednesday()
    response = client.post("/therapy/groups/book", data={
        "audience": "caregiver", "capacity": "2", "specialist": str(specialist.id), "setting": "center",
        "room": str(room.id), "start_on": start.isoformat(), "at": "15:00", "minutes": "60", "count": "1"})
    assert response.status_code == 302
    session_url = response.location
    session_id = int(session_url.rstrip("/").rsplit("/", 1)[1])
    for child in children:
        client.post(f"/therapy/sessions/{session_id}/roster", data={"referral": str(child.id)})
    page = client.get(session_url, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Roster (2 / 2)" in page
    assert children[0].child.full_name in page and children[2].child.full_name not in page


def test_the_session_page_offers_only_what_the_reader_may_do(client, login_as):
    """A specialist of the child's team opening a colleague's session is offered no attendance, note, move or cancel
    form (each would be refused); the session's own specialist gets attendance and the note; the coordinator
    attendance, move, cancel. (A specialist off the team does not find it: tests/test_access_matrix.py.)"""
    specialist = login_as(Role.SPECIALIST)
    colleague = SpecialistFactory(center=specialist.center)
    referral = ReferralFactory(center=specialist.center, status=Status.ENROLLED)
    TeamMemberFactory(referral_id=referral.id, specialist=specialist)
    start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=1)
    row = TherapySession(center_id=specialist.center_id, specialist_id=colleague.id, referral_id=referral.id,
                         child_id=referral.child_id, setting="center", starts_at=start,
                         ends_at=start + timedelta(minutes=30), busy_from=start,
                         busy_until=start + timedelta(minutes=30))
    db.session.add(row)
    db.session.commit()
    forms = ("attendance-form", "note-form", f"/therapy/sessions/{row.id}/move", f"/therapy/sessions/{row.id}/cancel")

    def offered():
        page = client.get(f"/therapy/sessions/{row.id}")
        assert page.status_code == 200
        return {f for f in forms if f in page.get_data(as_text=True)}

    assert offered() == set()
    assert client.post(f"/therapy/sessions/{row.id}/attendance", data={"attended": "yes"}).status_code in (302, 403)
    db.session.refresh(row)
    assert row.attendance is None
    login_as(colleague)
    assert offered() == {"attendance-form", "note-form"}
    login_as(Role.COORDINATOR, center=specialist.center)
    assert offered() == {"attendance-form", forms[2], forms[3]}


def test_cancelling_asks_first_and_can_take_the_rest_of_the_series(client, login_as):
    """A click used to cancel at once. Now the box must be ticked; the rest of the series can go in one step (all
    or nothing); each family is told by text message in its language."""
    from eic.notifications.models import OutboxMessage

    coordinator = login_as(Role.COORDINATOR)
    specialist = SpecialistFactory(center=coordinator.center)
    referral = ReferralFactory(center=coordinator.center, status=Status.ENROLLED,
                               caregiver__preferred_language="ru")
    ConsentFactory(child_id=referral.child_id, kind="sms")  # the family agreed to text messages
    sessions = services.book_series(center=coordinator.center, specialist=specialist, referral=referral,
                                    room=RoomFactory(center=coordinator.center), start_on=next_clean_wednesday(),
                                    at=time(10), minutes=45, weekdays=[2], count=6, actor=coordinator)
    db.session.commit()
    third = sessions[2]
    url = f"/therapy/sessions/{third.id}/cancel"
    client.post(url, data={"reason": "Отпуск семьи", "scope": "series"}, headers={"Accept-Language": "en"})
    assert count() == 6  # not ticked: nothing cancelled
    client.post(url, data={"reason": "", "scope": "series", "confirm": "y"})
    assert count() == 6
    client.post(url, data={"reason": "Отпуск семьи", "scope": "series", "confirm": "y"})
    assert count() == 2 and all(s.is_active for s in sessions[:2])
    texts = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "session_cancelled")).all()
    assert len(texts) == 4 and all("отменено" in t.body and t.language == "ru" for t in texts)
    page = client.get(url.replace("/cancel", ""), headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Cancelled" in page and "Отпуск семьи" in page
    client.post(f"/therapy/sessions/{sessions[0].id}/cancel", data={"reason": "Болеет", "confirm": "y"})
    assert count() == 1


def test_my_day_moves_by_day_and_shows_how_to_reach_the_family(client, login_as):
    """On a home visit the specialist's phone shows the address and a number to tap; "My day" moves by day and
    to the week, and lists a group's children."""
    specialist = login_as(Role.SPECIALIST)
    referral = ReferralFactory(center=specialist.center, status=Status.ENROLLED, caregiver__phone="+77011112233")
    day = next_clean_wednesday()
    start = datetime.combine(day, time(5), tzinfo=timezone.utc)
    db.session.add(TherapySession(center_id=specialist.center_id, specialist_id=specialist.id,
                                  referral_id=referral.id, child_id=referral.child_id, setting="home",
                                  address="Арал, Абай көшесі, 7", starts_at=start,
                                  ends_at=start + timedelta(minutes=45), busy_from=start,
                                  busy_until=start + timedelta(minutes=45)))
    group = TherapySession(center_id=specialist.center_id, specialist_id=specialist.id, setting="center",
                           capacity=4, starts_at=start + timedelta(hours=2), ends_at=start + timedelta(hours=3),
                           busy_from=start + timedelta(hours=2), busy_until=start + timedelta(hours=3),
                           room=RoomFactory(center=specialist.center))
    db.session.add(group)
    db.session.flush()
    db.session.add(RosterEntry(session_id=group.id, referral_id=referral.id))
    db.session.commit()
    page = client.get(f"/therapy/my-day?day={day.isoformat()}", headers={"Accept-Language": "ru"})
    html = page.get_data(as_text=True)
    assert 'href="tel:+77011112233"' in html and "Арал, Абай көшесі, 7" in html
    before, after = (day - timedelta(days=1)).isoformat(), (day + timedelta(days=1)).isoformat()
    assert f"day={before}" in html and f"day={after}" in html
    assert f"specialist_id={specialist.id}" in html and "data-print" in html
    children = re.search(r'data-testid="group-children">(.*?)</ul>', html, re.S).group(1)
    assert referral.child.full_name in children
    assert client.get("/therapy/my-day?day=nonsense").status_code == 200  # a bad date shows today


def test_a_series_moves_from_a_date_on_all_or_nothing(client, login_as):
    coordinator = login_as(Role.COORDINATOR)
    specialist = SpecialistFactory(center=coordinator.center)
    referral = ReferralFactory(center=coordinator.center, status=Status.ENROLLED)
    first = next_clean_wednesday()
    series = services.book_series(center=coordinator.center, specialist=specialist, referral=referral,
                                  room=RoomFactory(center=coordinator.center), start_on=first, at=time(10),
                                  minutes=45, weekdays=[2], count=4, actor=coordinator)
    # Another child has the specialist on the third Thursday at 11:00.
    services.book_series(center=coordinator.center, specialist=specialist,
                         referral=ReferralFactory(center=coordinator.center, status=Status.ENROLLED),
                         room=RoomFactory(center=coordinator.center), start_on=first + timedelta(days=15),
                         at=time(11), minutes=45, count=1, actor=coordinator)
    db.session.commit()
    url = f"/therapy/sessions/{series[1].id}/move-series"
    page = client.post(url, data={"series-weekday": "3", "series-at": "11:00"}, headers={"Accept-Language": "en"},
                       follow_redirects=True)
    assert "The specialist has another session" in page.get_data(as_text=True)
    for row in series:
        db.session.refresh(row)
    assert [r.starts_at.astimezone(ALMATY).weekday() for r in series] == [2, 2, 2, 2]  # nothing moved
    client.post(url, data={"series-weekday": "3", "series-at": "14:00"})
    for row in series:
        db.session.refresh(row)
    local = [r.starts_at.astimezone(ALMATY) for r in series]
    assert [(t.weekday(), t.hour) for t in local] == [(2, 10), (3, 14), (3, 14), (3, 14)]
    assert local[1].date() == first + timedelta(days=8)
