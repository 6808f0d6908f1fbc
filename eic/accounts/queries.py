"""Reads of accounts for the administrators' pages."""
from sqlalchemy import select

from .models import User


def users_by_role():
    """A SELECT of every account by role and e-mail (for pagination)."""
    return select(User).order_by(User.role, User.email)
