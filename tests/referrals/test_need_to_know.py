"""Need to know: a specialist sees the children of their own team (and, for 90 days, those they left), the rest of
the center only as busy blocks on the calendar; breaking the glass, with a reason, opens another child's record
of the center until the end of the day, is audited and tells the coordinator."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from eic.audit.models import AuditEvent
from eic.core.roles import Role
from eic.core.timeutil import ALMATY, almaty_today, utc_now
from eic.extensions import db
from eic.notifications.models import Notification
from eic.referrals.models import CaseAccess
from eic.referrals.status import Status
from tests.factories.accounts import user_for_role
from tests.factories.intake import TeamMemberFactory
from tests.factories.referrals import ReferralFactory
from tests.factories.therapy import RoomFactory, TherapySessionFactory


def case(specialist, **team):
    referral = ReferralFactory(center=specialist.center, status=Status.ENROLLED)
    if team is not None and team.get("on", True):
        TeamMemberFactory(referral_id=referral.id, specialist=specialist, ended_on=team.get("ended_on"))
    return referral


def test_a_specialist_sees_their_team_and_recent_teams_only(client, login_as):
    specialist = login_as(Role.SPECIALIST)
    mine = case(specialist)
    left_lately = case(specialist, ended_on=almaty_today() - timedelta(days=30))
    left_long_ago = case(specialist, ended_on=almaty_today() - timedelta(days=100))
    other = case(specialist, on=False)
    db.session.commit()
    assert client.get(f"/intake/cases/{mine.id}").status_code == 200
    assert client.get(f"/intake/cases/{left_lately.id}").status_code == 200
    assert client.get(f"/intake/cases/{left_long_ago.id}").status_code == 404
    assert client.get(f"/intake/cases/{other.id}").status_code == 404
    listed = client.get("/referrals").get_data(as_text=True)
    assert mine.child.full_name in listed and other.child.full_name not in listed


def test_other_childrens_sessions_are_busy_blocks_on_the_calendar(client, login_as):
    specialist = login_as(Role.SPECIALIST)
    mine, other = case(specialist), case(specialist, on=False)
    room = RoomFactory(center=specialist.center, name="Кабинет сенсорики")
    start = datetime(2030, 1, 9, 5, tzinfo=timezone.utc)
    own = TherapySessionFactory(room=room, referral_id=mine.id, child_id=mine.child_id, starts_at=start,
                                ends_at=start + timedelta(minutes=45), specialist_id=specialist.id)
    theirs = TherapySessionFactory(room=room, referral_id=other.id, child_id=other.child_id,
                                   starts_at=start + timedelta(hours=1), ends_at=start + timedelta(hours=2))
    db.session.commit()
    week = client.get("/therapy/week?start=2030-01-07", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert mine.child.full_name in week and other.child.full_name not in week
    assert f'data-testid="busy-{theirs.id}"' in week and "Занято" in week and "Кабинет сенсорики" in week
    assert f'data-testid="busy-{own.id}"' not in week
    assert client.get(f"/therapy/sessions/{theirs.id}").status_code == 404
    assert client.get(f"/therapy/sessions/{own.id}").status_code == 200


def test_breaking_the_glass_opens_the_record_for_the_day_and_tells_the_coordinator(client, login_as, session):
    coordinator = user_for_role(Role.COORDINATOR)
    specialist = login_as(Role.SPECIALIST)
    other = case(specialist, on=False)
    session.commit()
    address = f"/referrals/{other.id}/emergency-access"
    assert client.get(address, headers={"Accept-Language": "kk"}).status_code == 200
    short = client.post(address, data={"reason": "керек", "confirm": "y"}, headers={"Accept-Language": "ru"})
    assert short.status_code == 422 and "не менее 10 символов" in short.get_data(as_text=True)
    assert client.post(address, data={"reason": "Айгерімді алмастырамын, үй сабағы"}).status_code == 422  # no tick
    assert db.session.scalars(select(CaseAccess)).all() == []
    assert client.get(f"/intake/cases/{other.id}").status_code == 404
    done = client.post(address, data={"reason": "Айгерімді алмастырамын, үй сабағы", "confirm": "y"})
    assert done.status_code == 302 and done.location.endswith(f"/intake/cases/{other.id}")
    assert client.get(f"/intake/cases/{other.id}").status_code == 200
    (access,) = db.session.scalars(select(CaseAccess)).all()
    assert access.expires_at.astimezone(ALMATY).time().hour == 0
    assert access.expires_at.astimezone(ALMATY).date() == almaty_today() + timedelta(days=1)
    (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "break_glass")).all()
    assert event.actor_id == specialist.id and event.referral_id == other.id
    assert event.detail["case_access_id"] == access.id and "алмастырамын" not in str(event.detail)
    (note,) = db.session.scalars(select(Notification).where(Notification.user_id == coordinator.id)).all()
    assert note.kind == "break_glass" and note.subject_id == other.id
    # The coordinator sees the list.
    client.post("/logout")
    login_as(coordinator)
    page = client.get("/intake/emergency-access").get_data(as_text=True)
    assert other.child.full_name in page and "алмастырамын" in page and specialist.full_name in page
    # The next day the record is closed again.
    access.expires_at = utc_now() - timedelta(seconds=1)
    session.commit()
    client.post("/logout")
    login_as(specialist)
    assert client.get(f"/intake/cases/{other.id}").status_code == 404


def test_the_glass_opens_only_the_own_centers_cases_and_only_for_specialists(client, login_as):
    elsewhere = ReferralFactory()  # Aktobe by default
    login_as(Role.SPECIALIST, center_code="oral")
    assert client.get(f"/referrals/{elsewhere.id}/emergency-access").status_code == 404
    assert client.post(f"/referrals/{elsewhere.id}/emergency-access",
                       data={"reason": "Айгерімді алмастырамын", "confirm": "y"}).status_code == 404
    assert db.session.scalars(select(CaseAccess)).all() == []


def test_the_api_gives_other_teams_sessions_as_busy_blocks(api, session):
    """Before: the session list gave every session of the center with its case and the family's address."""
    specialist = user_for_role(Role.SPECIALIST)
    mine, other = case(specialist), case(specialist, on=False)
    start = datetime(2030, 1, 9, 5, tzinfo=timezone.utc)
    own = TherapySessionFactory(room=RoomFactory(center=specialist.center), referral_id=mine.id,
                                child_id=mine.child_id, starts_at=start, ends_at=start + timedelta(minutes=45),
                                specialist_id=specialist.id, setting="home", address="Ақтөбе, Абай 1")
    theirs = TherapySessionFactory(room=None, center_id=specialist.center_id, referral_id=other.id,
                                   child_id=other.child_id, starts_at=start + timedelta(hours=1),
                                   ends_at=start + timedelta(hours=2), setting="home", address="Ақтөбе, Құпия 7")
    session.commit()
    items = {i["id"]: i for i in api.as_user(specialist).get("/api/v1/sessions?from=2030-01-07&to=2030-01-13")
             .json["items"]}
    assert items[own.id]["referral_id"] == mine.id and items[own.id]["address"] == "Ақтөбе, Абай 1"
    assert items[theirs.id]["busy"] is True and "referral_id" not in items[theirs.id]
    assert "address" not in items[theirs.id] and "Құпия" not in str(items)


def test_a_polyclinic_may_let_its_pediatricians_cover_for_each_other(client, login_as, session, app):
    from eic.centers.models import Polyclinic

    author = user_for_role(Role.PEDIATRICIAN)
    colleague = user_for_role(Role.PEDIATRICIAN, polyclinic=author.polyclinic)
    referral = ReferralFactory(pediatrician=author, polyclinic_id=author.polyclinic_id)
    session.commit()
    login_as(colleague)
    assert client.get(f"/referrals/{referral.id}").status_code == 404  # the default: each sees their own
    admin = app.test_client()
    with admin.session_transaction() as s:
        boss = user_for_role(Role.ADMIN)
        session.commit()
        s["_user_id"], s["_fresh"] = boss.get_id(), True
        s["login_at"] = s["last_seen"] = utc_now().timestamp()
    assert admin.post("/centers/polyclinics", data={"polyclinic": author.polyclinic_id, "shared": "yes"}
                      ).status_code == 302
    assert db.session.get(Polyclinic, author.polyclinic_id).shared_referrals is True
    assert client.get(f"/referrals/{referral.id}").status_code == 200
    outsider = user_for_role(Role.PEDIATRICIAN)  # another polyclinic
    session.commit()
    login_as(outsider)
    assert client.get(f"/referrals/{referral.id}").status_code == 404
