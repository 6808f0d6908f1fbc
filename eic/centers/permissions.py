"""Who may see a center's rooms and staff, and who coordinates or administers a center."""
from eic.accounts.models import User
from eic.core.permissions import Scope, is_staff_of
from eic.core.roles import Role

from .models import Room

OWN_CENTER = (("center_id", "center_id"),)

# The staff of a center see its rooms and its people; nobody else works with them.
ROOMS = Scope(Room, {Role.COORDINATOR: OWN_CENTER, Role.SPECIALIST: OWN_CENTER})
COLLEAGUES = Scope(User, {Role.COORDINATOR: OWN_CENTER, Role.SPECIALIST: OWN_CENTER})


def rooms_visible_to(user):
    """A SELECT of the rooms of the user's center (none for other roles)."""
    return ROOMS.select(user)


def colleagues_visible_to(user):
    """A SELECT of the accounts that work at the user's center (none for other roles)."""
    return COLLEAGUES.select(user)


def specialists_visible_to(user):
    """The specialists among ``colleagues_visible_to``."""
    return colleagues_visible_to(user).where(User.role == Role.SPECIALIST)


def can_coordinate_center(user, center_id) -> bool:
    """The coordinator of center ``center_id``: its hours, closures, bookings and cases."""
    return is_staff_of(user, center_id, Role.COORDINATOR)


def can_administer(user) -> bool:
    """Reference data, accounts, jobs: administrators only."""
    return user is not None and getattr(user, "is_authenticated", False) and user.role is Role.ADMIN
