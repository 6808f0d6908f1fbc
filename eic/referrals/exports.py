"""The referrals workbook: what the user may see, one row per referral, dates as real dates."""
from flask_babel import gettext as _

from eic.core.i18n import localized
from eic.extensions import db

from . import queries
from .status import status_label


def referrals(user, *, status=None, search=None) -> list:
    """The referrals ``user`` may see (``queries.referral_list``), streamed in batches of 500."""
    headers = [_("Referral"), _("Last name"), _("First name"), _("IIN"), _("Date of birth"), _("Center"),
               _("Referred"), _("Status"), _("Accepted"), _("First contact"), _("Assessment"), _("Enrolled"),
               _("Reason")]

    def rows():
        for r in db.session.scalars(queries.referral_list(user, status=status,
                                                          search=search)).yield_per(500):
            yield [r.id, r.child.last_name, r.child.first_name, r.child.iin, r.child.birth_on,
                   localized(r.center, "city"),
                   r.referred_on, status_label(r.status), r.accepted_on, r.first_contact_on, r.assessed_on,
                   r.enrolled_on, r.decision_reason]

    return [(_("Referrals"), headers, rows(), [10, 18, 16, 14, 12, 12, 12, 14, 12, 12, 12, 12, 30])]
