"""The family's way in: a one-time code by text message to the phone recorded on the child's referral.

No password to remember. A code is 6 digits, valid for ``CODE_MINUTES`` and ``CODE_TRIES`` wrong tries, used once,
and kept only as an HMAC (keyed with the app's secret, so a copy of the table does not give codes away). A number
gets at most ``CODES_PER_HOUR`` codes an hour; an address is limited by the view (``EIC_FAMILY_CODE_LIMIT``). A
number that is not on record is answered exactly as one that is, so that the form does not tell whose numbers
the centers hold.
"""
import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from eic.accounts.models import User
from eic.core.errors import DomainError, ValidationFailed
from eic.core.roles import Role
from eic.core.timeutil import utc_now
from eic.extensions import db
from eic.referrals.models import Caregiver, Child
from eic.referrals.validation import normalise_phone

from .models import FamilyCode

CODE_MINUTES = 10
CODE_TRIES = 5
CODES_PER_HOUR = 3


class TooManyCodes(DomainError):
    code = "too_many_codes"
    status = 429
    default_message = _l("Too many codes were asked for this number. Please try again in an hour.")


class CodeRefused(DomainError):
    code = "code_refused"
    status = 422


def phone_or_refuse(raw) -> str:
    phone = normalise_phone(raw)
    if phone is None:
        raise ValidationFailed(fields={"phone": [_l("Enter a valid Kazakhstan phone number, e.g. +7 701 234 5678.")]})
    return phone


def _digest(phone: str, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def caregivers_on_record(phone: str) -> list[Caregiver]:
    """The caregivers recorded with this phone, newest first (one person may be on several children's referrals)."""
    return db.session.scalars(select(Caregiver).where(Caregiver.phone == phone).order_by(Caregiver.id.desc())).all()


def request_code(raw_phone, *, address: str = "") -> str:
    """Send a new code to a number on record (and nothing to one that is not); returns the number as recorded
    (+7...). Raises ValidationFailed (not a phone number) and TooManyCodes (``CODES_PER_HOUR`` reached)."""
    from eic.notifications.services import queue_family_message

    phone = phone_or_refuse(raw_phone)
    now = utc_now()
    recent = db.session.scalar(select(func.count()).select_from(FamilyCode).where(
        FamilyCode.phone == phone, FamilyCode.created_at > now - timedelta(hours=1)))
    if recent >= CODES_PER_HOUR:
        raise TooManyCodes()
    carers = caregivers_on_record(phone)
    if not carers:
        return phone
    # A new code ends the ones before it.
    for earlier in db.session.scalars(select(FamilyCode).where(FamilyCode.phone == phone,
                                                               FamilyCode.used_at.is_(None))):
        earlier.used_at = now
    code = f"{secrets.randbelow(10 ** 6):06d}"
    row = FamilyCode(phone=phone, code_hash=_digest(phone, code), address=address[:64], created_at=now,
                     expires_at=now + timedelta(minutes=CODE_MINUTES))
    db.session.add(row)
    db.session.flush()
    queue_family_message(kind="login_code", phone=phone, language=carers[0].preferred_language,
                         params={"code": code}, dedupe_key=f"login_code:{row.id}")
    return phone


def check_code(raw_phone, raw_code) -> User:
    """The caregiver's account once the code is right (made at the first log-in); raises CodeRefused with the
    reason (expired or never asked for, wrong with the tries left, tried too often). A wrong try is counted in the
    caller's commit, so the caller commits on CodeRefused too."""
    phone = phone_or_refuse(raw_phone)
    code = "".join(str(raw_code or "").split())
    now = utc_now()
    row = db.session.scalar(select(FamilyCode).where(FamilyCode.phone == phone, FamilyCode.used_at.is_(None))
                            .order_by(FamilyCode.id.desc()).limit(1))
    if row is None or row.expires_at <= now:
        raise CodeRefused(_l("This code has expired or was not asked for. Ask for a new code."))
    if row.tries >= CODE_TRIES:
        raise CodeRefused(_l("The code was entered wrongly too many times. Ask for a new code."))
    if not (len(code) == 6 and code.isdigit() and hmac.compare_digest(row.code_hash, _digest(phone, code))):
        row.tries += 1
        left = CODE_TRIES - row.tries
        if left <= 0:
            raise CodeRefused(_l("The code was entered wrongly too many times. Ask for a new code."))
        raise CodeRefused(_l("The code is not right. Tries left: %(n)s.", n=left))
    row.used_at = now
    return _account_for(phone)


def _account_for(phone: str) -> User:
    from eic.accounts.models import new_session_token

    user = db.session.scalar(select(User).where(User.phone == phone))
    carer = caregivers_on_record(phone)[0]
    if user is None:
        # Caregivers have no e-mail or password: the address is a placeholder that can never receive mail
        # (.invalid, RFC 2606) and the hash one that no password matches.
        user = User(email=f"caregiver.{phone.lstrip('+')}@family.invalid", full_name=carer.full_name,
                    password_hash="!", role=Role.CAREGIVER, phone=phone, locale=carer.preferred_language,
                    session_token=new_session_token())
        db.session.add(user)
    user.last_login_at = utc_now()
    db.session.flush()
    return user


def children_of(user: User) -> list[Child]:
    """The children this caregiver is recorded for (their phone on the child's caregivers), by name. Read once
    per request: the family's page asks for them from each of its parts."""
    if user.role is not Role.CAREGIVER or not user.phone:
        return []
    cache = _request_cache()
    key = ("children", user.phone)
    if key not in cache:
        cache[key] = db.session.scalars(select(Child).where(Child.id.in_(select(Caregiver.child_id).where(
            Caregiver.phone == user.phone))).order_by(Child.first_name, Child.id)).all()
    return cache[key]


def _request_cache() -> dict:
    """A dict for this request (a fresh one outside a request)."""
    from flask import g, has_request_context

    if not has_request_context():
        return {}
    return g.setdefault("eic_family_reads", {})


def plans_of(children) -> dict:
    """Each child's current plan, from the child's latest referral (None where there is none yet)."""
    from eic.referrals.models import Referral
    from eic.therapy.models import Plan

    result = {c.id: None for c in children}
    if not children:
        return result
    latest = {}
    for referral_id, child_id in db.session.execute(select(Referral.id, Referral.child_id).where(
            Referral.child_id.in_(list(result))).order_by(Referral.id)):
        latest[child_id] = referral_id
    plans = db.session.scalars(select(Plan).where(Plan.referral_id.in_(list(latest.values())),
                                                  Plan.is_current.is_(True))).all()
    by_referral = {p.referral_id: p for p in plans}
    return {child_id: by_referral.get(referral_id) for child_id, referral_id in latest.items()} | {
        c: None for c in result if c not in latest}


def upcoming_sessions(children, *, days: int) -> dict:
    """{child id: the child's active sessions from now to ``days`` ahead, earliest first}."""
    from eic.therapy.models import TherapySession

    result = {c.id: [] for c in children}
    if not children:
        return result
    now = utc_now()
    for row in db.session.scalars(select(TherapySession).where(
            TherapySession.child_id.in_(list(result)), TherapySession.is_active.is_(True),
            TherapySession.starts_at >= now, TherapySession.starts_at < now + timedelta(days=days))
            .order_by(TherapySession.starts_at)):
        result[row.child_id].append(row)
    return result


def latest_referrals(children) -> dict:
    """{child id: the child's latest referral} for the children that have one."""
    from eic.referrals.models import Referral

    ids = [c.id for c in children]
    if not ids:
        return {}
    cache = _request_cache()
    key = ("latest", tuple(ids))
    if key not in cache:
        latest = {}
        for referral in db.session.scalars(select(Referral).where(Referral.child_id.in_(ids))
                                           .order_by(Referral.id)):
            latest[referral.child_id] = referral
        cache[key] = latest
    return cache[key]


def own_referral(user: User, referral_id) -> "object":
    """The latest referral of one of the caregiver's children; NotFound for any other."""
    from eic.core.errors import NotFound

    for referral in latest_referrals(children_of(user)).values():
        if referral.id == referral_id:
            return referral
    raise NotFound()


def caregiver_accounts(referral) -> list[User]:
    """The caregiver accounts (made at a first log-in) of the child of ``referral``."""
    return db.session.scalars(select(User).where(User.role == Role.CAREGIVER, User.phone.in_(
        select(Caregiver.phone).where(Caregiver.child_id == referral.child_id)))).all()
