from datetime import date, datetime, time, timezone

import pytest

from eic.core.errors import Conflict, ValidationFailed
from eic.core.roles import Role
from eic.referrals.status import Status
from eic.therapy import services
from tests.factories.accounts import SpecialistFactory, user_for_role
from tests.factories.centers import CenterFactory, RoomFactory
from tests.factories.referrals import ReferralFactory

NOW = datetime(2027, 1, 4, tzinfo=timezone.utc)
DAY = date(2027, 9, 1)


@pytest.fixture
def world(ctx):
    center = CenterFactory()
    return dict(center=center, coordinator=user_for_role(Role.COORDINATOR, center=center),
                specialist=SpecialistFactory(center=center), room=RoomFactory(center=center, capacity=10),
                children=[ReferralFactory(center=center, status=Status.ENROLLED) for _ in range(4)])


def group(w, **kw):
    args = dict(center=w["center"], specialist=w["specialist"], referral=None, room=w["room"], start_on=DAY,
                at=time(11), minutes=60, count=1, capacity=3, actor=w["coordinator"], now=NOW)
    args.update(kw)
    [session] = services.book_series(**args)
    return session


def test_group_capacity_and_roster(world):
    session = group(world)
    for child in world["children"][:3]:
        services.add_to_roster(session, referral=child, actor=world["coordinator"])
    with pytest.raises(Conflict):
        services.add_to_roster(session, referral=world["children"][3], actor=world["coordinator"])
    assert len(session.roster) == 3
    with pytest.raises(Conflict):
        services.add_to_roster(session, referral=world["children"][0], actor=world["coordinator"])


def test_a_child_in_a_group_cannot_be_booked_elsewhere_then(world):
    session = group(world)
    child = world["children"][0]
    services.add_to_roster(session, referral=child, actor=world["coordinator"])
    with pytest.raises(services.BookingClash) as exc:
        services.book_series(center=world["center"], specialist=SpecialistFactory(center=world["center"]),
                             referral=child, room=RoomFactory(center=world["center"]), start_on=DAY, at=time(11, 30),
                             minutes=30, count=1, actor=world["coordinator"], now=NOW)
    assert [c["reason"] for c in exc.value.extra["conflicts"]] == ["child_busy"]
    other_group = group(world, specialist=SpecialistFactory(center=world["center"]),
                        room=RoomFactory(center=world["center"]), at=time(11, 30))
    with pytest.raises(services.BookingClash):
        services.add_to_roster(other_group, referral=child, actor=world["coordinator"])


def test_caregiver_groups_check_the_caregiver(world):
    peer = group(world, audience="caregiver", capacity=8, setting="center")
    family = world["children"][0]
    services.add_to_roster(peer, referral=family, actor=world["coordinator"])
    second = group(world, audience="caregiver", specialist=SpecialistFactory(center=world["center"]),
                   room=RoomFactory(center=world["center"]), at=time(11, 30))
    with pytest.raises(services.BookingClash) as exc:
        services.add_to_roster(second, referral=family, actor=world["coordinator"])
    assert exc.value.clashes[0].code == "caregiver_busy"


def test_group_input_rules(world):
    with pytest.raises(ValidationFailed) as exc:
        group(world, capacity=1)
    assert "capacity" in exc.value.fields
    with pytest.raises(ValidationFailed):
        group(world, audience="pets")
    individual = services.book_series(center=world["center"], specialist=world["specialist"],
                                      referral=world["children"][0], room=world["room"], start_on=DAY, at=time(9),
                                      minutes=45, count=1, actor=world["coordinator"], now=NOW)[0]
    with pytest.raises(Conflict):
        services.add_to_roster(individual, referral=world["children"][1], actor=world["coordinator"])


def test_the_roster_belongs_to_the_series_and_attendance_is_per_child(client, login_as):
    """Attendance used to be one value for the whole group and the roster was per occurrence. Now a child joins
    the series from a date on, leaves it from a date on, and each child's attendance and note are their own;
    an attended child counts as a family served."""
    from datetime import datetime, time, timedelta, timezone

    from sqlalchemy import select

    from eic.capacity.served import families_served
    from eic.core.roles import Role
    from eic.extensions import db
    from eic.referrals.status import Status
    from eic.therapy import services
    from eic.therapy.calendar import holiday_name
    from eic.therapy.models import RosterEntry
    from tests.factories.accounts import SpecialistFactory
    from tests.factories.centers import RoomFactory
    from tests.factories.referrals import ReferralFactory

    coordinator = login_as(Role.COORDINATOR)
    specialist = SpecialistFactory(center=coordinator.center)
    # A week ago, on a working day whose next three weeks hold no public holiday (16 December is one: a series
    # started on 25 November clashed with it).
    first_day = datetime.now(timezone.utc).date() - timedelta(days=7)
    while first_day.weekday() > 4 or any(holiday_name(first_day + timedelta(weeks=n)) for n in range(4)):
        first_day -= timedelta(days=1)
    group = services.book_series(center=coordinator.center, specialist=specialist, referral=None,
                                 room=RoomFactory(center=coordinator.center, capacity=6), start_on=first_day,
                                 at=time(15), minutes=60, weekdays=[first_day.weekday()], count=4, capacity=3,
                                 actor=coordinator, now=datetime(2020, 1, 1, tzinfo=timezone.utc))
    db.session.commit()
    anna, bota = (ReferralFactory(center=coordinator.center, status=Status.ENROLLED) for _ in range(2))
    client.post(f"/therapy/sessions/{group[0].id}/roster", data={"referral": str(anna.id)})
    client.post(f"/therapy/sessions/{group[1].id}/roster", data={"referral": str(bota.id)})

    def roster(session):
        return {e.referral_id for e in db.session.scalars(select(RosterEntry).where(
            RosterEntry.session_id == session.id))}

    assert [roster(s) for s in group] == [{anna.id}, {anna.id, bota.id}, {anna.id, bota.id}, {anna.id, bota.id}]
    client.post(f"/therapy/sessions/{group[2].id}/roster/{anna.id}/leave")
    assert [roster(s) for s in group] == [{anna.id}, {anna.id, bota.id}, {bota.id}, {bota.id}]
    # The first session (a week ago): Anna came; the second (today, started an hour ago? not yet) is untouched.
    page = client.post(f"/therapy/sessions/{group[0].id}/group-attendance",
                       data={f"attended-{anna.id}": "no"}, headers={"Accept-Language": "en"})
    assert page.status_code == 302
    assert db.session.scalar(select(RosterEntry.attendance).where(RosterEntry.session_id == group[0].id)) is None
    client.post(f"/therapy/sessions/{group[0].id}/group-attendance",
                data={f"attended-{anna.id}": "yes", f"note-{anna.id}": "Named five animals"})
    entry = db.session.scalar(select(RosterEntry).where(RosterEntry.session_id == group[0].id))
    assert entry.attendance == "attended" and entry.note == "Named five animals"
    detail = client.get(f"/therapy/sessions/{group[0].id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Held" in detail and "Named five animals" in detail
    assert families_served(coordinator.center_id, first_day, first_day) == 1
    # A single attendance for the whole group is refused.
    client.post(f"/therapy/sessions/{group[0].id}/attendance", data={"attended": "yes"})
    db.session.refresh(group[0])
    assert group[0].attendance is None
