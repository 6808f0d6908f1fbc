"""Which roles must use a second factor at log-in (edited at /admin/settings): 1 = required, 0 = the user's choice."""
from flask_babel import lazy_gettext as _l

from eic.core.roles import Role
from eic.core.settings import declare

SECOND_FACTOR = {
    role: declare(f"accounts.second_factor.{role.value}", 0,
                  _l("Second factor required at log-in: %(role)s (1 = yes, 0 = optional)", role=role.label),
                  minimum=0, maximum=1)
    for role in Role
}
