"""The family door's settings (edited at /admin/settings)."""
from flask_babel import lazy_gettext as _l

from eic.core.settings import declare

LATE_CANCEL_HOURS = declare("family.late_cancel_hours", 24,
                            _l("A family's cancellation later than this many hours before the session counts as "
                               "without notice"), minimum=1, maximum=168)
CHECKIN_MONTHS = declare("family.checkin_months", 3,
                         _l("Months between a caregiver's wellbeing check-ins (PHQ-4)"), minimum=1, maximum=12)
SURVEY_MONTHS = declare("family.survey_months", 6,
                        _l("Months after enrolment when the family is asked the family outcome questions"),
                        minimum=1, maximum=24)
