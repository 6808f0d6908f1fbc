"""The referral status machine, in one place."""
import enum

from flask_babel import lazy_gettext as _l


class Status(str, enum.Enum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    WAITLISTED = "waitlisted"
    ENROLLED = "enrolled"
    DECLINED = "declined"
    REDIRECTED = "redirected"
    WITHDRAWN = "withdrawn"
    CLOSED = "closed"


STATUS_LABELS = {
    Status.SUBMITTED: _l("Submitted"),
    Status.ACCEPTED: _l("Accepted"),
    Status.WAITLISTED: _l("Waitlisted"),
    Status.ENROLLED: _l("Enrolled"),
    Status.DECLINED: _l("Declined"),
    Status.REDIRECTED: _l("Redirected"),
    Status.WITHDRAWN: _l("Withdrawn"),
    Status.CLOSED: _l("Closed"),
}

# A family may withdraw at any point before enrolment; after it, the case is closed (later: discharge).
TRANSITIONS = {
    Status.SUBMITTED: {Status.ACCEPTED, Status.DECLINED, Status.REDIRECTED, Status.WITHDRAWN},
    Status.ACCEPTED: {Status.WAITLISTED, Status.ENROLLED, Status.WITHDRAWN},
    Status.WAITLISTED: {Status.ENROLLED, Status.WITHDRAWN},
    Status.ENROLLED: {Status.CLOSED},
}

# Statuses after which the child may be referred again.
FINAL = {Status.DECLINED, Status.REDIRECTED, Status.WITHDRAWN, Status.CLOSED}

# The pediatrician is told of these.
NOTIFY_REFERRER = {Status.ACCEPTED, Status.DECLINED, Status.REDIRECTED, Status.WAITLISTED, Status.ENROLLED}

REASON_REQUIRED = {Status.DECLINED, Status.REDIRECTED, Status.WITHDRAWN}


def allowed(current: Status, target: Status) -> bool:
    return target in TRANSITIONS.get(current, set())


class DeclineReason(str, enum.Enum):
    NOT_ELIGIBLE_AGE = "not_eligible_age"
    NOT_ELIGIBLE_CONDITION = "not_eligible_condition"
    FAMILY_DECLINED = "family_declined"
    UNREACHABLE = "unreachable"
    SERVED_ELSEWHERE = "served_elsewhere"
    OTHER = "other"


DECLINE_REASON_LABELS = {
    DeclineReason.NOT_ELIGIBLE_AGE: _l("Not eligible: age"),
    DeclineReason.NOT_ELIGIBLE_CONDITION: _l("Not eligible: condition"),
    DeclineReason.FAMILY_DECLINED: _l("The family declined services"),
    DeclineReason.UNREACHABLE: _l("The family could not be reached"),
    DeclineReason.SERVED_ELSEWHERE: _l("Already served elsewhere"),
    DeclineReason.OTHER: _l("Other"),
}


def status_label(status) -> str:
    """The status named in the reader's language."""
    return str(STATUS_LABELS[Status(status)])
