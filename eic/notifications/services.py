"""Creating and reading notifications."""
import re
from datetime import date

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from eic.core.timeutil import utc_now
from eic.extensions import db

from .models import EmailPreference, Notification, OutboxMessage

MESSAGES = {
    "referral_accepted": _l("The referral of %(child)s was accepted by the center."),
    "referral_declined": _l("The referral of %(child)s was declined: %(reason)s"),
    "referral_redirected": _l("The referral of %(child)s was redirected to the %(center)s center: %(reason)s"),
    "referral_waitlisted": _l("%(child)s is on the center's waitlist."),
    "referral_enrolled": _l("%(child)s is enrolled and has a team."),
    # From the scheduled jobs.
    "referral_ack_overdue": _l("The referral of %(child)s has waited %(days)s working days without a decision."),
    # To administrators, who see no child data: no name.
    "referral_ack_escalated": _l("A referral at the %(center)s center has waited %(days)s working days without a "
                                 "decision."),
    "first_contact_overdue": _l("%(child)s: no first contact %(days)s working days after the referral."),
    "plan_warning": _l("%(child)s: day %(days)s since the referral and no plan yet (due by day 45)."),
    "plan_overdue": _l("%(child)s: no plan 45 days after the referral."),
    "first_session_due": _l("%(child)s: no session delivered %(days)s days after the plan."),
    "review_due": _l("%(child)s: the plan review is due on %(date)s."),
    "review_overdue": _l("%(child)s: the plan review was due on %(date)s."),
    "transition_planning": _l("%(child)s is 2 years 9 months old: plan the transition."),
    "age_limit": _l("%(child)s turns 3 on %(date)s, when the service ends."),
    "missed_sessions": _l("%(child)s missed three sessions in a row."),
    "late_note": _l("The note of the session on %(date)s with %(child)s is not written."),
    "delivery_overdue": _l("%(item)s for the %(center)s center was due on %(date)s and is not delivered."),
    "refresher_due": _l("%(person)s (%(center)s): the refresher of %(course)s is due on %(date)s."),
    "action_overdue": _l("The action agreed with the %(center)s center, %(action)s, was due on %(date)s."),
    "coverage_workbook": _l("The weekly coverage workbook up to %(date)s is ready."),
    "break_glass": _l("%(person)s opened the record of %(child)s, not on their team, for today: %(reason)s"),
    # From the family's door.
    "family_confirmed": _l("The family of %(child)s confirmed the session on %(date)s."),
    "family_cancelled": _l("The family of %(child)s cancelled the session on %(date)s: %(reason)s"),
    "family_cancelled_late": _l("The family of %(child)s cancelled the session on %(date)s at short notice (it "
                                "counts as without notice): %(reason)s"),
    "family_checkin": _l("A caregiver of %(child)s had a hard time in the wellbeing check-in: please call to offer "
                         "counselling or a peer group."),
    "family_group_request": _l("The family of %(child)s asks to join the peer group on %(date)s."),
    "support_check": _l("Support directory entries to check (last checked six months ago or more): %(n)s."),
    "safety_concern": _l("A safety concern at the home visit to %(child)s on %(date)s: please see the checklist "
                         "today."),
}
# Kinds a person may also receive by e-mail (their choice, on the notifications page), with their names.
KIND_LABELS = {
    "referral_accepted": _l("Referral accepted"), "referral_declined": _l("Referral declined"),
    "referral_redirected": _l("Referral redirected"), "referral_waitlisted": _l("Child on the waitlist"),
    "referral_enrolled": _l("Child enrolled"), "referral_ack_overdue": _l("Referral waiting for a decision"),
    "referral_ack_escalated": _l("Referral waiting for a decision (escalated)"),
    "first_contact_overdue": _l("First contact overdue"), "plan_warning": _l("Plan due soon"),
    "plan_overdue": _l("Plan overdue"), "first_session_due": _l("First session overdue"),
    "review_due": _l("Plan review due"), "review_overdue": _l("Plan review overdue"),
    "transition_planning": _l("Transition planning"), "age_limit": _l("Age limit approaching"),
    "missed_sessions": _l("Three missed sessions"), "late_note": _l("Session note not written"),
    "delivery_overdue": _l("Equipment delivery overdue"), "refresher_due": _l("Training refresher due"),
    "action_overdue": _l("Mentoring action overdue"), "coverage_workbook": _l("Weekly coverage workbook"),
    "break_glass": _l("Emergency access to a record"),
    "family_confirmed": _l("Session confirmed by the family"),
    "family_cancelled": _l("Session cancelled by the family"),
    "family_cancelled_late": _l("Session cancelled by the family at short notice"),
    "family_checkin": _l("A family to offer support"),
    "family_group_request": _l("A request to join a peer group"),
    "support_check": _l("Support directory entries to check"),
    "safety_concern": _l("A safety concern at a home visit"),
}
EMAIL_KINDS = tuple(MESSAGES)
# An e-mail says what kind of news waits on the platform, never whose: no child's name leaves the platform by mail.
EMAIL_BODY = _l("%(kind)s: there is news for you on the early intervention platform. Log in to read it.")
assert set(KIND_LABELS) == set(MESSAGES)
FAMILY_KIND_LABELS = {"session_reminder": _l("Session reminder"), "session_cancelled": _l("Session cancelled"),
                      "session_moved": _l("Session moved"), "password_reset": _l("Password link"),
                      "login_code": _l("Log-in code")}
FAMILY_MESSAGES = {
    "session_cancelled": _l("The session at the early intervention center on %(date)s at %(time)s is cancelled. "
                            "The center will call you to agree another time."),
    "session_moved": _l("The session at the early intervention center moved from %(old)s to %(date)s at "
                        "%(time)s. If this does not suit you, please call the center."),
    "session_reminder": _l("Reminder: a session at the early intervention center on %(date)s at %(time)s. If you "
                           "cannot come, please call the center."),
    "login_code": _l("Your code for the early intervention center: %(code)s. It is valid for 10 minutes. Do not "
                     "tell it to anyone, even the center's staff."),
}


ALL_KIND_LABELS = KIND_LABELS | FAMILY_KIND_LABELS


def notify(user_id: int, *, kind: str, subject_id: int | None = None, params: dict | None = None,
           dedupe_key: str | None = None):
    """Queue an in-app notification (and, if the user chose it, an e-mail in the outbox); both become real when
    the caller's transaction commits. With a ``dedupe_key`` already used, nothing is made and None returned."""
    if kind not in MESSAGES:
        raise ValueError(f"unknown notification kind {kind!r}")
    if dedupe_key is not None and db.session.scalar(select(Notification.id).where(
            Notification.dedupe_key == dedupe_key)) is not None:
        return None
    row = Notification(user_id=user_id, kind=kind, subject_id=subject_id, dedupe_key=dedupe_key,
                       params={k: str(v) for k, v in (params or {}).items()})
    db.session.add(row)
    if db.session.get(EmailPreference, (user_id, kind)) is not None:
        from eic.accounts.models import User

        user = db.session.get(User, user_id)
        if user is not None and user.is_active_account:
            language = user.locale or "kk"
            with force_locale(language):
                text = str(EMAIL_BODY) % {"kind": KIND_LABELS[kind]}
                subject = str(_l("Early intervention centers"))
            db.session.add(OutboxMessage(channel="email", recipient=user.email, language=language, subject=subject,
                                         body=text, kind=kind,
                                         dedupe_key=f"email:{dedupe_key}" if dedupe_key else None))
    return row


PARAMETERS = ("child", "reason", "center", "days", "date", "item", "person", "course", "action", "n")
LANGUAGES = ("kk", "ru", "en")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def in_each_language(name: str, record, attribute: str) -> dict:
    """Parameters naming ``record`` in every language (``center_kk``, ``center_ru``, ``center_en`` from
    ``city_kk``...), so that a notification made by a job reads in its reader's language."""
    return {f"{name}_{lang}": getattr(record, f"{attribute}_{lang}") for lang in LANGUAGES}


def message(notification: Notification) -> str:
    """The notification's text in the current language, its parameters filled in (missing ones empty): a name
    given in every language is taken in the reader's, and a date is written the reader's way."""
    from flask_babel import format_date, get_locale

    lang = str(get_locale() or "kk")
    stored = notification.params or {}
    params = dict.fromkeys(PARAMETERS, "")
    for name in PARAMETERS:
        value = stored.get(f"{name}_{lang}", stored.get(name, ""))
        if isinstance(value, str) and ISO_DATE.match(value):
            value = format_date(date.fromisoformat(value), "long")
        params[name] = value
    # A date written the Russian way ends in "г." ("8 декабря 2026 г."): a sentence that ends with it keeps one
    # full stop, not two.
    return DOUBLE_STOP.sub(".", str(MESSAGES[notification.kind]) % params)


DOUBLE_STOP = re.compile(r"(?<=\w)\.\.(?=\s|$)")


def queue_family_message(*, kind: str, phone: str, language: str, params: dict, dedupe_key: str):
    """A text message to a family, in their language, kept once per ``dedupe_key``."""
    if db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)) is not None:
        return None
    language = language if language in ("kk", "ru", "en") else "kk"
    with force_locale(language):
        body = str(FAMILY_MESSAGES[kind]) % params
    row = OutboxMessage(channel="sms", recipient=phone, language=language, body=body, kind=kind,
                        dedupe_key=dedupe_key)
    db.session.add(row)
    return row


def email_kinds(user) -> set[str]:
    """The kinds of notification ``user`` also receives by e-mail."""
    return set(db.session.scalars(select(EmailPreference.kind).where(EmailPreference.user_id == user.id)))


def set_email_kinds(user, kinds) -> None:
    """Replace the kinds the user receives by e-mail (unknown kinds ignored)."""
    from sqlalchemy import delete

    wanted = {k for k in kinds if k in EMAIL_KINDS}
    db.session.execute(delete(EmailPreference).where(EmailPreference.user_id == user.id))
    db.session.add_all(EmailPreference(user_id=user.id, kind=k) for k in sorted(wanted))
    db.session.flush()


def unread_count(user) -> int:
    """How many of ``user``'s notifications are unread."""
    return db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.user_id == user.id, Notification.read_at.is_(None)))


def notifications_for(user):
    """A SELECT of ``user``'s notifications, newest first."""
    return select(Notification).where(Notification.user_id == user.id).order_by(Notification.id.desc())


def mark_read(user, notification_id: int | None = None) -> int:
    """Mark one (or, with no id, all) of the user's notifications read; returns how many changed."""
    stmt = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_id is not None:
        stmt = stmt.where(Notification.id == notification_id)
    return db.session.execute(stmt.values(read_at=utc_now())).rowcount


def case_recipients(referral, *, lead=True, coordinators=True) -> list[int]:
    """The user ids who answer for a child: the center's coordinators and the lead specialist of the team."""
    from eic.accounts.models import User
    from eic.core.roles import Role
    from eic.intake.models import TeamMember

    ids = []
    if coordinators:
        ids += db.session.scalars(select(User.id).where(User.role == Role.COORDINATOR,
                                                        User.center_id == referral.center_id,
                                                        User.is_active_account.is_(True))).all()
    if lead:
        ids += db.session.scalars(select(TeamMember.specialist_id).where(TeamMember.referral_id == referral.id,
                                                                         TeamMember.is_lead.is_(True),
                                                                         TeamMember.ended_on.is_(None))).all()
    return list(dict.fromkeys(ids))


def users_with_role(role) -> list[int]:
    """The ids of the active accounts with ``role``."""
    from eic.accounts.models import User

    return db.session.scalars(select(User.id).where(User.role == role, User.is_active_account.is_(True))).all()


def notify_each(user_ids, *, kind, key, subject_id=None, params=None) -> int:
    """``notify`` every user once for ``key`` (the key is made per user); returns how many were new."""
    made = 0
    for user_id in user_ids:
        if notify(user_id, kind=kind, subject_id=subject_id, params=params, dedupe_key=f"{key}:u{user_id}"):
            made += 1
    db.session.flush()
    return made
