"""Booked against available hours on a hand-made week whose answer is known in advance."""
from datetime import date, datetime, time, timedelta, timezone

import pytest

from eic.capacity import hours
from tests.factories.accounts import SpecialistFactory
from tests.factories.centers import CenterFactory, RoomFactory
from tests.factories.therapy import AbsenceFactory, ClosureFactory, TherapySessionFactory, WorkingHoursFactory

# Monday 8 March 2027 is International Women's Day, a public holiday.
MONDAY = date(2027, 3, 8)


def session(center, specialist, room, day, hour_utc, minutes, *, travel=0, active=True):
    start = datetime(day.year, day.month, day.day, hour_utc, tzinfo=timezone.utc)
    end = start + timedelta(minutes=minutes)
    return TherapySessionFactory(center_id=center.id, specialist=specialist, room=room, starts_at=start,
                                 ends_at=end, busy_from=start - timedelta(minutes=travel),
                                 busy_until=end + timedelta(minutes=travel), is_active=active)


@pytest.fixture
def week(ctx):
    center = CenterFactory()
    room = RoomFactory(center=center, name="A")
    idle_room = RoomFactory(center=center, name="B")
    part_time = SpecialistFactory(center=center)
    for weekday in range(5):
        WorkingHoursFactory(user_id=part_time.id, weekday=weekday, starts=time(9), ends=time(13))
    full_time = SpecialistFactory(center=center)  # no hours recorded: the center's (default 09-18)
    AbsenceFactory(user_id=part_time.id, starts_on=MONDAY + timedelta(days=3), ends_on=MONDAY + timedelta(days=3))
    ClosureFactory(center_id=center.id, on=MONDAY + timedelta(days=4))
    session(center, part_time, room, MONDAY + timedelta(days=1), 5, 45)
    session(center, part_time, None, MONDAY + timedelta(days=2), 5, 60, travel=30)  # a home visit
    session(center, part_time, room, MONDAY + timedelta(days=2), 8, 45, active=False)  # cancelled
    session(center, full_time, room, MONDAY + timedelta(days=1), 7, 90)
    session(CenterFactory(), full_time, None, MONDAY + timedelta(days=1), 9, 60)  # another center's
    return center, [part_time, full_time], [room, idle_room]


def test_available_and_booked_hours(week):
    center, staff, rooms = week
    result = hours.loads(center.id, staff, rooms, first=MONDAY, last=MONDAY + timedelta(days=6))
    part_time, full_time = result["specialists"]
    # Tuesday and Wednesday only: Monday a holiday, Thursday absent, Friday closed, weekend not worked.
    assert part_time.available == 8 and part_time.booked == 0.75 + 2
    assert full_time.available == 27 and full_time.booked == 1.5  # Tue-Thu x 9 h
    room_a, room_b = result["rooms"]
    assert (room_a.available, room_a.booked) == (27, 2.25)
    assert (room_b.available, room_b.booked, room_b.share) == (27, 0, 0)
    assert part_time.share == pytest.approx(2.75 / 8)


def test_periods():
    assert hours.this_week(date(2026, 11, 22)) == (date(2026, 11, 16), date(2026, 11, 22))
    assert hours.this_month(date(2026, 12, 5)) == (date(2026, 12, 1), date(2026, 12, 31))
    assert hours.this_month(date(2028, 2, 29)) == (date(2028, 2, 1), date(2028, 2, 29))


def test_no_rooms_and_no_staff(ctx):
    center = CenterFactory()
    assert hours.loads(center.id, [], [], first=MONDAY, last=MONDAY) == {"specialists": [], "rooms": []}
