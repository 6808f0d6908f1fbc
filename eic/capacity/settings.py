"""The capacity domain's tunable targets (edited at /admin/settings)."""
from flask_babel import lazy_gettext as _l

from eic.core.settings import declare

FIRST_CONTACT_DAYS = declare("capacity.first_contact_working_days", 5,
                             _l("Timeliness target: first contact within working days"), minimum=1, maximum=30)
PLAN_DAYS = declare("capacity.plan_days", 45, _l("Timeliness target: plan within days of the referral"),
                    minimum=10, maximum=90)
FIRST_SESSION_DAYS = declare("capacity.first_session_days", 30,
                             _l("Timeliness target: first session within days of the plan"), minimum=1, maximum=90)
ALERT_LOW_PERCENT = declare("capacity.alert_low_percent", 90,
                            _l("Alert when the projection falls below this percentage of the target"),
                            minimum=50, maximum=100)
ALERT_HIGH_PERCENT = declare("capacity.alert_high_percent", 110,
                             _l("Alert when the projection rises above this percentage of the target"),
                             minimum=100, maximum=200)
PROJECTION_WINDOW_DAYS = declare("capacity.projection_window_days", 90,
                                 _l("Projection: recent intake measured over days"), minimum=14, maximum=365)
