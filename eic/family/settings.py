"""The family door's settings (edited at /admin/settings)."""
from flask_babel import lazy_gettext as _l

from eic.core.settings import declare

LATE_CANCEL_HOURS = declare("family.late_cancel_hours", 24,
                            _l("A family's cancellation later than this many hours before the session counts as "
                               "without notice"), minimum=1, maximum=168)
