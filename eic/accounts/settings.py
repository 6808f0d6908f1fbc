"""Which roles must use a second factor at log-in (edited at /admin/settings): 1 = required, 0 = the user's choice.

Required by default for the roles that reach many children's records or the whole platform: coordinators (a
center), administrators, the ministry and the foundation. Specialists and pediatricians may turn it on."""
from flask_babel import lazy_gettext as _l

from eic.core.roles import Role
from eic.core.settings import declare

REQUIRED_BY_DEFAULT = (Role.COORDINATOR, Role.ADMIN, Role.MINISTRY, Role.FOUNDATION)

SECOND_FACTOR = {
    role: declare(f"accounts.second_factor.{role.value}", int(role in REQUIRED_BY_DEFAULT),
                  _l("Second factor required at log-in: %(role)s (1 = yes, 0 = optional)", role=role.label),
                  minimum=0, maximum=1)
    for role in Role
}

TOKEN_DAYS = declare("accounts.token_days", 90, _l("API tokens expire after this many days"), minimum=1, maximum=730)
