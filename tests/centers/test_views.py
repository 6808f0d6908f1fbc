"""The pages that keep a center's reference data: its rooms."""
import pytest

from eic.core.roles import Role
from eic.extensions import db


def test_a_coordinator_keeps_the_centers_rooms(client, login_as):
    """Rooms could only be made by the demo loader: a coordinator (or an administrator) now adds, corrects and
    retires them; a retired room takes no new booking; bad input changes nothing."""
    from datetime import date, time

    from sqlalchemy import func, select

    from eic.centers.models import Room
    from eic.core.errors import ValidationFailed
    from eic.referrals.status import Status
    from eic.therapy import services
    from tests.factories.accounts import SpecialistFactory
    from tests.factories.referrals import ReferralFactory

    coordinator = login_as(Role.COORDINATOR)

    def rooms():
        return db.session.scalar(select(func.count()).select_from(Room).where(Room.center_id == coordinator.center_id))

    before = rooms()
    bad = client.post("/centers/rooms", data={"name": " ", "kind": "therapy", "capacity": "0"},
                      headers={"Accept-Language": "en"})
    assert bad.status_code == 422 and rooms() == before
    client.post("/centers/rooms", data={"name": "Кабинет  логопеда", "kind": "therapy", "capacity": "2",
                                        "is_accessible": "y", "is_active": "y"})
    room = db.session.scalar(select(Room).where(Room.name == "Кабинет логопеда"))
    assert room.center_id == coordinator.center_id and room.is_accessible and room.capacity == 2
    same = client.post("/centers/rooms", data={"name": "Кабинет логопеда", "kind": "gym", "capacity": "3"},
                       headers={"Accept-Language": "en"})
    assert "The center has a room of this name." in same.get_data(as_text=True)
    client.post("/centers/rooms", data={"room_id": str(room.id), "name": "Кабинет логопеда", "kind": "therapy",
                                        "capacity": "2"})  # "in use" unticked: retired
    db.session.refresh(room)
    assert not room.is_active
    with pytest.raises(ValidationFailed) as failed:
        services.book_series(center=coordinator.center, specialist=SpecialistFactory(center=coordinator.center),
                             referral=ReferralFactory(center=coordinator.center, status=Status.ENROLLED), room=room,
                             start_on=date(2030, 1, 9), at=time(10), minutes=45, count=1, actor=coordinator)
    assert "room" in failed.value.fields
    # Another center's room is not this coordinator's to edit.
    from tests.factories.centers import RoomFactory, center

    theirs = RoomFactory(center=center("oral"))
    db.session.commit()
    assert client.get(f"/centers/rooms?room_id={theirs.id}").status_code == 404


def test_the_center_edit_page_opens_with_the_centers_region(client, login_as):
    from tests.factories.centers import center

    login_as(Role.ADMIN)
    aktobe = center("aktobe")
    page = client.get(f"/centers/{aktobe.id}/edit").get_data(as_text=True)
    assert f'<option selected value="{aktobe.region_id}">' in page
