"""Creating and reading notifications."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from eic.core.timeutil import utc_now
from eic.extensions import db

from .models import Notification

MESSAGES = {
    "referral_accepted": _l("The referral of %(child)s was accepted by the center."),
    "referral_declined": _l("The referral of %(child)s was declined: %(reason)s"),
    "referral_redirected": _l("The referral of %(child)s was redirected to the %(center)s center: %(reason)s"),
    "referral_waitlisted": _l("%(child)s is on the center's waitlist."),
    "referral_enrolled": _l("%(child)s is enrolled and has a team."),
}


def notify(user_id: int, *, kind: str, subject_id: int | None = None, params: dict | None = None):
    """Queue an in-app notification; it becomes visible when the caller's transaction commits."""
    if kind not in MESSAGES:
        raise ValueError(f"unknown notification kind {kind!r}")
    row = Notification(user_id=user_id, kind=kind, subject_id=subject_id,
                       params={k: str(v) for k, v in (params or {}).items()})
    db.session.add(row)
    return row


def message(notification: Notification) -> str:
    params = {"child": "", "reason": "", "center": ""} | notification.params
    return str(MESSAGES[notification.kind]) % params


def unread_count(user) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.user_id == user.id, Notification.read_at.is_(None)))


def notifications_for(user):
    return select(Notification).where(Notification.user_id == user.id).order_by(Notification.id.desc())


def mark_read(user, notification_id: int | None = None) -> int:
    """Mark one (or, with no id, all) of the user's notifications read; returns how many changed."""
    stmt = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_id is not None:
        stmt = stmt.where(Notification.id == notification_id)
    return db.session.execute(stmt.values(read_at=utc_now())).rowcount
