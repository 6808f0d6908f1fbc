"""The therapy domain's tunable values (an administrator edits them at /admin/settings)."""
from flask_babel import lazy_gettext as _l

from eic.core.settings import declare

REVIEW_MONTHS = declare("therapy.review_interval_months", 3, _l("Plan reviews: every how many months (at most 6)"),
                        minimum=1, maximum=6)
NOTE_DUE_DAYS = declare("therapy.note_due_working_days", 2, _l("Session notes: late after how many working days"),
                        minimum=0, maximum=10)
TRAVEL_MINUTES = declare("therapy.home_travel_minutes", 30, _l("Home visits: travel minutes before and after"),
                         minimum=0, maximum=120)
UPPER_AGE = declare("therapy.upper_age_years", 3, _l("Services end at this age (years)"), minimum=3, maximum=4)
EXTENDED_AGE = declare("therapy.extended_age_years", 4,
                       _l("Children with a developmental disorder: services may continue to (years)"),
                       minimum=3, maximum=4)
PLAN_DUE_DAYS = declare("therapy.plan_due_days", 45, _l("Individual plan due: days after the referral"),
                        minimum=10, maximum=90)
OFFLINE_KEEP_DAYS = declare("therapy.offline_keep_days", 14,
                            _l("A specialist's device removes its offline week after this many days without a "
                               "successful sync"), minimum=1, maximum=30)
