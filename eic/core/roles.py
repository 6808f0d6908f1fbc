"""The one enum of roles; every permission check names these."""
import enum

from flask_babel import lazy_gettext as _l


class Role(str, enum.Enum):
    PEDIATRICIAN = "pediatrician"
    COORDINATOR = "coordinator"
    SPECIALIST = "specialist"
    FOUNDATION = "foundation"
    MINISTRY = "ministry"
    ADMIN = "admin"
    # A parent or caregiver recorded on a referral: logs in with a code sent to that phone (eic/family).
    CAREGIVER = "caregiver"

    @property
    def label(self):
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.PEDIATRICIAN: _l("District pediatrician"),
    Role.COORDINATOR: _l("Center coordinator"),
    Role.SPECIALIST: _l("Specialist"),
    Role.FOUNDATION: _l("Foundation staff"),
    Role.MINISTRY: _l("Ministry official"),
    Role.ADMIN: _l("Administrator"),
    Role.CAREGIVER: _l("Parent or caregiver"),
}
STAFF_ROLES = tuple(r for r in Role if r is not Role.CAREGIVER)

CENTER_ROLES = (Role.COORDINATOR, Role.SPECIALIST)
CHILD_DATA_ROLES = (Role.PEDIATRICIAN, Role.COORDINATOR, Role.SPECIALIST)
