"""Reads of accounts for the administrators' pages."""
from sqlalchemy import or_, select

from eic.core.text import search_key
from eic.extensions import db

from .models import User


def users_by_role(*, search: str | None = None, role: str | None = None, center_id: int | None = None,
                  active: bool | None = None):
    """A SELECT of the accounts by role and e-mail (for pagination), narrowed by a search in the e-mail and name
    (Kazakh and Russian letters compared case-insensitively), a role, a center and whether the account is open."""
    stmt = select(User).order_by(User.role, User.email)
    if role:
        stmt = stmt.where(User.role == role)
    if center_id:
        stmt = stmt.where(User.center_id == center_id)
    if active is not None:
        stmt = stmt.where(User.is_active_account.is_(active))
    if search and (key := search_key(search)):
        # SQLite lowers ASCII only (docs/PITFALLS.md #13), and there are a few hundred accounts, not a register of
        # children: the name is matched as typed and in the usual spellings (lower, Title Case, UPPER).
        spellings = {key, key.title(), key.upper(), " ".join(search.split())}
        names = [User.full_name.contains(s, autoescape=True) for s in spellings]
        stmt = stmt.where(or_(User.email.contains(key, autoescape=True), *names))
    return stmt


def tokens_of(user) -> list:
    """A user's API tokens, newest first."""
    from .models import ApiToken

    return db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                              .order_by(ApiToken.id.desc())).all()


def all_tokens():
    """A SELECT of every API token with its owner, newest first (for pagination)."""
    from .models import ApiToken

    return select(ApiToken).join(User, User.id == ApiToken.user_id).order_by(ApiToken.id.desc())
