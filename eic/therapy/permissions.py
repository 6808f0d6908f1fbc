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


def can_open_session(user, session, visible_cases=None) -> bool:
    """Whether ``user`` may open ``session`` with the child's name and record: the coordinator of its center;
    a specialist their own sessions and those of children they may see (their team, or the glass broken today).
    Others see it only as a busy block. ``visible_cases``: the user's visible case ids, when already known."""
    if not can_view_session(user, session):
        return False
    if user.role is Role.COORDINATOR or session.specialist_id == user.id:
        return True
    if session.referral_id is None:
        return False  # a group: its roster is the giving specialist's and the coordinator's
    if visible_cases is None:
        from eic.referrals.permissions import case_ids_visible_to

        visible_cases = case_ids_visible_to(user)
    return session.referral_id in visible_cases


def sessions_open_to(user, sessions) -> set:
    """The ids among ``sessions`` that ``user`` may open (``can_open_session``), with one query."""
    from eic.referrals.permissions import case_ids_visible_to

    visible = case_ids_visible_to(user) if user.role is Role.SPECIALIST else set()
    return {s.id for s in sessions if can_open_session(user, s, visible)}


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
