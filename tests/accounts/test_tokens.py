"""API tokens have a name, a scope and an expiry; a user lists, makes and revokes their own; an administrator sees
and revokes all; each is audited."""
import re
from datetime import timedelta

from sqlalchemy import func, select

from eic.accounts.models import ApiToken
from eic.audit.models import AuditEvent
from eic.core.roles import Role
from eic.core.timeutil import utc_now
from eic.extensions import db
from tests.factories.accounts import user_for_role


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_a_user_makes_lists_and_revokes_their_own_tokens(client, login_as):
    coordinator = login_as(Role.COORDINATOR)
    # Events of this test only: tests that commit for real (tests/referrals/test_concurrency.py) delete their users,
    # and SQLite gives a later user the same id, while the append-only trail keeps what was done under it.
    since = db.session.scalar(select(func.coalesce(func.max(AuditEvent.id), 0)))
    bad = client.post("/account/tokens", data={"name": "", "scope": "everything"}, headers={"Accept-Language": "ru"})
    assert bad.status_code == 422 and db.session.scalars(select(ApiToken)).all() == []
    page = client.post("/account/tokens", data={"name": "МИС поликлиники", "scope": "read"},
                       headers={"Accept-Language": "ru"}).get_data(as_text=True)
    token = re.search(r'data-testid="token-value">([^<]+)<', page).group(1)
    (row,) = db.session.scalars(select(ApiToken)).all()
    assert row.name == "МИС поликлиники" and row.scope == "read" and token not in row.token_hash
    assert timedelta(days=89) < row.expires_at - utc_now() <= timedelta(days=90)
    listing = client.get("/account/tokens").get_data(as_text=True)
    assert "МИС поликлиники" in listing and token not in listing  # shown once only
    assert client.get("/api/v1/referrals", headers=bearer(token)).status_code == 200
    assert client.post(f"/account/tokens/{row.id}/revoke").status_code == 302
    assert client.get("/api/v1/referrals", headers=bearer(token)).status_code == 401
    actions = [e.detail["fields"]["token"]["new"] for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.record_type == "token", AuditEvent.actor_id == coordinator.id,
                                 AuditEvent.action == "account_change", AuditEvent.id > since))]
    assert actions == ["read", "revoked"]


def test_an_expired_token_does_not_work(client, session):
    from eic.accounts.services import issue_token

    user = user_for_role(Role.COORDINATOR)
    token = issue_token(user, name="old", scope="write")
    session.commit()
    assert client.get("/api/v1/referrals", headers=bearer(token)).status_code == 200
    row = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).one()
    row.expires_at = utc_now() - timedelta(seconds=1)
    session.commit()
    assert client.get("/api/v1/referrals", headers=bearer(token)).status_code == 401


def test_nobody_revokes_another_users_token_but_an_administrator(client, login_as, session, app):
    from eic.accounts.services import issue_token

    owner = user_for_role(Role.COORDINATOR)
    token = issue_token(owner, name="integration")
    session.commit()
    row = db.session.scalars(select(ApiToken).where(ApiToken.user_id == owner.id)).one()
    login_as(Role.SPECIALIST)
    assert client.post(f"/account/tokens/{row.id}/revoke").status_code == 404
    assert "integration" not in client.get("/account/tokens").get_data(as_text=True)
    admin_client = app.test_client()
    with admin_client.session_transaction() as s:
        admin = user_for_role(Role.ADMIN)
        session.commit()
        s["_user_id"], s["_fresh"] = admin.get_id(), True
        s["login_at"] = s["last_seen"] = utc_now().timestamp()
    everyone = admin_client.get("/admin/tokens").get_data(as_text=True)
    assert "integration" in everyone and owner.email in everyone
    assert admin_client.post(f"/account/tokens/{row.id}/revoke", data={"back": "admin"}).location.endswith(
        "/admin/tokens")
    assert client.get("/api/v1/referrals", headers=bearer(token)).status_code == 401


def test_a_read_token_cannot_change_anything(client, session):
    from eic.accounts.services import issue_token
    from tests.factories.referrals import payload

    pediatrician = user_for_role(Role.PEDIATRICIAN)
    reader, writer = issue_token(pediatrician, scope="read"), issue_token(pediatrician, scope="write")
    session.commit()
    refused = client.post("/api/v1/referrals", json=payload(), headers=bearer(reader))
    assert refused.status_code == 403 and refused.json["error"]["code"] == "read_only_token"
    assert client.get("/api/v1/referrals", headers=bearer(reader)).json["items"] == []
    assert client.post("/api/v1/referrals", json=payload(), headers=bearer(writer)).status_code == 201
