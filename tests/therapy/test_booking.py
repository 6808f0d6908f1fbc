from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from eic.core.errors import Conflict, Forbidden, ValidationFailed
from eic.core.roles import Role
from eic.core.timeutil import holiday_name
from eic.extensions import db
from eic.referrals.status import Status
from eic.therapy import services
from eic.therapy.calendar import local_to_utc
from eic.therapy.models import TherapySession
from tests.factories.accounts import SpecialistFactory, user_for_role
from tests.factories.centers import CenterFactory, RoomFactory
from tests.factories.referrals import ReferralFactory
from tests.factories.therapy import AbsenceFactory, ClosureFactory, WorkingHoursFactory

NOW = datetime(2027, 1, 4, 4, tzinfo=timezone.utc)
WEDNESDAY = date(2027, 9, 1)  # twelve Wednesdays from here contain no public holiday
WED = 2


@pytest.fixture
def setup(ctx):
    center = CenterFactory()
    coordinator = user_for_role(Role.COORDINATOR, center=center)
    specialist = SpecialistFactory(center=center)
    room = RoomFactory(center=center)
    referral = ReferralFactory(center=center, status=Status.ENROLLED)
    return dict(center=center, coordinator=coordinator, specialist=specialist, room=room, referral=referral)


def book(s, **kw):
    args = dict(center=s["center"], specialist=s["specialist"], referral=s["referral"], room=s["room"],
                setting="center", start_on=WEDNESDAY, at=time(10), minutes=45, weekdays=[WED], count=12,
                actor=s["coordinator"], now=NOW)
    args.update(kw)
    return services.book_series(**args)


def active_count():
    return db.session.scalar(select(func.count()).select_from(TherapySession).where(TherapySession.is_active))


def test_a_twelve_week_series_is_booked_whole(setup):
    sessions = book(setup)
    assert len(sessions) == 12 and len({s.series_id for s in sessions}) == 1
    assert sessions[0].starts_at == local_to_utc(WEDNESDAY, time(10))
    assert sessions[0].starts_at.hour == 5  # 10:00 in Almaty is 05:00 UTC (UTC+5)
    assert sessions[-1].starts_at.date() == WEDNESDAY + timedelta(weeks=11)


def test_one_clashing_week_refuses_the_whole_series_and_lists_it(setup):
    other = ReferralFactory(center=setup["center"], status=Status.ENROLLED)
    week5 = WEDNESDAY + timedelta(weeks=4)
    book(setup, referral=other, room=RoomFactory(center=setup["center"]), start_on=week5, count=1,
         weekdays=None, at=time(10, 30))
    with pytest.raises(services.BookingClash) as exc:
        book(setup)
    assert [(c["date"], c["reason"]) for c in exc.value.extra["conflicts"]] == [(week5.isoformat(),
                                                                                 "specialist_busy")]
    assert active_count() == 1
    sessions = book(setup, skip_dates=[week5])
    assert len(sessions) == 11 and active_count() == 12


def test_public_holidays_clash(setup):
    with pytest.raises(services.BookingClash) as exc:
        book(setup, start_on=date(2027, 3, 1), weekdays=[0], count=4)  # 8 March 2027 is a Monday
    mondays = [date(2027, 3, 1) + timedelta(weeks=n) for n in range(4)]
    expected = [(d.isoformat(), "holiday") for d in mondays if holiday_name(d)]
    assert ("2027-03-08", "holiday") in expected  # International Women's Day, from the holidays package
    assert [(c["date"], c["reason"]) for c in exc.value.extra["conflicts"]] == expected


def test_closures_absences_and_hours(setup):
    ClosureFactory(center_id=setup["center"].id, on=WEDNESDAY + timedelta(weeks=2))
    AbsenceFactory(user_id=setup["specialist"].id, starts_on=WEDNESDAY + timedelta(weeks=3),
                   ends_on=WEDNESDAY + timedelta(weeks=3, days=2))
    with pytest.raises(services.BookingClash) as exc:
        book(setup, count=5)
    assert [c["reason"] for c in exc.value.extra["conflicts"]] == ["closed", "absent"]
    with pytest.raises(services.BookingClash) as exc:
        book(setup, at=time(8), count=1, weekdays=None)
    assert {c["reason"] for c in exc.value.extra["conflicts"]} == {"outside_opening_hours", "outside_working_hours"}
    WorkingHoursFactory(user_id=setup["specialist"].id, weekday=WED, starts=time(14), ends=time(18))
    with pytest.raises(services.BookingClash) as exc:
        book(setup, count=1, weekdays=None)
    assert [c["reason"] for c in exc.value.extra["conflicts"]] == ["outside_working_hours"]
    assert len(book(setup, at=time(14), count=2)) == 2


def test_room_and_child_clash_with_other_people(setup):
    book(setup, count=1, weekdays=None)
    other_specialist = SpecialistFactory(center=setup["center"])
    other_child = ReferralFactory(center=setup["center"], status=Status.ENROLLED)
    with pytest.raises(services.BookingClash) as exc:
        book(setup, specialist=other_specialist, referral=other_child, count=1, weekdays=None)
    assert [c["reason"] for c in exc.value.extra["conflicts"]] == ["room_busy"]
    with pytest.raises(services.BookingClash) as exc:
        book(setup, specialist=other_specialist, room=RoomFactory(center=setup["center"]), count=1, weekdays=None)
    assert [c["reason"] for c in exc.value.extra["conflicts"]] == ["child_busy"]


def test_back_to_back_is_allowed(setup):
    book(setup, count=1, weekdays=None, at=time(10))
    book(setup, count=1, weekdays=None, at=time(10, 45))
    assert active_count() == 2


def test_a_cancelled_slot_can_be_booked_again(setup):
    [first] = book(setup, count=1, weekdays=None)
    with pytest.raises(ValidationFailed):
        services.cancel_session(first, reason=" ", actor=setup["coordinator"])
    services.cancel_session(first, reason="Child ill", actor=setup["coordinator"])
    with pytest.raises(Conflict):
        services.cancel_session(first, reason="again", actor=setup["coordinator"])
    [second] = book(setup, count=1, weekdays=None)
    assert second.starts_at == first.starts_at and active_count() == 1


def test_home_visit_needs_no_room_and_blocks_travel_time(setup):
    [visit] = book(setup, setting="home", room=None, count=1, weekdays=None, at=time(10), minutes=30)
    assert visit.room_id is None and visit.address == setup["referral"].child.address
    assert visit.busy_until - visit.ends_at == timedelta(minutes=30)
    other_child = ReferralFactory(center=setup["center"], status=Status.ENROLLED)
    with pytest.raises(services.BookingClash) as exc:
        book(setup, referral=other_child, count=1, weekdays=None, at=time(10, 45))
    assert [c["reason"] for c in exc.value.extra["conflicts"]] == ["specialist_busy"]
    assert book(setup, referral=other_child, count=1, weekdays=None, at=time(11))


def test_moving_checks_like_booking(setup):
    [a] = book(setup, count=1, weekdays=None, at=time(10))
    [b] = book(setup, count=1, weekdays=None, at=time(12))
    with pytest.raises(services.BookingClash):
        services.move_session(b, on=WEDNESDAY, at=time(10, 15), actor=setup["coordinator"], now=NOW)
    services.move_session(b, on=WEDNESDAY, at=time(10, 45), actor=setup["coordinator"], now=NOW)
    assert b.starts_at == local_to_utc(WEDNESDAY, time(10, 45))
    services.move_session(a, on=WEDNESDAY, at=time(10, 15), minutes=30, actor=setup["coordinator"], now=NOW)
    assert a.ends_at == b.starts_at


@pytest.mark.parametrize("change, field", [
    ({"minutes": 5}, "minutes"),
    ({"weekdays": []}, "weekdays"),
    ({"count": None, "until_on": WEDNESDAY - timedelta(days=1)}, "until_on"),
    ({"count": None}, "until_on"),
    ({"count": 500}, "count"),
    ({"setting": "beach"}, "setting"),
])
def test_bad_input_books_nothing(setup, change, field):
    with pytest.raises(ValidationFailed) as exc:
        book(setup, **change)
    assert field in exc.value.fields and active_count() == 0


def test_wrong_room_specialist_or_child(setup):
    with pytest.raises(ValidationFailed) as exc:
        book(setup, room=RoomFactory(), specialist=SpecialistFactory(),
             referral=ReferralFactory(center=setup["center"], status=Status.ACCEPTED))
    assert {"room", "specialist", "referral"} <= set(exc.value.fields)


def test_only_the_centers_coordinator_books(setup):
    with pytest.raises(Forbidden):
        book(setup, actor=user_for_role(Role.COORDINATOR))
    with pytest.raises(Forbidden):
        book(setup, actor=setup["specialist"])


def test_past_times_are_refused(setup):
    with pytest.raises(services.BookingClash) as exc:
        book(setup, count=1, weekdays=None, now=datetime(2028, 1, 1, tzinfo=timezone.utc))
    assert [c["reason"] for c in exc.value.extra["conflicts"]] == ["past"]


def _raw(setup, minutes_from=0, **kw):
    start = local_to_utc(WEDNESDAY, time(10)) + timedelta(minutes=minutes_from)
    values = dict(center_id=setup["center"].id, specialist_id=setup["specialist"].id, room_id=setup["room"].id,
                  referral_id=setup["referral"].id, child_id=setup["referral"].child_id, starts_at=start,
                  ends_at=start + timedelta(minutes=45), busy_from=start, busy_until=start + timedelta(minutes=45))
    values.update(kw)
    return TherapySession(**values)


@pytest.mark.parametrize("who", ["specialist", "room", "child"])
def test_the_database_refuses_overlaps_that_bypass_the_service(setup, who):
    db.session.add(_raw(setup))
    db.session.flush()
    others = {"specialist_id": SpecialistFactory(center=setup["center"]).id,
              "room_id": RoomFactory(center=setup["center"]).id,
              "child_id": ReferralFactory(center=setup["center"]).child_id}
    overlapping = _raw(setup, minutes_from=30, **{k: v for k, v in others.items() if not k.startswith(who)})
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.add(overlapping)
            db.session.flush()
    # Back to back and cancelled rows pass.
    with db.session.begin_nested():
        db.session.add(_raw(setup, minutes_from=45))
        db.session.add(_raw(setup, minutes_from=15, is_active=False))
        db.session.flush()


def test_the_database_refuses_an_update_into_an_overlap(setup):
    first, second = _raw(setup), _raw(setup, minutes_from=60)
    db.session.add_all([first, second])
    db.session.flush()
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            second.starts_at = second.busy_from = first.starts_at + timedelta(minutes=10)
            db.session.flush()


def test_guards_exist_after_upgrade_head(session):
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        names = set(session.scalars(db.text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))
        assert {"trg_therapy_sessions_no_overlap_insert", "trg_therapy_sessions_no_overlap_update"} <= names
    else:
        names = set(session.scalars(db.text("SELECT conname FROM pg_constraint WHERE contype = 'x'")))
        assert {"ex_therapy_sessions_specialist", "ex_therapy_sessions_room", "ex_therapy_sessions_child"} <= names


def test_no_weekdays_end_or_count_books_the_one_session(setup):
    """The form says "leave the weekdays empty for a single session": it used to ask for an end or a count."""
    (session,) = book(setup, weekdays=None, count=None, until_on=None)
    assert session.starts_at == local_to_utc(WEDNESDAY, time(10)) and active_count() == 1
