"""Consent as data: recorded with each referral, added or withdrawn later by the center's coordinator.

Withdrawing the consent to the referral or to storage closes the child's open case (enrolled: closed; before
enrolment: withdrawn) with the reason, cancels its future sessions without texting the family, and ends the
text-message reminders; withdrawing the reminders' consent ends only the reminders. The records are then kept as
long as the retention setting requires (``referrals.retention``)."""
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from eic.audit import services as audit
from eic.core.errors import Forbidden, ValidationFailed
from eic.extensions import db

from . import permissions
from .models import CONSENT_FORM_VERSION, CONSENT_KINDS, REQUIRED_CONSENTS, Consent, Referral
from .status import FINAL, Status

OPTIONAL_CONSENTS = tuple(k for k in CONSENT_KINDS if k not in REQUIRED_CONSENTS)


def consents_with_referral(referral: Referral, *, given_by, given_on, optional: dict, form_version, actor) -> None:
    """The consents taken with a new referral: the required ones, and each optional one as given or refused."""
    for kind in CONSENT_KINDS:
        db.session.add(Consent(child_id=referral.child_id, referral_id=referral.id, kind=kind,
                               given=kind in REQUIRED_CONSENTS or bool(optional.get(kind)), given_by=given_by,
                               given_on=given_on, form_version=form_version or CONSENT_FORM_VERSION,
                               taken_by_id=actor.id))


def in_force(child_id: int, kind: str) -> bool:
    """Whether the child's family has given ``kind`` and not withdrawn it (the latest record decides)."""
    latest = db.session.scalar(select(Consent).where(Consent.child_id == child_id, Consent.kind == kind)
                               .order_by(Consent.given_on.desc(), Consent.id.desc()).limit(1))
    return latest is not None and latest.in_force


def history(child_id: int) -> list:
    return db.session.scalars(select(Consent).where(Consent.child_id == child_id)
                              .order_by(Consent.kind, Consent.id)).all()


def _require_coordinator(actor, referral):
    if not permissions.can_coordinate(actor, referral):
        raise Forbidden()


def record_consent(referral: Referral, *, kind, given_by, given_on: date | None, form_version, actor, today):
    """A consent given later (an optional one agreed at a visit). Raises Forbidden, ValidationFailed."""
    _require_coordinator(actor, referral)
    errors = {}
    if kind not in OPTIONAL_CONSENTS:
        errors["kind"] = [_l("Choose what the family agreed to.")]
    if not (given_by or "").strip():
        errors["given_by"] = [_l("Who gave the consent?")]
    if given_on is None or given_on > today:
        errors["given_on"] = [_l("Enter the day the consent was given (not in the future).")]
    if errors:
        raise ValidationFailed(fields=errors)
    row = Consent(child_id=referral.child_id, referral_id=referral.id, kind=kind, given=True,
                  given_by=given_by.strip()[:200], given_on=given_on,
                  form_version=(form_version or CONSENT_FORM_VERSION).strip()[:40], taken_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    audit.record("change", actor=actor, record_type="consent", record_id=row.id, referral_id=referral.id,
                 detail={"fields": {f"consent_{kind}": {"old": None, "new": "given"}}})
    return row


def withdraw_consent(referral: Referral, *, kind, on: date | None, note: str, actor, today) -> list:
    """Record a withdrawal and act on it (see the module's text); returns the consents withdrawn. Raises
    Forbidden, ValidationFailed (no such consent in force, a day in the future)."""
    _require_coordinator(actor, referral)
    if kind not in CONSENT_KINDS:
        raise ValidationFailed(fields={"kind": [_l("Choose the consent that is withdrawn.")]})
    if on is None or on > today:
        raise ValidationFailed(fields={"on": [_l("Enter the day of the withdrawal (not in the future).")]})
    kinds = (kind, "sms") if kind in REQUIRED_CONSENTS else (kind,)
    rows = [c for c in history(referral.child_id) if c.kind in kinds and c.in_force]
    if not any(c.kind == kind for c in rows):
        raise ValidationFailed(fields={"kind": [_l("This consent is not in force.")]})
    note = " ".join((note or "").split())[:2000]
    for row in rows:
        row.withdrawn_on, row.withdrawn_by_id, row.withdrawal_note = on, actor.id, note
        audit.record("change", actor=actor, record_type="consent", record_id=row.id, referral_id=referral.id,
                     detail={"fields": {f"consent_{row.kind}": {"old": "given", "new": "withdrawn"}}})
    if kind in REQUIRED_CONSENTS:
        _close_for_withdrawal(referral, note=note, actor=actor, today=today)
    db.session.flush()
    return rows


def _close_for_withdrawal(referral, *, note, actor, today):
    from eic.therapy.models import TherapySession

    from .models import StatusChange

    for case in db.session.scalars(select(Referral).where(Referral.child_id == referral.child_id,
                                                          Referral.is_open.is_(True))):
        target = Status.CLOSED if case.status is Status.ENROLLED else Status.WITHDRAWN
        before = case.status
        case.apply_status(target, today)
        assert target in FINAL
        db.session.add(StatusChange(referral=case, from_status=before, to_status=target, actor_id=actor.id, on=today,
                                    reason=str(_l("The family withdrew its consent.")) + (f" {note}" if note else "")))
        audit.record("status", actor=actor, record_type="referral", record_id=case.id, referral_id=case.id,
                     detail={"fields": {"status": {"old": before.value, "new": target.value}}})
        # Future sessions end quietly: the family has said it wants no more contact through the platform.
        from eic.core.timeutil import utc_now

        for session in db.session.scalars(select(TherapySession).where(
                TherapySession.referral_id == case.id, TherapySession.is_active.is_(True),
                TherapySession.starts_at > utc_now())):
            session.is_active = False
            session.cancel_reason = str(_l("Consent withdrawn"))
