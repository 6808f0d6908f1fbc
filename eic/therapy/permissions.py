"""Who may see and change sessions, plans, hours and discharges.

Sessions are seen by the staff of their center (``SESSIONS``); everything a coordinator arranges is checked by
``can_coordinate_center`` from ``centers.permissions``; attendance and notes are the coordinator's or the
session's own specialist's (``can_record``). Services call ``require`` so that a refusal is one ``Forbidden``.
"""
from eic.centers.permissions import OWN_CENTER, can_coordinate_center
from eic.core.errors import Forbidden
from eic.core.permissions import Scope, is_staff_of
from eic.core.roles import Role

from .models import TherapySession

SESSIONS = Scope(TherapySession, {Role.COORDINATOR: OWN_CENTER, Role.SPECIALIST: OWN_CENTER})


def sessions_visible_to(user):
    """A SELECT of the sessions of the user's center (none for other roles)."""
    return SESSIONS.select(user)


def can_view_session(user, session) -> bool:
    """Whether ``user`` may see ``session``: the Python rendering of SESSIONS."""
    return SESSIONS.allows(user, session)


def can_book(user, center_id) -> bool:
    """Booking, moving, cancelling and group rosters: the center's coordinator."""
    return can_coordinate_center(user, center_id)


def can_record(user, session) -> bool:
    """Attendance and notes: the coordinator of the session's center, or the specialist who gives it."""
    if not is_staff_of(user, session.center_id):
        return False
    return user.role is Role.COORDINATOR or user.id == session.specialist_id


def can_write_note(user, session) -> bool:
    """The session note: only the specialist who gave the session."""
    return user is not None and getattr(user, "is_authenticated", False) and user.id == session.specialist_id


def require(allowed: bool) -> None:
    """Raise Forbidden unless ``allowed``."""
    if not allowed:
        raise Forbidden()
