from datetime import date, datetime, time, timezone

import pytest

from eic.core.errors import Conflict, Forbidden, ValidationFailed
from eic.core.roles import Role
from eic.core.timeutil import add_working_days
from eic.extensions import db
from eic.referrals.status import Status
from eic.therapy import queries, services
from tests.factories.accounts import SpecialistFactory, user_for_role
from tests.factories.centers import CenterFactory, RoomFactory
from tests.factories.referrals import ReferralFactory

BOOKED_AT = datetime(2027, 1, 4, tzinfo=timezone.utc)
AFTER = datetime(2027, 12, 1, tzinfo=timezone.utc)


@pytest.fixture
def series(ctx):
    center = CenterFactory()
    coordinator = user_for_role(Role.COORDINATOR, center=center)
    specialist = SpecialistFactory(center=center)
    referral = ReferralFactory(center=center, status=Status.ENROLLED)
    sessions = services.book_series(center=center, specialist=specialist, referral=referral,
                                    room=RoomFactory(center=center), start_on=date(2027, 9, 1), at=time(10),
                                    minutes=45, weekdays=[2], count=4, actor=coordinator, now=BOOKED_AT)
    return dict(coordinator=coordinator, specialist=specialist, referral=referral, sessions=sessions)


def test_attendance_and_three_misses_in_a_row(series):
    s1, s2, s3, s4 = series["sessions"]
    who = series["specialist"]
    services.record_attendance(s1, attended=True, actor=who, now=AFTER)
    for s in (s2, s3):
        services.record_attendance(s, attended=False, reason="child_ill", actor=who, now=AFTER)
    assert not queries.missed_in_a_row(series["referral"].id)
    services.record_attendance(s4, attended=False, reason="family_cancelled_no_notice", actor=who, now=AFTER)
    assert queries.missed_in_a_row(series["referral"].id)
    services.record_attendance(s4, attended=False, reason="specialist_absent", actor=who, now=AFTER)
    assert not queries.missed_in_a_row(series["referral"].id)


def test_attendance_refusals(series):
    s1 = series["sessions"][0]
    with pytest.raises(Conflict):  # not started yet
        services.record_attendance(s1, attended=True, actor=series["specialist"], now=BOOKED_AT)
    with pytest.raises(ValidationFailed):
        services.record_attendance(s1, attended=False, reason="bored", actor=series["specialist"], now=AFTER)
    with pytest.raises(Forbidden):
        services.record_attendance(s1, attended=True, actor=SpecialistFactory(), now=AFTER)
    assert s1.attendance is None
    services.cancel_session(s1, reason="Closed", actor=series["coordinator"])
    with pytest.raises(Conflict):
        services.record_attendance(s1, attended=True, actor=series["coordinator"], now=AFTER)


def test_note_and_lateness(series):
    s1 = series["sessions"][0]
    with pytest.raises(Conflict):
        services.record_note(s1, done="Play", actor=series["specialist"], now=AFTER)
    services.record_attendance(s1, attended=True, actor=series["specialist"], now=AFTER)
    with pytest.raises(Forbidden):
        services.record_note(s1, done="Play", actor=series["coordinator"], now=AFTER)
    with pytest.raises(ValidationFailed):
        services.record_note(s1, done="  ", actor=series["specialist"], now=AFTER)
    due = services.note_due_on(s1)
    assert due == date(2027, 9, 3)  # Wednesday + 2 working days
    on_time = datetime(2027, 9, 3, 12, tzinfo=timezone.utc)
    services.record_note(s1, done="Turn-taking games", progress="Two words", family_plan="Read daily",
                         actor=series["specialist"], now=on_time)
    assert not services.is_note_late(s1, today=date(2027, 9, 20))
    s1.note_recorded_at = datetime(2027, 9, 6, 6, tzinfo=timezone.utc)
    assert services.is_note_late(s1, today=date(2027, 9, 20))


def test_working_days_skip_weekends_and_holidays():
    assert add_working_days(date(2027, 9, 3), 1) == date(2027, 9, 6)  # Friday -> Monday
    assert add_working_days(date(2027, 10, 22), 1) == date(2027, 10, 26)  # Republic Day, Monday 25 Oct 2027


def test_sessions_between_is_scoped_to_the_center_and_days(series):
    from tests.factories.centers import center

    first = series["sessions"][0]
    rows = db.session.scalars(queries.sessions_between(center_id=first.center_id, first=date(2027, 9, 1),
                                                       last=date(2027, 9, 8))).all()
    assert rows == series["sessions"][:2]
    assert db.session.scalars(queries.sessions_between(center_id=center("aktobe").id, first=date(2027, 9, 1),
                                                       last=date(2027, 9, 30))).all() == []


def test_batch_flags_for_the_coordinators_list(series):
    s1, s2, s3, s4 = series["sessions"]
    for s in (s2, s3, s4):
        services.record_attendance(s, attended=False, reason="child_ill", actor=series["specialist"], now=AFTER)
    services.record_attendance(s1, attended=True, actor=series["specialist"], now=AFTER)
    other = ReferralFactory(status=Status.ENROLLED)
    assert queries.missed_in_a_row_ids([series["referral"].id, other.id]) == {series["referral"].id}
    pending = queries.notes_missing_or_late(s1.center_id, since=datetime(2027, 8, 1, tzinfo=timezone.utc))
    assert pending == [s1] and services.is_note_late(s1, today=date(2027, 9, 20))
