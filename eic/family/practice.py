"""Home practice: each session note's "family plan until the next session" is a task the family can tick off
("we practised", with a comment), and the specialist sees the ticks before the next session."""
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from eic.core.errors import NotFound, ValidationFailed
from eic.core.text import clean_text
from eic.core.timeutil import almaty_today, utc_now
from eic.extensions import db
from eic.therapy.models import TherapySession

from . import access
from .models import HomePractice

COMMENT_LIMIT = 500
# The family's page lists the plans of the notes of this many last days (the newest first).
SHOWN_DAYS = 45
SHOWN_NOTES = 3


def plans_to_practise(children) -> dict:
    """{child id: [(session, [its ticks, newest first]), ...]}: the child's last ``SHOWN_NOTES`` notes with a plan
    for the family, of the last ``SHOWN_DAYS`` days, newest first."""
    result = {c.id: [] for c in children}
    if not children:
        return result
    since = utc_now() - timedelta(days=SHOWN_DAYS)
    rows = db.session.scalars(select(TherapySession).where(
        TherapySession.child_id.in_(list(result)), TherapySession.note_family_plan != "",
        TherapySession.starts_at >= since).order_by(TherapySession.starts_at.desc())).all()
    for row in rows:
        if len(result[row.child_id]) < SHOWN_NOTES:
            result[row.child_id].append(row)
    ticks = ticks_of([s.id for notes in result.values() for s in notes])
    return {child: [(s, ticks.get(s.id, [])) for s in notes] for child, notes in result.items()}


def ticks_of(session_ids) -> dict:
    """{session id: its ticks, newest first}."""
    result = {}
    if not session_ids:
        return result
    for tick in db.session.scalars(select(HomePractice).where(HomePractice.session_id.in_(list(session_ids)))
                                   .order_by(HomePractice.practised_on.desc(), HomePractice.id.desc())):
        result.setdefault(tick.session_id, []).append(tick)
    return result


def tick(user, session_id: int, *, comment: str = "", today=None) -> HomePractice:
    """"We practised" today, on a plan of one of the caregiver's children's notes. A second tick the same day
    replaces the first one's comment. Raises NotFound (not theirs, or no plan), ValidationFailed (too long)."""
    today = today or almaty_today()
    row = db.session.get(TherapySession, session_id)
    if row is None or not row.note_family_plan or row.child_id not in {c.id for c in access.children_of(user)}:
        raise NotFound()
    comment = clean_text(comment or "")
    if len(comment) > COMMENT_LIMIT:
        raise ValidationFailed(fields={"comment": [_l("At most %(n)s characters.", n=COMMENT_LIMIT)]})
    done = db.session.scalar(select(HomePractice).where(HomePractice.session_id == row.id,
                                                        HomePractice.user_id == user.id,
                                                        HomePractice.practised_on == today))
    if done is None:
        done = HomePractice(session_id=row.id, user_id=user.id, practised_on=today)
        db.session.add(done)
    done.comment = comment
    db.session.flush()
    return done


def before_next(session: TherapySession):
    """For the specialist opening ``session``: the child's previous note with a family plan (before this session)
    and the family's ticks on it, or None."""
    if session.child_id is None:
        return None
    previous = db.session.scalar(select(TherapySession).where(
        TherapySession.child_id == session.child_id, TherapySession.note_family_plan != "",
        TherapySession.starts_at < session.starts_at).order_by(TherapySession.starts_at.desc()).limit(1))
    if previous is None:
        return None
    return previous, ticks_of([previous.id]).get(previous.id, [])
