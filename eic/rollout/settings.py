"""The rollout's targets and readiness thresholds (edited at /admin/settings)."""
from flask_babel import lazy_gettext as _l

from eic.core.settings import declare

TRAINED_TARGET = declare("rollout.trained_target", 299, _l("Programme target: specialists trained"),
                         minimum=1, maximum=100000)
TRAINED_PER_CENTER = declare("rollout.trained_per_center", 23,
                             _l("Readiness: specialists trained per center"), minimum=1, maximum=1000)
EQUIPMENT_READY_PERCENT = declare("rollout.equipment_ready_percent", 90,
                                  _l("Readiness: share of equipment value commissioned, percent"),
                                  minimum=1, maximum=100)
BUDGET_SPENT_PERCENT = declare("rollout.budget_spent_percent", 80,
                               _l("Readiness: share of the center's planned budget spent, percent"),
                               minimum=1, maximum=100)
MAX_OVERDUE_ACTIONS = declare("rollout.max_overdue_actions", 0,
                              _l("Readiness: mentoring actions overdue at most"), minimum=0, maximum=100)
