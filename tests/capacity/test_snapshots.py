"""The monthly summary of families served: the same answers as the live tables, and never stale."""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from eic.capacity import served as served_module
from eic.capacity import snapshots
from eic.capacity.models import ServedMonth, SnapshotMonth
from eic.extensions import db
from eic.referrals.status import Status
from tests.factories.centers import CenterFactory, RoomFactory
from tests.factories.referrals import ReferralFactory
from tests.factories.therapy import RosterEntryFactory, TherapySessionFactory

YEAR = 2025


def session_on(referral, day, attendance="attended"):
    start = datetime(day.year, day.month, day.day, 5, tzinfo=timezone.utc)
    return TherapySessionFactory(room=RoomFactory(center=referral.center), center_id=referral.center_id,
                                 referral_id=referral.id, child_id=referral.child_id, starts_at=start,
                                 ends_at=start + timedelta(minutes=45), busy_from=start,
                                 busy_until=start + timedelta(minutes=45), attendance=attendance)


@pytest.fixture
def world(ctx):
    center = CenterFactory()
    a = ReferralFactory(center=center, status=Status.ENROLLED, enrolled_on=date(YEAR, 1, 20))
    session_on(a, date(YEAR, 2, 4))
    session_on(a, date(YEAR, 3, 4))
    b = ReferralFactory(center=center, status=Status.ENROLLED, enrolled_on=date(YEAR - 1, 6, 1))
    session_on(b, date(YEAR, 3, 11))
    missed = session_on(b, date(YEAR, 4, 8), attendance=None)
    c = ReferralFactory(status=Status.ENROLLED, enrolled_on=date(YEAR, 2, 14))
    db.session.flush()
    return {"center": center, "a": a, "b": b, "c": c, "missed": missed}


def served(first, last, center_id=None):
    rows = served_module.served_rows(first, last, center_id).subquery()
    return db.session.scalar(select(func.count()).select_from(rows))


def live(first, last, center_id=None):
    return db.session.scalar(select(func.count()).select_from(
        served_module.live_served_rows(first, last, center_id).subquery()))


RANGES = [(date(YEAR, 1, 1), date(YEAR, 12, 31)), (date(YEAR, 2, 10), date(YEAR, 3, 20)),
          (date(YEAR, 3, 1), date(YEAR, 3, 31)), (date(YEAR, 1, 15), date(YEAR, 1, 31)),
          # Stored months (February, March) between live days on both sides.
          (date(YEAR, 1, 15), date(YEAR, 4, 10)), (date(YEAR, 1, 20), date(YEAR, 3, 31))]


def test_the_summary_gives_the_live_answers(world):
    stored = snapshots.refresh([date(YEAR, m, 1) for m in range(1, 13)])
    assert stored[date(YEAR, 1, 1)] == 1 and stored[date(YEAR, 2, 1)] == 2 and stored[date(YEAR, 3, 1)] == 2
    for first, last in RANGES:
        for center_id in (None, world["center"].id):
            assert served(first, last, center_id) == live(first, last, center_id), (first, last, center_id)
    assert served(date(YEAR, 1, 1), date(YEAR, 12, 31)) == 3
    # The summary is really read: a row only it holds is counted.
    db.session.add(ServedMonth(month=date(YEAR, 5, 1), center_id=world["center"].id, child_id=world["c"].child_id))
    assert served(date(YEAR, 5, 1), date(YEAR, 5, 31)) == 1 and live(date(YEAR, 5, 1), date(YEAR, 5, 31)) == 0


def test_the_current_month_is_never_stored(ctx, almaty_today):
    assert served_module.closed_months(almaty_today.replace(day=1), almaty_today) == []
    assert served_module.closed_months(date(YEAR, 11, 15), date(YEAR + 1, 1, 10), today=date(YEAR + 1, 1, 5)) == [
        date(YEAR, 11, 1), date(YEAR, 12, 1)]


def test_late_attendance_marks_its_month_stale(world):
    snapshots.refresh([date(YEAR, 4, 1)])
    assert served(date(YEAR, 4, 1), date(YEAR, 4, 30)) == 0
    world["missed"].attendance = "attended"  # recorded months later
    db.session.flush()
    assert db.session.get(SnapshotMonth, date(YEAR, 4, 1)) is None
    assert served(date(YEAR, 4, 1), date(YEAR, 4, 30)) == 1


def test_a_roster_entry_and_a_corrected_enrolment_date_mark_their_months_stale(world):
    snapshots.refresh([date(YEAR, m, 1) for m in (1, 5, 6)])
    group = session_on(world["a"], date(YEAR, 5, 6), attendance=None)
    group.referral_id, group.child_id, group.capacity = None, None, 4
    snapshots.refresh([date(YEAR, 5, 1)])
    RosterEntryFactory(session_id=group.id, referral_id=world["c"].id, attendance="attended")
    assert db.session.get(SnapshotMonth, date(YEAR, 5, 1)) is None
    world["a"].enrolled_on = date(YEAR, 6, 3)  # corrected from 20 January
    db.session.flush()
    assert {m.month for m in db.session.scalars(select(SnapshotMonth))} == set()
    assert served(date(YEAR, 1, 1), date(YEAR, 1, 31)) == 0 and served(date(YEAR, 6, 1), date(YEAR, 6, 30)) == 1


def test_refresh_due_and_the_command(world, app):
    today = date(YEAR, 5, 3)
    first_run = snapshots.refresh_due(today=today, back_to=date(YEAR, 1, 1))
    assert sorted(first_run) == [date(YEAR, m, 1) for m in (1, 2, 3, 4)]
    assert sorted(snapshots.refresh_due(today=today, back_to=date(YEAR, 1, 1))) == [date(YEAR, 4, 1)]
    runner = app.test_cli_runner()
    result = runner.invoke(args=["capacity", "snapshot", "--since", f"{YEAR}-02-01"])
    assert result.exit_code == 0 and f"{YEAR}-03: 2 children served" in result.output


def test_a_session_moved_out_of_a_month_marks_both_months_stale(world):
    snapshots.refresh([date(YEAR, 3, 1), date(YEAR, 6, 1)])
    world["missed"].starts_at  # loaded; then expired, as after a commit
    db.session.expire(world["missed"])
    moved = db.session.get(type(world["missed"]), world["missed"].id)
    moved.starts_at = datetime(YEAR, 6, 10, 5, tzinfo=timezone.utc)
    moved.ends_at = moved.busy_until = moved.starts_at + timedelta(minutes=45)
    moved.busy_from = moved.starts_at
    db.session.flush()
    assert db.session.get(SnapshotMonth, date(YEAR, 6, 1)) is None
    assert db.session.get(SnapshotMonth, date(YEAR, 3, 1)) is not None  # the session was in April, not March
    # A new session in a closed month (booked and recorded after the fact).
    snapshots.refresh([date(YEAR, 7, 1)])
    session_on(world["b"], date(YEAR, 7, 22))
    assert db.session.get(SnapshotMonth, date(YEAR, 7, 1)) is None
