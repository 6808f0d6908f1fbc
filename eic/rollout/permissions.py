"""Who may see and change the rollout: foundation staff see and change everything (it holds no child data);
a center's coordinator reads their own center's equipment lines and trainees; the ministry reads aggregates."""
from flask_babel import lazy_gettext as _l

from eic.core.nav import Entry, Menu
from eic.core.permissions import EVERYTHING, Scope
from eic.core.roles import Role

from .models import AllocationLine, Enrolment

LINES = Scope(AllocationLine, {Role.FOUNDATION: EVERYTHING, Role.COORDINATOR: (("center_id", "center_id"),)})
ENROLMENTS = Scope(Enrolment, {Role.FOUNDATION: EVERYTHING,
                               Role.COORDINATOR: (("trainee.center_id", "center_id"),)})


def lines_visible_to(user):
    """A SELECT of the equipment allocation lines ``user`` may see."""
    return LINES.select(user)


def enrolments_visible_to(user):
    """A SELECT of the training enrolments ``user`` may see."""
    return ENROLMENTS.select(user)


def can_manage(user) -> bool:
    """Recording equipment, budget, training and visits: foundation staff."""
    return user is not None and getattr(user, "is_authenticated", False) and user.role is Role.FOUNDATION


def center_filter(user):
    """The center a reader is limited to: the coordinator's own; None (every center) for the others."""
    return user.center_id if user.role is Role.COORDINATOR else None


# The rollout's own menu: readers see readiness; the coordinator also their center's lines and trainees; the
# foundation, which records everything, the catalogue, budget, courses and visits too.
_READINESS = Entry("rollout.index", _l("Readiness"))
_EQUIPMENT = Entry("rollout.equipment", _l("Equipment"))
_TRAINING = Entry("rollout.training", _l("Training"))
ROLLOUT_MENU = Menu({
    Role.MINISTRY: (_READINESS,),
    Role.COORDINATOR: (_READINESS, _EQUIPMENT, _TRAINING),
    Role.FOUNDATION: (_READINESS, _EQUIPMENT, _TRAINING, Entry("rollout.catalogue", _l("Catalogue")),
                      Entry("rollout.budget", _l("Budget")), Entry("rollout.courses", _l("Courses and cohorts")),
                      Entry("rollout.visits", _l("Mentoring visits"))),
})
