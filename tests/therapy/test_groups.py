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
