"""Submitting referrals and moving them through their statuses."""
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from eic.audit import services as audit
from eic.centers import queries as center_queries
from eic.centers import reference
from eic.core.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed
from eic.core.locking import lock_for_change
from eic.core.roles import Role
from eic.core.timeutil import almaty_today
from eic.core.validation import Errors, parse_date, parse_int, text_field
from eic.extensions import db
from eic.notifications.services import in_each_language, notify

from . import permissions
from .models import Caregiver, Child, IinChange, Referral, ReferralDiagnosis, ReferralRiskFactor, StatusChange
from .status import NOTIFY_REFERRER, REASON_REQUIRED, STATUS_LABELS, DeclineReason, Status, allowed
from .validation import (LANGUAGES, RELATIONS, SEXES, age_error, icd10_error, iin_encoded, iin_error, normalise_icd10,
                         normalise_iin, normalise_phone)


class DuplicateReferral(Conflict):
    """Raised when the child already has an open referral; ``existing_id`` names it when the caller may see it."""
    code = "duplicate_referral"
    default_message = _l("This child already has an open referral.")


class NeedsConfirmation(ValidationFailed):
    """The content is valid but has warnings a person must confirm (the form; the API never blocks)."""

    code = "needs_confirmation"
    default_message = _l("Please check the warnings and confirm.")


@dataclass
class CleanReferral:
    """A referral's fields after validation, ready to store, with the warnings the sender has to confirm."""
    child: dict
    caregiver: dict
    center: object
    icd10: list
    risk_factors: list
    notes: str
    consent_given_by: str
    consent_given_on: date
    warnings: list = field(default_factory=list)
    optional_consents: dict = field(default_factory=dict)
    consent_form: str = ""


def _section(data, key):
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def validate_referral(data: dict, *, actor, today: date) -> CleanReferral:
    """Check a submission in the API's shape; raise ValidationFailed with every field's messages at once."""
    errors = Errors()
    child = _clean_child(_section(data, "child"), errors, today)
    carer = _clean_caregiver(_section(data, "caregiver"), errors)
    center = _target_center(data.get("center_code"), actor, errors)
    codes = _icd10_codes(data.get("icd10_codes"), errors)
    factors = _risk_factors(data.get("risk_factors"), errors)
    if not codes and not factors and "icd10_codes" not in errors.fields and "risk_factors" not in errors.fields:
        errors.add("icd10_codes", _l("Give at least one ICD-10 code or risk factor."))
    notes = text_field(data, "notes", errors, "", required=False, max_len=4000)
    consent = _section(data, "consent")
    given_by = text_field(consent, "given_by", errors, "consent.")
    given_on = _clean_date(consent.get("given_on"), "consent.given_on", errors,
                           missing=_l("The caregiver's consent to data processing is required."))
    if given_on is not None and given_on > today:
        errors.add("consent.given_on", _l("The consent date cannot be in the future."))
    optional = {}
    for kind in ("sms", "statistics"):
        value = consent.get(kind, False)
        if not isinstance(value, bool):
            errors.add(f"consent.{kind}", _l("Answer yes or no."))
        optional[kind] = value is True
    form = consent.get("form") or ""
    if not isinstance(form, str) or len(form) > 40:
        errors.add("consent.form", _l("At most %(n)s characters.", n=40))
    if errors:
        raise ValidationFailed(fields=errors.fields)
    return CleanReferral(child=child, caregiver=carer, center=center, icd10=codes, risk_factors=factors,
                         notes=notes, consent_given_by=given_by, consent_given_on=given_on,
                         warnings=iin_warnings(child["iin"], child["birth_on"], child["sex"]),
                         optional_consents=optional, consent_form=form.strip() if isinstance(form, str) else "")


def _clean_date(raw, name: str, errors: Errors, *, missing) -> date | None:
    """An ISO date from ``raw``; ``missing`` or a format message under ``name`` otherwise."""
    value = parse_date(raw)
    if raw in (None, ""):
        errors.add(name, missing)
    elif value is None:
        errors.add(name, _l("Enter a date as YYYY-MM-DD."))
    return value


# Optional whole numbers about the birth: (key, lowest, highest, message).
BIRTH_MEASURES = (
    ("gestational_age_weeks", 22, 44, _l("Gestational age must be a whole number of weeks from 22 to 44.")),
    ("birth_weight_g", 300, 6000, _l("Birth weight must be a whole number of grams from 300 to 6000.")),
)


def _clean_child(raw_child: dict, errors: Errors, today: date) -> dict:
    child = {"iin": normalise_iin(raw_child.get("iin"))}
    if not child["iin"]:
        errors.add("child.iin", _l("This field is required."))
    elif (message := iin_error(child["iin"])) is not None:
        errors.add("child.iin", message)
    child["last_name"] = text_field(raw_child, "last_name", errors, "child.", max_len=100)
    child["first_name"] = text_field(raw_child, "first_name", errors, "child.", max_len=100)
    child["patronymic"] = text_field(raw_child, "patronymic", errors, "child.", required=False, max_len=100)
    child["address"] = text_field(raw_child, "address", errors, "child.", max_len=300)
    child["district"] = text_field(raw_child, "district", errors, "child.", required=False, max_len=120)
    born = _clean_date(raw_child.get("birth_date"), "child.birth_date", errors, missing=_l("This field is required."))
    if born is not None and (message := age_error(born, today)) is not None:
        errors.add("child.birth_date", message)
    child["birth_on"] = born
    child["sex"] = str(raw_child.get("sex") or "").strip().upper()
    if child["sex"] not in SEXES:
        errors.add("child.sex", _l("Choose the child's sex."))
    for key, low, high, message in BIRTH_MEASURES:
        raw = raw_child.get(key)
        value = None if raw in (None, "") else parse_int(raw)
        if raw not in (None, "") and (value is None or not low <= value <= high):
            errors.add("child." + key, message)
        child[key] = value
    return child


def _clean_caregiver(raw_carer: dict, errors: Errors) -> dict:
    carer = {
        "full_name": text_field(raw_carer, "full_name", errors, "caregiver."),
        "relation": str(raw_carer.get("relation") or "").strip().lower(),
        "preferred_language": str(raw_carer.get("preferred_language") or "").strip().lower(),
    }
    if carer["relation"] not in RELATIONS:
        errors.add("caregiver.relation", _l("Choose the relation: mother, father, grandparent, guardian or other."))
    if carer["preferred_language"] not in LANGUAGES:
        errors.add("caregiver.preferred_language", _l("Choose the language: kk, ru or en."))
    carer["phone"] = normalise_phone(raw_carer.get("phone"))
    if not raw_carer.get("phone"):
        errors.add("caregiver.phone", _l("This field is required."))
    elif carer["phone"] is None:
        errors.add("caregiver.phone", _l("Enter a valid Kazakhstan phone number, e.g. +7 701 234 5678."))
    return carer


def iin_warnings(iin: str, born: date, sex: str) -> list:
    """Disagreements between the IIN and the birth date or sex: warnings, since 2013 IINs may not encode them."""
    encoded_birth, encoded_sex = iin_encoded(iin)
    warnings = []
    if encoded_birth != born:
        warnings.append({"field": "child.birth_date", "code": "iin_birth_date_mismatch",
                         "message": _l("The birth date does not match the one encoded in the IIN.")})
    if encoded_sex is not None and encoded_sex != sex:
        warnings.append({"field": "child.sex", "code": "iin_sex_mismatch",
                         "message": _l("The sex does not match the one encoded in the IIN.")})
    return warnings


def _target_center(code, actor, errors):
    if code:
        center = center_queries.center_by_code(str(code))
        if center is None or not center.is_active:
            errors.add("center_code", _l("Unknown center."))
        return center
    region_id = actor.polyclinic.region_id if getattr(actor, "polyclinic", None) else None
    center = center_queries.center_for_region(region_id)
    if center is None:
        errors.add("center_code", _l("Your region has no center: choose one."))
    return center


def _as_list(value, name, errors):
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [v for v in value.replace(";", ",").split(",")]
    if not isinstance(value, (list, tuple)):
        errors.add(name, _l("Give a list."))
        return []
    return [v for v in value if str(v).strip()]


def _icd10_codes(value, errors) -> list[str]:
    eligible = reference.eligible_icd10_categories()
    codes = []
    for raw in _as_list(value, "icd10_codes", errors):
        code = normalise_icd10(raw)
        if (message := icd10_error(code, eligible)) is not None:
            errors.add("icd10_codes", message)
        elif code not in codes:
            codes.append(code)
    return codes


def _risk_factors(value, errors) -> list:
    known = reference.risk_factors_by_code()
    factors = []
    for raw in _as_list(value, "risk_factors", errors):
        code = str(raw).strip().lower()
        if code not in known:
            errors.add("risk_factors", _l("Unknown risk factor: %(code)s.", code=code))
        elif known[code] not in factors:
            factors.append(known[code])
    return factors


def submit_referral(data: dict, *, actor, confirm_warnings=True, today: date | None = None,
                    submission_key: str | None = None, _retried: bool = False) -> Referral:
    """Validate and store a pediatrician's referral; returns it with ``.warnings`` set.

    ``submission_key`` (the form's hidden token, the API's ``Idempotency-Key``) makes a repeat safe: when the
    actor already sent a referral with that key (the answer was lost on the way: a host stopped, the line
    dropped), that referral is returned with ``.repeated`` set and nothing is stored.

    Raises ValidationFailed (fields), NeedsConfirmation (warnings not confirmed on the form),
    DuplicateReferral (the child has an open referral; ``existing_id`` when the actor may see it).
    """
    if actor.role is not Role.PEDIATRICIAN:
        raise Forbidden()
    try:
        return _submit(data, actor=actor, confirm_warnings=confirm_warnings, today=today,
                       submission_key=submission_key)
    except IntegrityError:
        # The database's unique indexes decided (no savepoints, no prior locking): another submission for this
        # child, or a repeat of this one, was stored first. All of this one is undone, and it is decided once more
        # against what is stored now: the repeat is answered with the first referral, a second open referral is
        # refused as a duplicate. Refused again (a key another pediatrician's referral holds), it is a conflict.
        db.session.rollback()
        if _retried:
            raise DuplicateReferral() from None
        return submit_referral(data, actor=actor, confirm_warnings=confirm_warnings, today=today,
                               submission_key=submission_key, _retried=True)


def _submit(data: dict, *, actor, confirm_warnings, today, submission_key) -> Referral:
    sent = _already_sent(submission_key, actor)
    if sent is not None:
        return sent
    today = today or almaty_today()
    clean = validate_referral(data, actor=actor, today=today)
    if clean.warnings and not confirm_warnings:
        raise NeedsConfirmation(fields={w["field"]: [w["message"]] for w in clean.warnings})
    child = _child_for(clean)
    known = child.id is not None
    if known:  # a child first seen now has no referral yet
        sent = _refuse_duplicate(child, actor, submission_key)
        if sent is not None:
            return sent
    # A known child is linked by id (linking the object would load its referrals); a new one by the object, stored
    # in the same flush.
    link = {"child_id": child.id} if known else {"child": child}
    caregiver = Caregiver(**link, **clean.caregiver)
    referral = Referral(
        **link, caregiver=caregiver, center=clean.center, pediatrician_id=actor.id,
        polyclinic_id=actor.polyclinic_id, referred_on=today, status=Status.SUBMITTED, is_open=True,
        notes=clean.notes, consent_given_by=clean.consent_given_by, consent_given_on=clean.consent_given_on,
        submission_key=submission_key or None,
        diagnoses=[ReferralDiagnosis(code=c, category=c[:3]) for c in clean.icd10],
        risk_factors=[ReferralRiskFactor(risk_factor=rf) for rf in clean.risk_factors],
    )
    db.session.add(referral)
    # One flush stores the child, the caregiver, the referral and its codes; a unique index that refuses one of
    # them raises IntegrityError here, for ``submit_referral`` to decide again.
    db.session.flush()
    referral.repeated = False
    # What a new referral is linked to is in memory: the answer is built from it, not read back (no lazy loads).
    set_committed_value(referral, "history", [])
    if known:
        set_committed_value(referral, "child", child)
    _record(referral, None, Status.SUBMITTED, actor=actor, on=today)
    from .consent import consents_with_referral

    consents_with_referral(referral, given_by=clean.consent_given_by, given_on=clean.consent_given_on,
                           optional=clean.optional_consents, form_version=clean.consent_form, actor=actor)
    referral.warnings = clean.warnings
    return referral


def _already_sent(submission_key: str | None, actor) -> Referral | None:
    """The actor's referral made with ``submission_key``, marked as a repeat, or None."""
    if not submission_key:
        return None
    if len(submission_key) > 64:
        raise ValidationFailed(fields={"submission_key": [_l("The submission key is longer than 64 characters.")]})
    sent = db.session.scalar(select(Referral).where(Referral.submission_key == submission_key,
                                                    Referral.pediatrician_id == actor.id))
    if sent is not None:
        sent.repeated, sent.warnings = True, []
    return sent


def _child_for(clean: CleanReferral) -> Child:
    """The child with this IIN, updated with the new details, or a new one (race-safe)."""
    child = db.session.scalar(select(Child).where(Child.iin == clean.child["iin"]))
    if child is None:
        # Stored with the referral's flush; a child stored meanwhile by another submission makes that flush fail
        # on the unique IIN, and ``submit_referral`` decides again.
        child = Child(**clean.child)
        child.refresh_search_name()
        return child
    for key, value in clean.child.items():
        setattr(child, key, value)
    child.refresh_search_name()
    return child


def _refuse_duplicate(child: Child, actor, submission_key: str | None = None) -> Referral | None:
    """Raise DuplicateReferral when the child has an open referral, unless that referral is this very submission,
    stored by a repeat of it between our looking for the key and for the child: then it is returned as a repeat."""
    existing = db.session.scalar(select(Referral).where(Referral.child_id == child.id, Referral.is_open.is_(True))
                                 .execution_options(populate_existing=True))
    if existing is not None and submission_key and (existing.submission_key, existing.pediatrician_id) == (
            submission_key, actor.id):
        existing.repeated, existing.warnings = True, []
        return existing
    if existing is not None:
        visible = permissions.can_view(actor, existing)
        raise DuplicateReferral(existing_id=existing.id if visible else None)
    return None


def _record(referral, from_status, to_status, *, actor, on, reason="", reason_code=None, to_center=None,
            new_referral=None):
    change = StatusChange(referral=referral, from_status=from_status, to_status=to_status,
                          actor_id=actor.id if actor else None, on=on, reason=reason or "",
                          reason_code=reason_code, to_center=to_center,
                          new_referral_id=new_referral.id if new_referral else None)
    db.session.add(change)
    return change


def transition(referral: Referral, *, to, actor, reason="", reason_code=None, center_code=None,
               today: date | None = None) -> Referral:
    """Move a referral to ``to``; returns the referral the case now lives in (a new one after a redirect).

    Raises InvalidTransition (not allowed from the current status), Conflict (someone else changed the referral
    since it was read: exactly one of several simultaneous decisions wins), Forbidden (not this actor's to make),
    ValidationFailed (missing reason, bad target center).
    """
    today = today or almaty_today()
    try:
        target = Status(to)
    except ValueError:
        raise ValidationFailed(fields={"to": [_l("Unknown status.")]})
    lock_for_change(referral, _l("The referral was changed by someone else meanwhile: it is now %(status)s. "
                                 "Nothing was saved."), status_of=lambda r: STATUS_LABELS[r.status])
    current = referral.status
    if not allowed(current, target):
        raise InvalidTransition(_l("A referral that is %(current)s cannot become %(target)s.",
                                   current=STATUS_LABELS[current], target=STATUS_LABELS[target]))
    if not permissions.can_transition(actor, referral, target):
        raise Forbidden()
    reason, reason_code, new_center = _decision(referral, target, reason, reason_code, center_code)
    referral.apply_status(target, today)
    if target is Status.DECLINED:
        referral.decision_reason_code, referral.decision_reason = reason_code, reason
    elif target in (Status.REDIRECTED, Status.WITHDRAWN):
        referral.decision_reason = reason
    db.session.flush()
    result = referral
    if target is Status.REDIRECTED:
        result = _redirected_copy(referral, new_center, actor, today)
    _record(referral, current, target, actor=actor, on=today, reason=reason,
            reason_code=reason_code if target is Status.DECLINED else None,
            to_center=new_center, new_referral=result if result is not referral else None)
    audit.record("status", actor=actor, record_type="referral", record_id=referral.id, referral_id=referral.id,
                 detail={"fields": {"status": {"old": current.value, "new": target.value}}})
    if target in NOTIFY_REFERRER:
        notify(referral.pediatrician_id, kind=f"referral_{target.value}", subject_id=referral.id,
               params={"child": referral.child.full_name, "reason": reason,
                       **in_each_language("center", new_center or referral.center, "city")})
    return result


def _decision(referral: Referral, target: Status, reason, reason_code, center_code):
    """The checked reason, decline reason code and redirect center of a transition; raises ValidationFailed."""
    reason = (reason or "").strip()
    if target in REASON_REQUIRED and not reason:
        raise ValidationFailed(fields={"reason": [_l("Give a reason.")]})
    if target is Status.DECLINED:
        reason_code = reason_code or DeclineReason.OTHER.value
        if reason_code not in {r.value for r in DeclineReason}:
            raise ValidationFailed(fields={"reason_code": [_l("Unknown reason.")]})
    new_center = None
    if target is Status.REDIRECTED:
        new_center = center_queries.center_by_code(center_code)
        if new_center is None or not new_center.is_active:
            raise ValidationFailed(fields={"center_code": [_l("Choose the center to redirect to.")]})
        if new_center.id == referral.center_id:
            raise ValidationFailed(fields={"center_code": [_l("Choose a center other than the current one.")]})
    return reason, reason_code, new_center


def _redirected_copy(referral: Referral, center, actor, today) -> Referral:
    """The referral as it continues at another center, keeping the original referral date."""
    copy = Referral(
        child_id=referral.child_id, caregiver_id=referral.caregiver_id, center=center,
        pediatrician_id=referral.pediatrician_id, polyclinic_id=referral.polyclinic_id,
        referred_on=referral.referred_on, status=Status.SUBMITTED, is_open=True, priority=referral.priority,
        notes=referral.notes, consent_given_by=referral.consent_given_by,
        consent_given_on=referral.consent_given_on, redirected_from_id=referral.id,
        diagnoses=[ReferralDiagnosis(code=d.code, category=d.category) for d in referral.diagnoses],
        risk_factors=[ReferralRiskFactor(risk_factor_id=r.risk_factor_id) for r in referral.risk_factors],
    )
    db.session.add(copy)
    db.session.flush()
    _record(copy, None, Status.SUBMITTED, actor=actor, on=today)
    return copy


def mark_step(referral: Referral, *, step: str, on: date) -> None:
    """Record the first date of a timeline step (first contact, assessment) kept on the referral."""
    column = {"first_contact": "first_contact_on", "assessment": "assessed_on"}[step]
    current = getattr(referral, column)
    if current is None or on < current:
        setattr(referral, column, on)


IIN_CHANGE_REASONS = ("correction", "adoption", "other")


# Past flake8's complexity limit on purpose: a flat list of checks, each one line.
def change_iin(referral: Referral, *, new_iin: str, reason_code: str, reason: str = "", actor,  # noqa: C901
               confirm_mismatch: bool = False) -> IinChange:
    """Correct or replace the child's IIN, by the coordinator of the center that holds the referral.

    The new IIN must pass the checksum and belong to no other child; a birth date or sex that the IIN encodes
    differently from the record is a warning to confirm (docs/PITFALLS.md #18), never a refusal. The old and new numbers
    are kept with who, when and why."""
    from .validation import iin_error, normalise_iin

    if not permissions.can_coordinate(actor, referral):
        raise Forbidden()
    child = referral.child
    iin = normalise_iin(new_iin)
    errors = {}
    if (message := iin_error(iin)) is not None:
        errors["new_iin"] = [message]
    elif iin == child.iin:
        errors["new_iin"] = [_l("This is already the child's IIN.")]
    elif db.session.scalar(select(Child.id).where(Child.iin == iin)) is not None:
        errors["new_iin"] = [_l("Another child has this IIN: check the number.")]
    if reason_code not in IIN_CHANGE_REASONS:
        errors["reason_code"] = [_l("Choose why the IIN changes.")]
    if reason_code == "other" and not (reason or "").strip():
        errors["reason"] = [_l("Give the reason.")]
    if errors:
        raise ValidationFailed(fields=errors)
    warnings = [w["message"] for w in iin_warnings(iin, child.birth_on, child.sex)]
    if warnings and not confirm_mismatch:
        raise ValidationFailed(fields={"new_iin": warnings + [_l("Tick the confirmation to keep this IIN.")]})
    change = IinChange(child_id=child.id, old_iin=child.iin, new_iin=iin, reason_code=reason_code,
                       reason=(reason or "").strip()[:2000], changed_by_id=actor.id)
    try:
        with db.session.begin_nested():  # the unique index decides a race for the same number
            child.iin = iin
            child.refresh_search_name()
            db.session.add(change)
            db.session.flush()
            # The old number is kept in iin_changes (change.id), not in the audit trail (audit.models).
            audit.record("change", actor=actor, record_type="child", record_id=child.id, referral_id=referral.id,
                         detail={"fields": {"iin": {}}, "iin_change_id": change.id})
    except IntegrityError:
        raise ValidationFailed(fields={"new_iin": [_l("Another child has this IIN: check the number.")]}) from None
    return change


def break_the_glass(referral: Referral, *, actor, reason: str, now=None):
    """A specialist covering for a colleague opens a case of their own center that is not on their team: the
    access lasts until the end of today (Almaty), is audited with the reason, and the center's coordinators are
    told. Raises Forbidden (not a specialist of the case's center), ValidationFailed (no real reason)."""
    from datetime import datetime, time, timedelta

    from eic.core.timeutil import ALMATY, utc_now

    from .models import CaseAccess

    if actor.role is not Role.SPECIALIST or actor.center_id != referral.center_id:
        raise Forbidden()
    reason = " ".join((reason or "").split())
    if len(reason) < 10:
        raise ValidationFailed(fields={"reason": [_l("Say why you need this record (at least 10 characters): "
                                                     "whom you cover for and what for.")]})
    now = now or utc_now()
    today = now.astimezone(ALMATY).date()
    access = CaseAccess(user_id=actor.id, referral_id=referral.id, reason=reason[:1000], granted_at=now,
                        expires_at=datetime.combine(today + timedelta(days=1), time(0), tzinfo=ALMATY))
    db.session.add(access)
    db.session.flush()
    audit.record("break_glass", actor=actor, record_type="referral", record_id=referral.id, referral_id=referral.id,
                 # The reason stays in case_accesses (it may name the child, and the retention job clears it there).
                 detail={"case_access_id": access.id, "until": access.expires_at.isoformat()})
    for coordinator in _coordinators_of(referral.center_id):
        notify(coordinator, kind="break_glass", subject_id=referral.id,
               params={"person": actor.full_name, "child": referral.child.full_name, "reason": reason[:200]})
    return access


def _coordinators_of(center_id) -> list[int]:
    from eic.accounts.models import User

    return list(db.session.scalars(select(User.id).where(User.center_id == center_id,
                                                         User.role == Role.COORDINATOR,
                                                         User.is_active_account.is_(True))))
