"""How long a specialist keeps seeing a child after leaving the child's team (edited at /admin/settings)."""
from flask_babel import lazy_gettext as _l

from eic.core.settings import declare

TEAM_AFTER_DAYS = declare("referrals.team_access_days", 90,
                          _l("A specialist sees a child for this many days after leaving the child's team"),
                          minimum=0, maximum=365)

RETENTION_YEARS = declare("referrals.retention_years", 5,
                          _l("Years after a child's last case closes before the records are anonymised"),
                          minimum=1, maximum=75)
