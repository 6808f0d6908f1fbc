"""The sync endpoint of the specialist's offline week: the week a device keeps, changes applied in order and once,
conflicts never applied silently, scoping, and bad batches refused whole."""
from datetime import timedelta

from sqlalchemy import func, select

from eic.core.roles import Role
from eic.core.timeutil import utc_now
from eic.extensions import db
from eic.notifications.models import Notification
from eic.referrals.status import Status
from eic.therapy.models import HomeVisitChecklist, SyncChange, TherapySession
from tests.factories.accounts import user_for_role
from tests.factories.centers import RoomFactory, center
from tests.factories.intake import TeamMemberFactory
from tests.factories.referrals import ReferralFactory
from tests.factories.therapy import TherapySessionFactory


def visit(specialist, *, hours_ago=2, setting="home"):
    referral = ReferralFactory(center=center("aktobe"), status=Status.ENROLLED)
    TeamMemberFactory(referral_id=referral.id, specialist=specialist)
    at = utc_now() - timedelta(hours=hours_ago)
    row = TherapySessionFactory(room=RoomFactory(center=referral.center), center_id=referral.center_id,
                                specialist_id=specialist.id, referral_id=referral.id, child_id=referral.child_id,
                                starts_at=at, ends_at=at + timedelta(minutes=45), setting=setting,
                                address="Арал, Абай көшесі 5")
    db.session.commit()
    return row


def the_week(api):
    return {s["id"]: s for s in api.get("/api/v1/sync/week").get_json()["sessions"]}


def change(client_id, kind, session, data, base=None):
    return {"client_id": client_id, "kind": kind, "session_id": session["id"],
            "base": base or {"schedule": session["versions"]["schedule"], kind: session["versions"][kind]},
            "data": data}


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_week_holds_the_specialists_own_sessions_with_what_a_visit_needs(api, session):
    specialist = user_for_role(Role.SPECIALIST)
    mine = visit(specialist)
    other = visit(user_for_role(Role.SPECIALIST))
    week = the_week(api.as_user(specialist))
    assert set(week) == {mine.id} and other.id not in week
    item = week[mine.id]
    assert item["child"]["caregiver"]["phone"] and item["address"] == "Арал, Абай көшесі 5"
    assert set(item["versions"]) == {"schedule", "attendance", "note", "checklist"}


def test_changes_are_applied_in_order_and_once_however_often_sent(api, session):
    specialist = user_for_role(Role.SPECIALIST)
    row = visit(specialist)
    api.as_user(specialist)
    item = the_week(api)[row.id]
    batch = [change("c-attend-0001", "attendance", item, {"attended": True}),
             change("c-note-00001", "note", item, {"done": "Played with pictures", "family_plan": "Read daily"}),
             change("c-check-0001", "checklist", item, {"development": "Walks, 10 words", "safety_concern": False})]
    first = api.post("/api/v1/sync", json={"changes": batch}).get_json()["answers"]
    assert [a["status"] for a in first] == ["applied"] * 3  # the note after the attendance it needs
    again = api.post("/api/v1/sync", json={"changes": batch}).get_json()["answers"]
    assert [a["status"] for a in again] == ["applied"] * 3 and all(a["repeat"] for a in again)
    db.session.expire_all()
    saved = db.session.get(TherapySession, row.id)
    assert saved.attendance == "attended" and saved.note_done == "Played with pictures"
    assert count(HomeVisitChecklist) == 1 and count(SyncChange) == 3


def test_a_change_on_a_session_that_changed_meanwhile_is_a_conflict_and_nothing_is_written(api, session):
    specialist = user_for_role(Role.SPECIALIST)
    row = visit(specialist)
    api.as_user(specialist)
    item = the_week(api)[row.id]
    row.starts_at, row.ends_at = row.starts_at - timedelta(hours=1), row.ends_at - timedelta(hours=1)
    row.busy_from, row.busy_until = row.starts_at, row.ends_at
    db.session.commit()  # the coordinator moved it
    answer = api.post("/api/v1/sync", json={"changes": [
        change("c-note-00002", "note", item, {"done": "Typed offline"})]}).get_json()["answers"][0]
    assert answer["status"] == "conflict" and answer["server"]["starts_at"] == row.starts_at.isoformat()
    db.session.expire_all()
    assert db.session.get(TherapySession, row.id).note_done == ""
    # The specialist keeps theirs: sent again on the server's versions (a new id), it is applied.
    kept = change("c-note-00003", "note", item, {"done": "Typed offline"},
                  base={"schedule": answer["versions"]["schedule"], "note": answer["versions"]["note"]})
    row.attendance = "attended"
    db.session.commit()
    assert api.post("/api/v1/sync", json={"changes": [kept]}).get_json()["answers"][0]["status"] == "applied"


def test_another_note_saved_meanwhile_is_a_conflict_not_overwritten(api, session):
    specialist = user_for_role(Role.SPECIALIST)
    row = visit(specialist)
    row.attendance = "attended"
    db.session.commit()
    api.as_user(specialist)
    item = the_week(api)[row.id]
    row.note_done, row.note_recorded_at = "Saved on the desktop", utc_now()
    db.session.commit()
    answer = api.post("/api/v1/sync", json={"changes": [
        change("c-note-00004", "note", item, {"done": "Typed on the phone"})]}).get_json()["answers"][0]
    assert answer["status"] == "conflict" and answer["server"]["note"]["done"] == "Saved on the desktop"
    db.session.expire_all()
    assert db.session.get(TherapySession, row.id).note_done == "Saved on the desktop"


def test_another_specialists_session_is_refused(api, session):
    specialist = user_for_role(Role.SPECIALIST)
    theirs = visit(user_for_role(Role.SPECIALIST))
    api.as_user(specialist)
    fake = {"id": theirs.id, "versions": {"schedule": "x" * 16, "attendance": "x" * 16}}
    answer = api.post("/api/v1/sync", json={"changes": [
        change("c-att-000005", "attendance", fake, {"attended": True})]}).get_json()["answers"][0]
    assert answer["status"] == "refused" and answer["code"] == "not_found"
    db.session.expire_all()
    assert db.session.get(TherapySession, theirs.id).attendance is None
    assert api.as_user(user_for_role(Role.COORDINATOR)).post("/api/v1/sync", json={"changes": []}).status_code == 403


def test_a_batch_that_cannot_be_read_is_refused_whole_in_the_users_language(api, session):
    specialist = user_for_role(Role.SPECIALIST)
    row = visit(specialist)
    api.as_user(specialist)
    item = the_week(api)[row.id]
    good = change("c-att-000006", "attendance", item, {"attended": True})
    for body in ({"changes": "all"}, {"changes": []}, {"changes": [good, {"kind": "dance"}]},
                 {"changes": [good, dict(good)]}):
        answer = api.post("/api/v1/sync", json=body, lang="ru")
        assert answer.status_code == 422 and answer.get_json()["error"]["fields"]
    assert count(SyncChange) == 0
    db.session.expire_all()
    assert db.session.get(TherapySession, row.id).attendance is None


def test_a_refused_change_writes_nothing_and_later_ones_go_on(api, session):
    coordinator = user_for_role(Role.COORDINATOR, center_code="aktobe")
    specialist = user_for_role(Role.SPECIALIST)
    row = visit(specialist)
    api.as_user(specialist)
    item = the_week(api)[row.id]
    answers = api.post("/api/v1/sync", json={"changes": [
        change("c-note-00007", "note", item, {"done": "Before attendance"}),  # a note needs attendance first
        change("c-att-000007", "attendance", item, {"attended": False, "reason": "no-such-reason"}),
        change("c-check-0007", "checklist", item, {"safety_concern": True, "safety_note": ""}),
        change("c-check-0008", "checklist", item, {"safety_concern": True, "safety_note": "No heating at home"}),
    ]}).get_json()["answers"]
    assert [a["status"] for a in answers] == ["refused", "refused", "refused", "applied"]
    assert "safety_note" in answers[2]["fields"]
    db.session.expire_all()
    saved = db.session.get(TherapySession, row.id)
    assert saved.attendance is None and saved.note_done == ""
    told = db.session.scalars(select(Notification.user_id).where(Notification.kind == "safety_concern")).all()
    assert told == [coordinator.id]  # once, for the checklist that was applied


def test_a_devices_token_ends_with_the_log_in_and_at_log_out(client, session, login_as, app):
    from eic.accounts.models import ApiToken

    specialist = login_as(Role.SPECIALIST)
    first = client.post("/therapy/offline/token").get_json()
    second = client.post("/therapy/offline/token").get_json()
    assert first["token"] != second["token"]
    rows = db.session.scalars(select(ApiToken).where(ApiToken.user_id == specialist.id).order_by(ApiToken.id)).all()
    assert [r.revoked_at is None for r in rows] == [False, True]  # a new one ends the one before
    assert rows[1].expires_at - utc_now() <= app.config["EIC_ABSOLUTE_TIMEOUT"]
    auth = {"Authorization": f"Bearer {second['token']}"}
    assert client.get("/api/v1/sync/week", headers=auth).status_code == 200
    client.post("/logout")
    assert client.get("/api/v1/sync/week", headers=auth).status_code == 401


def test_the_checklist_is_on_the_sessions_page_for_the_team(client, session, login_as):
    from tests.factories.therapy import HomeVisitChecklistFactory

    specialist = user_for_role(Role.SPECIALIST)
    row = visit(specialist)
    HomeVisitChecklistFactory(session_id=row.id, living_conditions="Cold flat", safety_concern=True,
                              safety_note="No heating")
    db.session.commit()
    login_as(Role.COORDINATOR, center_code="aktobe")
    page = client.get(f"/therapy/sessions/{row.id}", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert 'data-testid="checklist"' in page and "Cold flat" in page and "No heating" in page
