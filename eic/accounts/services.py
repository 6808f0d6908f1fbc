"""Accounts: creating users, checking passwords, sessions and API tokens."""
import functools
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from eic.audit import services as audit
from eic.core.errors import Forbidden, ValidationFailed
from eic.core.roles import CENTER_ROLES, Role
from eic.core.timeutil import utc_now
from eic.extensions import db

from .models import ApiToken, User

# argon2id with one of OWASP's recommended configurations: 12 MiB of memory, 3 passes, 1 lane, which OWASP holds
# equal in defence to its others (docs/PITFALLS.md #15).
# argon2-cffi's defaults (64 MiB, 3 passes, 4 lanes) held 64 MiB for every log-in in progress: a worker's four
# threads logging staff in at nine o'clock peaked 256 MiB above its footprint. Hashes made with other parameters
# still verify, and are made again with these at the next log-in (``check_needs_rehash``).
_hasher = PasswordHasher(time_cost=3, memory_cost=12 * 1024, parallelism=1)
MIN_PASSWORD_LENGTH = 10


@functools.cache
def _dummy_hash() -> str:
    """A real hash to verify against when the e-mail is unknown, so timing does not reveal accounts (made at the
    first such log-in, not when the module is imported)."""
    return _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    """An Argon2id hash of ``password`` (the library's salt and parameters travel inside the string)."""
    return _hasher.hash(password)


def normalise_email(email: str) -> str:
    """E-mail addresses are compared lower-cased and trimmed: ``A@x.kz `` and ``a@x.kz`` are one account."""
    return (email or "").strip().lower()


# zxcvbn's score from 0 (guessed at once) to 4: a password guessed within about 10^8 tries (score below 3), such as
# "Qwerty12345" or "kazakhstan2026", or one built from the person's own e-mail or name, is refused.
MIN_PASSWORD_SCORE = 3


def check_password_rules(password: str, *, about=()) -> None:
    """Raise ValidationFailed (field ``password``) unless the password is at least MIN_PASSWORD_LENGTH long and not
    easy to guess: common passwords, keyboard runs, dates, and words of ``about`` (the e-mail, the name) are judged
    offline by zxcvbn's frequency lists (nothing leaves the server)."""
    from zxcvbn import zxcvbn

    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(fields={"password": [
            _l("The password must have at least %(n)s characters.", n=MIN_PASSWORD_LENGTH)]})
    inputs = [part for value in about if value for part in str(value).replace("@", " ").replace(".", " ").split()]
    # What is left once the person's own words are taken out must still be a password on its own.
    rest = password.casefold()
    for word in sorted((w.casefold() for w in inputs if len(w) >= 3), key=len, reverse=True):
        rest = rest.replace(word, "")
    own_words = len([c for c in rest if c.isalnum()]) < MIN_PASSWORD_LENGTH // 2
    if own_words or zxcvbn(password[:100], user_inputs=inputs)["score"] < MIN_PASSWORD_SCORE:
        raise ValidationFailed(fields={"password": [
            _l("This password is too easy to guess (a common password, a keyboard run, a date or your own name). "
               "Choose a longer one: a few unrelated words work well.")]})


def _affiliation_errors(role: Role, center, polyclinic, discipline) -> dict:
    """Centre roles need a center, pediatricians a polyclinic, specialists a discipline."""
    errors = {}
    if role in CENTER_ROLES and center is None:
        errors["center"] = [_l("Centre staff must belong to a center.")]
    if role is Role.PEDIATRICIAN and polyclinic is None:
        errors["polyclinic"] = [_l("A pediatrician must belong to a polyclinic.")]
    if role is Role.SPECIALIST and discipline is None:
        errors["discipline"] = [_l("A specialist must have a discipline.")]
    return errors


def create_user(*, email, full_name, role, password, center=None, polyclinic=None, discipline=None,
                languages="", caseload_limit=None, locale=None, actor=None, hashed_password=None) -> User:
    """Create a user. Centre roles need a center, pediatricians a polyclinic, specialists a discipline.

    ``hashed_password`` (a hash made by ``hash_password``) spares bulk loaders one argon2 run per user.

    Raises ValidationFailed on a taken e-mail, a weak password or a missing affiliation.
    """
    role = Role(role)
    email = normalise_email(email)
    errors = {}
    if "@" not in email:
        errors["email"] = [_l("Enter a valid e-mail address.")]
    elif db.session.scalar(select(func.count()).select_from(User).where(User.email == email)):
        errors["email"] = [_l("A user with this e-mail already exists.")]
    errors.update(_affiliation_errors(role, center, polyclinic, discipline))
    if errors:
        raise ValidationFailed(fields=errors)
    if hashed_password is None:
        check_password_rules(password, about=(email, full_name))
    user = User(
        email=email, full_name=full_name.strip(), role=role,
        password_hash=hashed_password or hash_password(password),
        center=center if role in CENTER_ROLES else None,
        polyclinic=polyclinic if role is Role.PEDIATRICIAN else None,
        discipline=discipline if role is Role.SPECIALIST else None,
        languages=languages, caseload_limit=caseload_limit, locale=locale,
    )
    db.session.add(user)
    db.session.flush()
    return user


MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15


def lock_for(failures: int):
    """The wait after ``failures`` wrong passwords in a row: 1 minute after MAX_FAILED_LOGINS, doubling with each
    further one, at most LOCK_MINUTES. Guessing is slowed at once, while someone who knows a doctor's e-mail can
    only make them wait a minute or two, not a quarter of an hour, with a few tries."""
    from datetime import timedelta

    return timedelta(minutes=min(2 ** max(failures - MAX_FAILED_LOGINS, 0), LOCK_MINUTES))


class AccountLocked(Exception):
    """Raised by ``authenticate`` while an account is locked after too many wrong passwords; ``until`` is when it
    opens."""

    def __init__(self, until):
        super().__init__(str(until))
        self.until = until


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None. Rehashes outdated hashes.

    After ``MAX_FAILED_LOGINS`` wrong passwords in a row the account refuses log-ins for a growing wait
    (``lock_for``; ``AccountLocked``), whatever password is given; the caller commits the count."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    now = utc_now()
    if user is not None and user.locked_until is not None and user.locked_until > now:
        raise AccountLocked(user.locked_until)
    if user is None:
        try:
            _hasher.verify(_dummy_hash(), password or "")
        except VerificationError:
            pass
        return None
    try:
        _hasher.verify(user.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + lock_for(user.failed_logins)
        return None
    if not user.is_active:
        return None
    user.failed_logins, user.locked_until = 0, None
    user.last_login_at = now
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def update_user(user: User, *, full_name, role, center=None, polyclinic=None, discipline=None, languages="",
                caseload_limit=None, actor) -> User:
    """Correct an account's name, role and affiliation (administrators). Changing the role ends the user's
    sessions, so a page opened under the old role cannot be used. Raises Forbidden, ValidationFailed (a missing
    name or affiliation, the administrator's own role)."""
    _require_admin(actor)
    role = Role(role)
    errors = {}
    if not (full_name or "").strip():
        errors["full_name"] = [_l("This field is required.")]
    errors.update(_affiliation_errors(role, center, polyclinic, discipline))
    if user.id == actor.id and role is not user.role:
        errors["role"] = [_l("You cannot change your own role.")]
    if errors:
        raise ValidationFailed(fields=errors)
    if role is not user.role:
        user.rotate_session()
        audit.record("role_change", actor=actor, record_type="user", record_id=user.id,
                     detail={"fields": {"role": {"old": user.role.value, "new": role.value}}})
    before = {"full_name": user.full_name, "center_id": user.center_id, "polyclinic_id": user.polyclinic_id,
              "discipline_id": user.discipline_id, "languages": user.languages, "caseload_limit": user.caseload_limit}
    user.full_name, user.role = full_name.strip(), role
    user.center = center if role in CENTER_ROLES else None
    user.polyclinic = polyclinic if role is Role.PEDIATRICIAN else None
    user.discipline = discipline if role is Role.SPECIALIST else None
    user.languages, user.caseload_limit = languages, caseload_limit
    db.session.flush()
    after = {"full_name": user.full_name, "center_id": user.center_id, "polyclinic_id": user.polyclinic_id,
             "discipline_id": user.discipline_id, "languages": user.languages, "caseload_limit": user.caseload_limit}
    if fields := audit.changed_fields(before, after):
        audit.record("account_change", actor=actor, record_type="user", record_id=user.id, detail={"fields": fields})
    return user


def unlock(user: User, *, actor) -> None:
    """Let a locked account log in again at once (administrators). Raises Forbidden."""
    _require_admin(actor)
    user.failed_logins, user.locked_until = 0, None
    db.session.flush()


RESET_HOURS = 24


def issue_password_reset(user: User, *, actor, link_for) -> str:
    """A one-time link, valid RESET_HOURS, to set a new password, e-mailed to the user through the outbox in their
    language (``link_for(token)`` makes the absolute address). Earlier unused links stop working. Only the
    token's SHA-256 is stored. Raises Forbidden, Conflict (a closed account)."""
    from datetime import timedelta

    from flask_babel import force_locale

    from eic.core.errors import Conflict
    from eic.notifications.models import OutboxMessage

    from .models import PasswordReset

    _require_admin(actor)
    if not user.is_active:
        raise Conflict(_l("The account is closed: reopen it first."))
    now = utc_now()
    for old in db.session.scalars(select(PasswordReset).where(PasswordReset.user_id == user.id,
                                                              PasswordReset.used_at.is_(None))):
        old.used_at = now
    token = secrets.token_urlsafe(32)
    db.session.add(PasswordReset(user_id=user.id, token_hash=_digest(token), expires_at=now + timedelta(
        hours=RESET_HOURS), created_by_id=actor.id))
    language = user.locale or "kk"
    with force_locale(language):
        body = str(_l("A password for the early intervention platform can be set at this address within %(hours)s "
                      "hours; it works once:", hours=RESET_HOURS)) + "\n" + link_for(token)
        subject = str(_l("Set your password"))
    db.session.add(OutboxMessage(channel="email", recipient=user.email, language=language, subject=subject,
                                 body=body, kind="password_reset"))
    db.session.flush()
    return token


def reset_for_token(token: str):
    """The unused, unexpired reset behind ``token`` (its account still open), or None."""
    from .models import PasswordReset

    if not token:
        return None
    row = db.session.scalar(select(PasswordReset).where(PasswordReset.token_hash == _digest(token)))
    if row is None or row.used_at is not None or row.expires_at <= utc_now() or not row.user.is_active:
        return None
    return row


def use_password_reset(token: str, *, new_password: str) -> User:
    """Set a new password with a reset link, which then stops working; the account's sessions end and a lock is
    lifted. Raises NotFound (an unknown, used or expired link), ValidationFailed (a weak password)."""
    from eic.core.errors import NotFound

    row = reset_for_token(token)
    if row is None:
        raise NotFound(_l("This link has expired or was already used. Ask an administrator for a new one."))
    check_password_rules(new_password, about=(row.user.email, row.user.full_name))
    user = row.user
    user.password_hash = hash_password(new_password)
    user.rotate_session()
    user.failed_logins, user.locked_until = 0, None
    row.used_at = utc_now()
    db.session.flush()
    return user


def _require_admin(actor) -> None:
    from eic.core.errors import Forbidden

    if actor is None or actor.role is not Role.ADMIN:
        raise Forbidden()


def change_password(user: User, *, current: str, new: str) -> None:
    """Change a password; every other session of the user ends. Raises ValidationFailed."""
    try:
        _hasher.verify(user.password_hash, current or "")
    except (VerificationError, InvalidHashError):
        raise ValidationFailed(fields={"current": [_l("The current password is wrong.")]})
    check_password_rules(new, about=(user.email, user.full_name))
    user.password_hash = hash_password(new)
    user.rotate_session()


DEVICE_TOKEN_NAME = "offline device"


def end_sessions(user: User) -> None:
    """Log the user out everywhere, devices too: the tokens an offline app got with the log-in are revoked."""
    user.rotate_session()
    revoke_device_tokens(user)


def revoke_device_tokens(user: User) -> None:
    """End the tokens the offline app was given with a log-in (``DEVICE_TOKEN_NAME``)."""
    now = utc_now()
    for row in db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id,
                                                         ApiToken.name == DEVICE_TOKEN_NAME,
                                                         ApiToken.revoked_at.is_(None))):
        row.revoked_at = now


def set_active(user: User, *, is_active: bool, actor) -> None:
    """Open or close an account. Either way its sessions end (the session token rotates); closing it also
    revokes its API tokens, so a closed account can do nothing from anywhere."""
    audit.record("account_change", actor=actor, record_type="user", record_id=user.id,
                 detail={"fields": {"is_active": {"old": user.is_active_account, "new": is_active}}})
    user.is_active_account = is_active
    user.rotate_session()
    if not is_active:
        for token in user_tokens(user):
            token.revoked_at = token.revoked_at or utc_now()


def user_tokens(user: User):
    """Every API token ever issued to ``user``, revoked or not."""
    return db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).all()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


TOKEN_SCOPES = ("read", "write")


def issue_token(user: User, *, name: str = "", scope: str = "write", actor=None, expires_at=None) -> str:
    """Create an API token and return it (shown once; only its hash is kept). It expires after the
    ``accounts.token_days`` setting, or at ``expires_at`` when that is sooner (a device's token ends with the
    log-in session). Raises ValidationFailed (a scope that is not read or write, a name too long)."""
    from datetime import timedelta

    from eic.core.settings import get_setting

    from .settings import TOKEN_DAYS

    name = " ".join((name or "").split())
    if scope not in TOKEN_SCOPES:
        raise ValidationFailed(fields={"scope": [_l("Choose read or read and write.")]})
    if len(name) > 80:
        raise ValidationFailed(fields={"name": [_l("At most %(n)s characters.", n=80)]})
    token = secrets.token_urlsafe(32)
    ends = utc_now() + timedelta(days=get_setting(TOKEN_DAYS.key))
    row = ApiToken(user=user, token_hash=_digest(token), name=name, scope=scope,
                   expires_at=min(ends, expires_at) if expires_at else ends)
    db.session.add(row)
    db.session.flush()
    audit.record("account_change", actor=actor or user, record_type="token", record_id=row.id,
                 detail={"fields": {"token": {"old": None, "new": scope}}})
    return token


def revoke_token(token: ApiToken, *, actor) -> None:
    """End a token now: its owner or an administrator. Raises Forbidden."""
    if actor is None or (actor.id != token.user_id and actor.role is not Role.ADMIN):
        raise Forbidden()
    if token.revoked_at is None:
        token.revoked_at = utc_now()
        audit.record("account_change", actor=actor, record_type="token", record_id=token.id,
                     detail={"fields": {"token": {"old": token.scope, "new": "revoked"}}})
        db.session.flush()


def live_token(token: str) -> ApiToken | None:
    """The stored token behind a bearer token if it is unrevoked and its user active, else None."""
    if not token:
        return None
    # The token and its user in one query: every API request starts here.
    row = db.session.scalar(select(ApiToken).options(joinedload(ApiToken.user))
                            .where(ApiToken.token_hash == _digest(token)))
    if row is None or row.state(utc_now()) != "active" or not row.user.is_active:
        return None
    if row.user.role is Role.CAREGIVER:  # families use the pages, never the API
        return None
    return row


def user_for_token(token: str) -> User | None:
    """The active user behind a bearer token, or None."""
    row = live_token(token)
    return row.user if row is not None else None


# --- second factor -------------------------------------------------------------------------------------------------

RECOVERY_CODES = 10
ISSUER = "EIC platform"


def second_factor_required(user: User) -> bool:
    """Whether the user's role must use a second factor (a setting per role)."""
    from eic.core.settings import get_setting

    from .settings import SECOND_FACTOR

    return bool(get_setting(SECOND_FACTOR[user.role].key))


def new_totp_secret() -> str:
    """A fresh base32 secret for an authenticator app."""
    import pyotp

    return pyotp.random_base32()


def totp_uri(user: User, secret: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    import pyotp

    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def _totp_ok(secret: str, code: str) -> bool:
    import pyotp

    code = "".join(c for c in (code or "") if c.isdigit())
    return len(code) == 6 and pyotp.TOTP(secret).verify(code, valid_window=1)


def enable_second_factor(user: User, *, secret: str, code: str) -> list[str]:
    """Turn the second factor on once the user shows a code from their app; returns RECOVERY_CODES one-time
    recovery codes, shown once (only their SHA-256 is kept). Raises ValidationFailed for a wrong code."""
    if not secret or not _totp_ok(secret, code):
        raise ValidationFailed(fields={"code": [_l("The code is wrong or has expired. Enter the code your app "
                                                   "shows now.")]})
    codes = [f"{secrets.randbelow(10 ** 10):010d}" for _ in range(RECOVERY_CODES)]
    user.totp_secret, user.recovery_codes = secret, [_digest(c) for c in codes]
    user.rotate_session()
    db.session.flush()
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def check_second_factor(user: User, code: str) -> bool:
    """Whether ``code`` is the user's current TOTP code, or one of their unused recovery codes (then used up)."""
    if not user.totp_secret:
        return False
    if _totp_ok(user.totp_secret, code):
        return True
    digest = _digest("".join(c for c in (code or "") if c.isdigit()))
    if digest in (user.recovery_codes or []):
        user.recovery_codes = [d for d in user.recovery_codes if d != digest]
        db.session.flush()
        return True
    return False
