"""The caregiver's own wellbeing check-in: the PHQ-4 (Kroenke et al., 2009; free to use), offered every
``family.checkin_months``. The result is explained kindly to the caregiver and shown to nobody but them and their
child's team; a score of ``TASK_SCORE`` or more is a task for the coordinator: offer counselling or a peer group.
"""
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from eic.core.errors import Conflict, NotFound, ValidationFailed
from eic.core.locking import lock_for_change
from eic.core.settings import get_setting
from eic.core.text import clean_text
from eic.core.timeutil import utc_now
from eic.extensions import db
from eic.referrals.status import Status

from . import access
from .models import WellbeingCheckin
from .settings import CHECKIN_MONTHS

TASK_SCORE = 6
NOTE_LIMIT = 500

# What the score means, said kindly (the PHQ-4's bands: 0-2 none, 3-5 mild, 6-8 moderate, 9-12 severe).
BANDS = (
    (2, _l("Your answers suggest you are coping these weeks. Looking after yourself helps your child too; your "
           "team is there if that changes.")),
    (5, _l("Your answers show some strain. Many parents of small children feel this way. Your team is glad to "
           "talk with you, and other parents in a peer group know how it feels.")),
    (8, _l("Your answers show that the last two weeks have been hard for you. You are not alone: the center's "
           "coordinator will call you to offer a talk with a psychologist or a parents' group. You can also call "
           "the center yourself.")),
    (12, _l("Your answers show that the last two weeks have been very hard for you. You are not alone: the "
            "center's coordinator will call you soon to offer support. If you feel you cannot keep yourself safe, "
            "call 112 now.")),
)


def explain(score: int) -> str:
    return str(next(text for top, text in BANDS if score <= top))


def enrolled_referral(user):
    """The referral the check-in belongs to: the latest referral of the caregiver's first child that is enrolled
    (a family without a team is not asked)."""
    for referral in access.latest_referrals(access.children_of(user)).values():
        if referral.status is Status.ENROLLED:
            return referral
    return None


def last_checkin(user):
    return db.session.scalar(select(WellbeingCheckin).where(WellbeingCheckin.user_id == user.id)
                             .order_by(WellbeingCheckin.created_at.desc()).limit(1))


def is_due(user, *, now=None) -> bool:
    """A check-in is offered to an enrolled family when there is none within the interval."""
    if enrolled_referral(user) is None:
        return False
    last = last_checkin(user)
    every = timedelta(days=round(get_setting(CHECKIN_MONTHS.key) * 30.44))
    return last is None or last.created_at <= (now or utc_now()) - every


def record(user, answers, *, now=None) -> WellbeingCheckin:
    """Save the four answers (each 0-3); a score of ``TASK_SCORE`` or more notifies the center's coordinators.
    Raises ValidationFailed (an answer missing or out of range), Conflict (not due)."""
    now = now or utc_now()
    answers = list(answers)
    if len(answers) != 4 or any(a not in (0, 1, 2, 3) for a in answers):
        raise ValidationFailed(fields={"answers": [_l("Please answer all four questions.")]})
    referral = enrolled_referral(user)
    if referral is None or not is_due(user, now=now):
        raise Conflict(_l("The check-in is not due yet. Thank you."))
    score = sum(answers)
    row = WellbeingCheckin(user_id=user.id, referral_id=referral.id, center_id=referral.center_id,
                           q1=answers[0], q2=answers[1], q3=answers[2], q4=answers[3], score=score,
                           created_at=now, needs_follow_up=score >= TASK_SCORE)
    db.session.add(row)
    db.session.flush()
    if row.needs_follow_up:
        from eic.notifications.services import notify_each
        from eic.referrals.services import _coordinators_of

        notify_each(_coordinators_of(referral.center_id), kind="family_checkin", key=f"checkin:{row.id}",
                    subject_id=referral.id, params={"child": referral.child.full_name})
    return row


def of_referral(referral_id: int) -> list[WellbeingCheckin]:
    """The check-ins made for a child's referral, newest first (for the team, on the case page)."""
    return db.session.scalars(select(WellbeingCheckin).where(WellbeingCheckin.referral_id == referral_id)
                              .order_by(WellbeingCheckin.created_at.desc())).all()


def open_tasks(center_id: int) -> list[WellbeingCheckin]:
    return db.session.scalars(select(WellbeingCheckin).where(
        WellbeingCheckin.center_id == center_id, WellbeingCheckin.needs_follow_up.is_(True),
        WellbeingCheckin.done_at.is_(None)).order_by(WellbeingCheckin.created_at)).all()


def task_of(checkin_id: int, actor) -> WellbeingCheckin:
    """A task of the coordinator's center; NotFound for any other check-in."""
    row = db.session.get(WellbeingCheckin, checkin_id)
    if row is None or row.center_id != actor.center_id or not row.needs_follow_up:
        raise NotFound()
    return row


def mark_done(checkin_id: int, *, note: str, actor, now=None) -> WellbeingCheckin:
    """The coordinator's task done, with what was offered. Raises NotFound (not the coordinator's center),
    ValidationFailed (no note), Conflict (done meanwhile)."""
    row = task_of(checkin_id, actor)
    note = clean_text(note or "")
    if not note:
        raise ValidationFailed(fields={"note": [_l("Say what was offered to the family.")]})
    if len(note) > NOTE_LIMIT:
        raise ValidationFailed(fields={"note": [_l("At most %(n)s characters.", n=NOTE_LIMIT)]})
    lock_for_change(row, _l("Someone marked this task meanwhile."), status_of=str, state=lambda r: r.done_at)
    if row.done_at is not None:
        raise Conflict(_l("This task is already done."))
    row.done_at, row.done_by_id, row.done_note = now or utc_now(), actor.id, note
    return row
