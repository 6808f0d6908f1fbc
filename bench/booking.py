"""Booking a 12-week series at a center that already has a year of sessions (about 40,000)."""
import statistics
import time as clock
from datetime import date, time, timedelta

from sqlalchemy import func, insert, select

from eic.accounts.models import User
from eic.centers.models import Room
from eic.core.roles import Role
from eic.extensions import db
from eic.referrals.models import Child, Referral
from eic.referrals.status import Status
from eic.therapy import services
from eic.therapy.calendar import holiday_name, local_to_utc
from eic.therapy.models import TherapySession

SPECIALISTS, ROOMS, CHILDREN, SLOTS = 20, 20, 600, 8
FIRST_DAY = date(2030, 1, 7)


def build(center, coordinator) -> dict:
    """Specialists, rooms, enrolled children and a year of non-overlapping sessions, inserted in bulk."""
    from tests.factories.accounts import SpecialistFactory
    from tests.factories.centers import RoomFactory
    from tests.factories.referrals import ReferralFactory

    specialists = [SpecialistFactory(center=center) for _ in range(SPECIALISTS + 1)]
    rooms = [RoomFactory(center=center) for _ in range(ROOMS + 1)]
    referrals = [ReferralFactory(center=center, status=Status.ENROLLED) for _ in range(CHILDREN + 1)]
    rows, day, day_index = [], FIRST_DAY, 0
    while day < FIRST_DAY + timedelta(days=365):
        if day.weekday() < 5 and holiday_name(day) is None:
            for slot in range(SLOTS):
                starts = local_to_utc(day, time(9 + slot))
                ends = starts + timedelta(minutes=45)
                for s in range(SPECIALISTS):
                    r = referrals[(s + SPECIALISTS * slot + day_index * 7) % CHILDREN]
                    rows.append({"center_id": center.id, "specialist_id": specialists[s].id, "room_id": rooms[s].id,
                                 "referral_id": r.id, "child_id": r.child_id, "setting": "center", "address": "",
                                 "starts_at": starts, "ends_at": ends, "busy_from": starts, "busy_until": ends,
                                 "is_active": True, "cancel_reason": "", "note_done": "", "note_progress": "",
                                 "note_family_plan": ""})
            day_index += 1
        day += timedelta(days=1)
    for i in range(0, len(rows), 5000):
        db.session.execute(insert(TherapySession), rows[i:i + 5000])
    db.session.commit()
    return {"specialist": specialists[0], "free_specialist": specialists[-1], "room": rooms[0],
            "free_room": rooms[-1], "referral": referrals[0], "free_referral": referrals[-1], "sessions": len(rows)}


def run(center, coordinator, world, repeats=15) -> dict:
    """Median and worst time of a 12-week booking (checks + insert), and of one refused for clashes."""
    start = FIRST_DAY + timedelta(weeks=20)
    start += timedelta(days=(2 - start.weekday()) % 7)
    while any(holiday_name(start + timedelta(weeks=n)) for n in range(12)):
        start += timedelta(weeks=1)
    timings, refusals = [], []
    for _ in range(repeats):
        t0 = clock.perf_counter()
        services.book_series(center=center, specialist=world["free_specialist"], referral=world["free_referral"],
                             room=world["free_room"], start_on=start, at=time(17), minutes=45, weekdays=[2],
                             count=12, actor=coordinator, now=local_to_utc(FIRST_DAY, time(0)))
        timings.append(clock.perf_counter() - t0)
        db.session.rollback()
        t0 = clock.perf_counter()
        try:
            services.book_series(center=center, specialist=world["specialist"], referral=world["free_referral"],
                                 room=world["free_room"], start_on=start, at=time(10), minutes=45, weekdays=[2],
                                 count=12, actor=coordinator, now=local_to_utc(FIRST_DAY, time(0)))
        except services.BookingClash:
            pass
        refusals.append(clock.perf_counter() - t0)
        db.session.rollback()
    total = db.session.scalar(select(func.count()).select_from(TherapySession).where(
        TherapySession.center_id == center.id))
    return {"sessions_at_center": total, "book_median_ms": statistics.median(timings) * 1000,
            "book_max_ms": max(timings) * 1000, "refused_median_ms": statistics.median(refusals) * 1000,
            "repeats": repeats}


__all__ = ["build", "run", "User", "Room", "Child", "Referral", "Role"]
