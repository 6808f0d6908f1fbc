"""Consent as data: taken with the referral (the required ones and each optional one, as given or refused),
recorded later, withdrawn; a withdrawal of the referral's or the records' consent closes the case, cancels its
future sessions quietly and stops the reminders."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from eic.audit.models import AuditEvent
from eic.core.roles import Role
from eic.core.timeutil import almaty_today
from eic.extensions import db
from eic.referrals.consent import in_force
from eic.referrals.models import Consent, Referral
from eic.referrals.status import Status
from eic.therapy.models import TherapySession
from tests.factories.accounts import user_for_role
from tests.factories.referrals import ConsentFactory, ReferralFactory, payload
from tests.factories.therapy import RoomFactory, TherapySessionFactory


def test_the_referral_records_each_consent_as_data(api, session):
    pediatrician = user_for_role(Role.PEDIATRICIAN)
    api.as_user(pediatrician)
    bad = api.post("/api/v1/referrals", json=payload(**{"consent.sms": "yes please"}))
    assert bad.status_code == 422 and "consent.sms" in bad.json["error"]["fields"]
    assert db.session.scalars(select(Consent)).all() == []
    made = api.post("/api/v1/referrals", json=payload(**{"consent.sms": True}))
    assert made.status_code == 201
    referral = db.session.get(Referral, made.json["id"])
    rows = {c.kind: c for c in db.session.scalars(select(Consent).where(Consent.child_id == referral.child_id))}
    assert {k: c.given for k, c in rows.items()} == {"referral": True, "storage": True, "sms": True,
                                                     "statistics": False}
    assert rows["sms"].taken_by_id == pediatrician.id and rows["sms"].form_version == "EIC-2026-1"
    assert rows["sms"].given_by == "Гүлнар Сынақова" and in_force(referral.child_id, "sms")
    assert not in_force(referral.child_id, "statistics")


def test_withdrawing_the_records_consent_closes_the_case_quietly(client, login_as, session):
    coordinator = login_as(Role.COORDINATOR)
    referral = ReferralFactory(center=coordinator.center, status=Status.ENROLLED)
    for kind in ("referral", "storage", "sms"):
        ConsentFactory(child_id=referral.child_id, referral_id=referral.id, kind=kind)
    start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=3)
    future = TherapySessionFactory(room=RoomFactory(center=coordinator.center), referral_id=referral.id,
                                   child_id=referral.child_id, starts_at=start, ends_at=start + timedelta(minutes=45))
    session.commit()
    address = f"/referrals/{referral.id}/consents/withdraw"
    tomorrow = (almaty_today() + timedelta(days=1)).isoformat()
    bad = client.post(address, data={"withdrawn_kind": "storage", "on": tomorrow, "confirm": "y"},
                      headers={"Accept-Language": "ru"})
    assert bad.status_code == 422 and db.session.get(Referral, referral.id).is_open
    unticked = client.post(address, data={"withdrawn_kind": "storage", "on": almaty_today().isoformat()})
    assert unticked.status_code == 422 and in_force(referral.child_id, "storage")
    done = client.post(address, data={"withdrawn_kind": "storage", "on": almaty_today().isoformat(), "confirm": "y",
                                      "note": "Семья переезжает"})
    assert done.status_code == 302
    db.session.expire_all()
    closed = db.session.get(Referral, referral.id)
    assert closed.status is Status.CLOSED and not closed.is_open
    # Written in the coordinator's language at the time, with the note, like any reason typed on the page.
    assert closed.history[-1].reason == "Отбасы келісімін кері қайтарды. Семья переезжает"
    assert not in_force(referral.child_id, "storage") and not in_force(referral.child_id, "sms")
    assert in_force(referral.child_id, "referral")
    assert db.session.get(TherapySession, future.id).is_active is False
    changes = db.session.scalars(select(AuditEvent).where(AuditEvent.referral_id == referral.id,
                                                          AuditEvent.record_type == "consent")).all()
    assert {tuple(e.detail["fields"]) for e in changes} == {("consent_storage",), ("consent_sms",)}
    page = client.get(f"/referrals/{referral.id}", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "Семья переезжает" in page


def test_an_optional_consent_given_later(client, login_as, session):
    coordinator = login_as(Role.COORDINATOR)
    referral = ReferralFactory(center=coordinator.center, status=Status.ENROLLED)
    session.commit()
    address = f"/referrals/{referral.id}/consents"
    bad = client.post(address, data={"kind": "storage", "given_by": "Мама", "given_on": almaty_today().isoformat()})
    assert bad.status_code == 422 and db.session.scalars(select(Consent)).all() == []
    client.post(address, data={"kind": "statistics", "given_by": "Мама", "given_on": almaty_today().isoformat(),
                               "form_version": "Қағаз нысан 2026.1"})
    (row,) = db.session.scalars(select(Consent)).all()
    assert row.kind == "statistics" and row.taken_by_id == coordinator.id and row.form_version == "Қағаз нысан 2026.1"
