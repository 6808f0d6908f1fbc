"""The family's answer to a coming session: "we will come", or a cancellation with the reason. A cancellation later
than ``family.late_cancel_hours`` before the session counts as without notice. The specialist and the center's
coordinators are told at once (a notification each); a cancelled session frees its slot."""
from datetime import timedelta

from flask_babel import lazy_gettext as _l

from eic.core.errors import Conflict, NotFound, ValidationFailed
from eic.core.locking import lock_for_change
from eic.core.settings import get_setting
from eic.core.text import clean_text
from eic.core.timeutil import utc_now
from eic.extensions import db
from eic.therapy.models import TherapySession

from . import access
from .settings import LATE_CANCEL_HOURS

REASON_LIMIT = 300


def own_session(user, session_id: int) -> TherapySession:
    """A coming session of one of the caregiver's children; NotFound for anything else (another family's, a
    group's, a past or cancelled one is not theirs to answer)."""
    row = db.session.get(TherapySession, session_id)
    children = {c.id for c in access.children_of(user)}
    if row is None or row.child_id not in children:
        raise NotFound()
    return row


def _open(row: TherapySession, now) -> None:
    # The row is locked against a change the center makes at the same moment (a move, a cancellation).
    lock_for_change(row, _l("The center changed this session meanwhile. Nothing was saved."), status_of=str,
                    state=lambda s: (s.is_active, s.starts_at))
    if not row.is_active:
        raise Conflict(_l("This session is cancelled."))
    if row.starts_at <= now:
        raise Conflict(_l("This session has already begun."))


def confirm(user, session_id: int, *, now=None) -> TherapySession:
    now = now or utc_now()
    row = own_session(user, session_id)
    _open(row, now)
    row.family_confirmed_at = now
    _tell_staff(row, "family_confirmed")
    return row


def cancel(user, session_id: int, *, reason: str, now=None) -> TherapySession:
    """Cancel with the reason (required); returns the session, whose ``absence_reason`` says whether it was with
    notice."""
    now = now or utc_now()
    row = own_session(user, session_id)
    reason = clean_text(reason)
    if not reason:
        raise ValidationFailed(fields={"reason": [_l("Please tell the center why.")]})
    if len(reason) > REASON_LIMIT:
        raise ValidationFailed(fields={"reason": [_l("At most %(n)s characters.", n=REASON_LIMIT)]})
    _open(row, now)
    late = row.starts_at - now < timedelta(hours=get_setting(LATE_CANCEL_HOURS.key))
    row.is_active, row.cancelled_at, row.cancelled_by_family = False, now, True
    row.cancel_reason = reason
    row.absence_reason = "family_cancelled_no_notice" if late else "family_cancelled_notice"
    _tell_staff(row, "family_cancelled_late" if late else "family_cancelled", reason=reason)
    return row


def _tell_staff(row: TherapySession, kind: str, reason: str = "") -> None:
    from eic.notifications.services import notify
    from eic.referrals.services import _coordinators_of

    db.session.flush()
    day = row.starts_at.date().isoformat()
    child = row.referral.child.full_name if row.referral else ""
    for user_id in {row.specialist_id, *_coordinators_of(row.center_id)}:
        notify(user_id, kind=kind, subject_id=row.referral_id,
               params={"child": child, "date": day, "reason": reason[:200]})
