"""Users and their API tokens."""
import secrets

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eic.core.roles import Role
from eic.core.timeutil import UTCDateTime, utc_now
from eic.extensions import db


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (Index("uq_users_phone", "phone", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(db.Enum(Role, native_enum=False, length=20,
                                               values_callable=lambda e: [m.value for m in e]))
    # Centre staff belong to one center; a pediatrician to one polyclinic (tables of eic.centers).
    center_id: Mapped[int | None] = mapped_column(ForeignKey("centers.id"), index=True)
    polyclinic_id: Mapped[int | None] = mapped_column(ForeignKey("polyclinics.id"), index=True)
    discipline_id: Mapped[int | None] = mapped_column(ForeignKey("disciplines.id"))
    # Languages a specialist works in, e.g. "kk,ru".
    languages: Mapped[str] = mapped_column(String(20), default="")
    caseload_limit: Mapped[int | None]
    locale: Mapped[str | None] = mapped_column(String(5))
    is_active_account: Mapped[bool] = mapped_column("is_active", default=True)
    # Part of get_id(): rotating it ends every copy of the session cookie (docs/PITFALLS.md #7).
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    # Failed log-ins in a row; at the limit the account refuses log-ins until ``locked_until``.
    failed_logins: Mapped[int] = mapped_column(default=0, server_default="0")
    locked_until: Mapped[object | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[object | None] = mapped_column(UTCDateTime)
    # A caregiver's phone (+7...), the one recorded on their child's referral; staff have none.
    phone: Mapped[str | None] = mapped_column(String(16))
    # A second factor: the TOTP secret (RFC 6238) and the SHA-256 of the unused recovery codes.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    recovery_codes: Mapped[list | None] = mapped_column(JSON)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utc_now)

    center = relationship("Center", lazy="joined")
    polyclinic = relationship("Polyclinic", lazy="joined")
    discipline = relationship("Discipline", lazy="joined")

    def get_id(self):
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self):
        return self.is_active_account

    @property
    def role_label(self):
        return self.role.label

    @property
    def language_list(self) -> list[str]:
        return [lang for lang in self.languages.split(",") if lang]

    @property
    def effective_caseload_limit(self) -> int:
        if self.caseload_limit is not None:
            return self.caseload_limit
        return self.discipline.default_caseload_limit if self.discipline else 0

    def rotate_session(self):
        self.session_token = new_session_token()

    def __repr__(self):
        return f"<User {self.email} {self.role.value}>"


class ApiToken(db.Model):
    """A bearer token; only its SHA-256 is stored. It has a name (what it is for), a scope ("read": GET only;
    "write": everything the user's role may do) and an expiry (``accounts.token_days`` after it is made)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utc_now)
    last_used_at: Mapped[object | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[object | None] = mapped_column(UTCDateTime)
    name: Mapped[str] = mapped_column(String(80), default="")
    scope: Mapped[str] = mapped_column(String(10), default="write")  # read | write
    expires_at: Mapped[object | None] = mapped_column(UTCDateTime)

    def state(self, now) -> str:
        """active, expired or revoked."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "active"

    user = relationship("User")


class PasswordReset(db.Model):
    """A one-time link to set a new password, sent through the outbox; only its SHA-256 is stored."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utc_now)
    expires_at: Mapped[object] = mapped_column(UTCDateTime)
    used_at: Mapped[object | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user = relationship("User", foreign_keys=[user_id])
