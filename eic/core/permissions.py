"""Visibility written once: a domain declares, per role, which records a user may see; this module turns that
declaration into a SQL criterion (for lists and loads) and into a Python check (for a record already in hand), and
loads single records through the scoped query.

Every domain's ``permissions.py`` builds its ``<records>_visible_to(user)`` from a ``Scope`` and its ``can_*``
checks from ``Scope.allows`` and the helpers here, so the SQL and the Python answer cannot disagree. A record
outside the user's scope answers 404 like a missing one, so that its existence does not leak.
"""
from collections.abc import Mapping
from dataclasses import dataclass

from flask import abort
from sqlalchemy import and_, false, inspect, select, true

from eic.core.roles import Role
from eic.core.validation import parse_int
from eic.extensions import db

# A rule is a tuple of (path on the record, attribute of the user) pairs that must all be equal. The path may go
# through relationships ("referral.center_id"); a path through a collection holds when any member matches.
# A rule may also hold a ``Condition``: a SQL criterion and its Python twin, for what equality cannot say (a
# specialist's own team, an emergency access).
# EVERYTHING: the role sees every record of the model.
EVERYTHING = ()


@dataclass(frozen=True)
class Condition:
    """A part of a rule beyond equality: ``sql(model, user)`` gives the WHERE clause, ``check(record, user)`` the
    same answer for a record in hand."""
    sql: object
    check: object


@dataclass(frozen=True)
class Scope:
    """Which records of ``model`` each role sees. A role missing from ``rules`` sees none; anonymous users and
    deactivated accounts see none."""

    model: type
    rules: Mapping[Role, tuple]

    def _rule(self, user):
        if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
            return None
        return self.rules.get(user.role)

    def criterion(self, user):
        """A WHERE clause over ``model`` that keeps what ``user`` may see."""
        rule = self._rule(user)
        if rule is None:
            return false()
        if rule == EVERYTHING:
            return true()
        return and_(*(part.sql(self.model, user) if isinstance(part, Condition)
                      else _sql(self.model, part[0], getattr(user, part[1])) for part in rule))

    def select(self, user):
        """SELECT of the records ``user`` may see."""
        return select(self.model).where(self.criterion(user))

    def allows(self, user, record) -> bool:
        """The same rule in Python, for a record already loaded."""
        rule = self._rule(user)
        if rule is None or record is None:
            return False
        return all(part.check(record, user) if isinstance(part, Condition)
                   else _matches(record, part[0], getattr(user, part[1])) for part in rule)


def _sql(model, path: str, value):
    head, _, rest = path.partition(".")
    attribute = getattr(model, head)
    if not rest:
        return attribute.is_(None) if value is None else attribute == value
    relationship = attribute.property
    inner = _sql(relationship.mapper.class_, rest, value)
    return attribute.any(inner) if relationship.uselist else attribute.has(inner)


def _matches(record, path: str, value) -> bool:
    head, _, rest = path.partition(".")
    current = getattr(record, head)
    if not rest:
        return current == value
    if current is None:
        return False
    if isinstance(current, (list, tuple, set)):  # a collection relationship
        return any(_matches(member, rest, value) for member in current)
    return _matches(current, rest, value)


def get_visible(query, ident):
    """The record with primary key ``ident`` among those ``query`` (a ``*_visible_to`` SELECT) returns, or None.
    ``ident`` that is not plainly a whole number (``True``, ``1.5``, ``"٣"``) is simply not found."""
    ident = parse_int(ident) if ident is not None else None
    if ident is None:
        return None
    entity = query.column_descriptions[0]["entity"]
    key = inspect(entity).primary_key[0]
    return db.session.scalar(query.where(key == ident).limit(1))


def get_visible_or_404(query, ident):
    """``get_visible``, answering 404 (a page's or the API's, by the error handlers) when there is none."""
    record = get_visible(query, ident)
    if record is None:
        abort(404)
    return record


def is_staff_of(user, center_id, *roles: Role) -> bool:
    """The user works at center ``center_id`` in one of ``roles`` (any center role when none are named)."""
    from eic.core.roles import CENTER_ROLES

    if user is None or not getattr(user, "is_authenticated", False) or center_id is None:
        return False
    return user.role in (roles or CENTER_ROLES) and user.center_id == center_id
