"""The coverage domain's tunable values."""
from flask_babel import lazy_gettext as _l

from eic.core.settings import declare

AT_RISK_PER_THOUSAND = declare("coverage.at_risk_per_thousand", 67,
                               _l("Births at risk per thousand live births (the programme estimates 6.7%)"),
                               minimum=1, maximum=500)
