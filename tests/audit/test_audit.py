"""Every look at a child's record, every change, log-in, token use, setting and permission change, export and
import writes exactly one append-only audit row, with the right actor, record and action; refusals write no
success; the administrators' log shows no child's personal data."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from eic.audit.models import AuditEvent
from eic.core.roles import Role
from eic.core.timeutil import almaty_today
from eic.extensions import db
from eic.referrals.status import Status
from tests.conftest import form_login
from tests.factories.accounts import PASSWORD, UserFactory, user_for_role
from tests.factories.referrals import ReferralFactory


@pytest.fixture(autouse=True)
def since(session):
    """Only this test's rows: tests with real threads commit outside the rolled-back transaction, and audit rows
    cannot be deleted after them."""
    SINCE["id"] = session.scalar(select(func.coalesce(func.max(AuditEvent.id), 0)))


SINCE = {"id": 0}


def events(**where):
    stmt = select(AuditEvent).where(AuditEvent.id > SINCE["id"]).order_by(AuditEvent.id)
    for name, value in where.items():
        stmt = stmt.where(getattr(AuditEvent, name) == value)
    return db.session.scalars(stmt).all()


def test_audit_rows_cannot_be_changed_or_deleted(session):
    row = AuditEvent(action="read", outcome="ok", record_type="referral", record_id=1, referral_id=1)
    session.add(row)
    session.flush()
    for statement in (f"UPDATE audit_events SET action = 'login' WHERE id = {row.id}",
                      f"DELETE FROM audit_events WHERE id = {row.id}", "DELETE FROM audit_events"):
        savepoint = session.begin_nested()
        with pytest.raises(DatabaseError, match="append-only"):
            session.execute(text(statement))
        savepoint.rollback()
    assert session.execute(text(f"SELECT action FROM audit_events WHERE id = {row.id}")).scalar() == "read"


def test_each_look_at_a_childs_record_is_one_row(client, login_as, api):
    coordinator = login_as(Role.COORDINATOR)
    referral = ReferralFactory(center=coordinator.center)
    db.session.commit()
    assert client.get(f"/referrals/{referral.id}").status_code == 200
    assert client.get(f"/referrals/{referral.id}/letter/kk").status_code == 200
    api.as_user(coordinator)
    assert api.get(f"/api/v1/referrals/{referral.id}").status_code == 200
    looks = events(action="read", referral_id=referral.id)
    assert [(e.actor_id, e.actor_role, e.via, e.record_type) for e in looks] == [
        (coordinator.id, "coordinator", "page", "referral"), (coordinator.id, "coordinator", "print", "referral"),
        (coordinator.id, "coordinator", "api", "referral")]
    assert all(e.request_id for e in looks)


def test_a_refused_look_leaves_no_read(client, login_as):
    other = ReferralFactory()  # another center's child
    login_as(Role.COORDINATOR, center_code="oral")
    assert client.get(f"/referrals/{other.id}").status_code == 404
    assert events(action="read") == []


def test_changes_record_fields_and_never_personal_values(client, login_as):
    from tests.factories.referrals import valid_iin

    coordinator = login_as(Role.COORDINATOR)
    referral = ReferralFactory(center=coordinator.center)
    db.session.commit()
    old_iin, born = referral.child.iin, referral.child.birth_on
    new_iin = valid_iin(born, referral.child.sex)
    answer = client.post(f"/referrals/{referral.id}/iin", data={"new_iin": new_iin, "reason_code": "correction",
                                                                "reason": "typo", "confirm_mismatch": "y"})
    assert answer.status_code == 302
    (change,) = events(action="change", referral_id=referral.id)
    assert change.actor_id == coordinator.id and change.detail["fields"] == {"iin": {}}
    assert old_iin not in str(change.detail) and new_iin not in str(change.detail)
    assert client.post(f"/intake/cases/{referral.id}/decide", data={"to": "accepted"}).status_code == 302
    (status,) = events(action="status", referral_id=referral.id)
    assert status.detail["fields"]["status"] == {"old": "submitted", "new": "accepted"}


def test_log_ins_failed_log_ins_and_log_outs(client, session):
    user = UserFactory(role=Role.SPECIALIST, center=user_for_role(Role.COORDINATOR).center)
    session.commit()
    client.post("/login", data={"email": user.email, "password": "wrong-password"})
    client.post("/login", data={"email": "nobody@nowhere.kz", "password": "whatever-it-is"})
    form_login(client, user.email, PASSWORD)
    client.post("/logout")
    actions = [(e.action, e.outcome, e.actor_id) for e in events()]
    assert actions == [("login_failed", "refused", None), ("login_failed", "refused", None),
                       ("login", "ok", user.id), ("logout", "ok", user.id)]
    assert events()[1].detail == {"email": "nobody@nowhere.kz"}


def test_token_use_is_recorded_once_a_minute(api, session):
    from eic.accounts.models import ApiToken

    user = user_for_role(Role.COORDINATOR)
    api.as_user(user)
    for _ in range(3):
        assert api.get("/api/v1/referrals").status_code == 200
    assert len(events(action="token_use")) == 1
    token = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).one()
    token.last_used_at -= timedelta(minutes=2)
    session.commit()
    api.get("/api/v1/referrals")
    assert [e.actor_id for e in events(action="token_use")] == [user.id, user.id]


def test_role_account_and_setting_changes(client, login_as, session):
    from eic.core import settings

    admin = login_as(Role.ADMIN)
    pediatrician = user_for_role(Role.PEDIATRICIAN)
    session.commit()
    values = settings.current_values()
    client.post("/admin/settings", data=values | {"therapy.home_travel_minutes": "25"})
    client.post("/admin/settings", data=values | {"therapy.home_travel_minutes": "25"})  # no change: no row
    (setting,) = events(action="setting_change")
    assert setting.actor_id == admin.id and setting.detail["key"] == "therapy.home_travel_minutes"
    assert setting.detail["fields"]["value"]["new"] == 25
    client.post(f"/admin/users/{pediatrician.id}/active", data={"confirm": "y"})
    assert [e.record_id for e in events(action="account_change")] == [pediatrician.id]


def test_exports_are_recorded_with_their_row_count(client, login_as):
    coordinator = login_as(Role.COORDINATOR)
    for _ in range(3):
        ReferralFactory(center=coordinator.center)
    db.session.commit()
    assert client.get("/referrals/export.xlsx").status_code == 200
    (export,) = events(action="export")
    assert export.actor_id == coordinator.id and export.rows == 3 and export.via == "export"


def test_the_admin_log_pages_filters_and_shows_no_personal_data(client, login_as, session):
    from tests.factories.audit import AuditEventFactory
    from tests.factories.referrals import ChildFactory

    child = ChildFactory(last_name="Құпиятегі", first_name="Атсыз")
    referral = ReferralFactory(child=child)
    reader = user_for_role(Role.COORDINATOR)
    for _ in range(60):
        AuditEventFactory(actor=reader, referral_id=referral.id, record_id=referral.id)
    AuditEventFactory(actor=reader, action="export", referral_id=None, rows=12)
    admin = login_as(Role.ADMIN)
    session.commit()
    page = client.get(f"/admin/audit/?user={reader.email}", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "Құпиятегі" not in page and child.iin not in page and reader.full_name in page
    assert page.count("<tr") == 51 and 'data-testid="audit-older"' in page  # the header and one page of 50
    older = client.get(f"/admin/audit/?user={reader.email}&before={events()[-40].id}").get_data(as_text=True)
    assert older.count("<tr") == 1 + 21  # the 21 rows before it
    only = client.get(f"/admin/audit/?action=export&user={reader.email}").get_data(as_text=True)
    assert only.count("<tr") == 2
    bad = client.get("/admin/audit/?user=nobody@x.kz&from=31.02.2026", headers={"Accept-Language": "ru"})
    assert bad.status_code == 200 and bad.get_data(as_text=True).count('role="alert"') == 2
    book = client.get(f"/admin/audit/export.xlsx?case={referral.id}")
    assert book.status_code == 200 and book.data[:2] == b"PK"  # recorded once the file has been sent
    assert events(action="export", actor_id=admin.id)[-1].rows == 60


def test_the_coordinator_sees_who_opened_the_record(client, login_as, session):
    specialist = user_for_role(Role.SPECIALIST)
    coordinator = login_as(Role.COORDINATOR)
    referral = ReferralFactory(center=coordinator.center)
    from tests.factories.audit import AuditEventFactory

    AuditEventFactory(actor=specialist, referral_id=referral.id, record_id=referral.id)
    session.commit()
    page = client.get(f"/referrals/{referral.id}", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert 'data-testid="who-opened"' in page and specialist.full_name in page


def test_every_change_to_a_childs_record_is_tracked_without_personal_values(client, login_as, session):
    """Before: contacts, assessments, plans, sessions, notes and discharges changed with no trace."""
    from tests.factories.referrals import ReferralFactory

    coordinator = login_as(Role.COORDINATOR)
    referral = ReferralFactory(center=coordinator.center, status=Status.ACCEPTED)
    session.commit()
    answer = client.post(f"/intake/cases/{referral.id}/contact", data={
        "contacted_on": almaty_today().isoformat(), "method": "phone", "person_reached": "Гүлнар Құпиясова",
        "notes": "Мекенжайы: Құпия көшесі 5"})
    assert answer.status_code == 302
    (made,) = events(action="create", referral_id=referral.id)
    assert made.record_type == "initial_contacts" and made.actor_id == coordinator.id
    assert "Құпия" not in str(made.detail)
    for _ in range(2):  # a refused change leaves no success
        client.post(f"/intake/cases/{referral.id}/contact", data={"contacted_on": "nonsense", "method": "phone"})
    assert len(events(action="create", referral_id=referral.id)) == 1
