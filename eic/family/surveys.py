"""The family outcome questions early-intervention programmes report (the family knows its rights, can say what
the child needs, can help the child develop and learn; 1-7) and a short satisfaction survey (1-5), asked at
``family.survey_months`` after enrolment and at exit. One answer per referral and occasion."""
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from eic.core.errors import Conflict, NotFound, ValidationFailed
from eic.core.settings import get_setting
from eic.core.text import clean_text
from eic.core.timeutil import almaty_today, utc_now
from eic.extensions import db
from eic.referrals.status import Status

from . import access
from .models import FamilySurvey
from .settings import SURVEY_MONTHS

OUTCOME_QUESTIONS = (
    ("knows_rights", _l("We know our rights and the services our child and family can have.")),
    ("communicates_needs", _l("We can tell doctors, teachers and specialists clearly what our child needs.")),
    ("helps_learn", _l("We know how to help our child develop and learn at home.")),
)
SATISFACTION_QUESTIONS = (
    ("satisfied", _l("Overall, how satisfied are you with the center's help?")),
    ("respected", _l("Did the team listen to you and respect your family's wishes?")),
)
QUESTION_NAMES = tuple(n for n, _q in OUTCOME_QUESTIONS + SATISFACTION_QUESTIONS)
OCCASION_LABELS = {"six_months": _l("After six months"), "exit": _l("At the end of the programme")}
# An exit survey is offered for this long after the child leaves the programme.
EXIT_DAYS = 90
COMMENT_LIMIT = 1000
# The shares the ministry sees: a family "agrees" with an outcome at 6 or 7 of 7 and is "satisfied" at 4 or 5 of 5.
OUTCOME_AGREES = 6
SATISFIED_FROM = 4


def due(user, *, today=None) -> list[tuple]:
    """[(referral, occasion)] the caregiver is asked now: six months after enrolment while enrolled, and at exit
    (closed after enrolment, for ``EXIT_DAYS``), where not answered yet."""
    today = today or almaty_today()
    months = get_setting(SURVEY_MONTHS.key)
    result = []
    referrals = [r for r in access.latest_referrals(access.children_of(user)).values() if r.enrolled_on]
    answered = set(db.session.execute(select(FamilySurvey.referral_id, FamilySurvey.occasion).where(
        FamilySurvey.referral_id.in_([r.id for r in referrals]))).all()) if referrals else set()
    for referral in referrals:
        if referral.status is Status.ENROLLED and today >= referral.enrolled_on + timedelta(days=round(months * 30.44)):
            occasion = "six_months"
        elif referral.status is Status.CLOSED and referral.ended_on and \
                today - referral.ended_on <= timedelta(days=EXIT_DAYS):
            occasion = "exit"
        else:
            continue
        if (referral.id, occasion) not in answered:
            result.append((referral, occasion))
    return result


def answer(user, referral_id: int, occasion: str, *, answers: dict, comment: str = "", now=None) -> FamilySurvey:
    """Save the family's answers. Raises NotFound (not theirs or not asked), ValidationFailed (an answer missing or
    out of range), Conflict (answered already, by them or the other caregiver)."""
    pending = {(r.id, o): r for r, o in due(user)}
    referral = pending.get((referral_id, occasion))
    if referral is None:
        if occasion in OCCASION_LABELS and db.session.scalar(select(FamilySurvey.id).where(
                FamilySurvey.referral_id == referral_id, FamilySurvey.occasion == occasion)) is not None:
            access.own_referral(user, referral_id)
            raise Conflict(_l("Your family has already answered. Thank you."))
        raise NotFound()
    errors = {}
    values = {}
    for name, top in [(n, 7) for n, _ in OUTCOME_QUESTIONS] + [(n, 5) for n, _ in SATISFACTION_QUESTIONS]:
        value = answers.get(name)
        if not isinstance(value, int) or not 1 <= value <= top:
            errors[name] = [_l("Please choose an answer.")]
        values[name] = value
    comment = clean_text(comment or "")
    if len(comment) > COMMENT_LIMIT:
        errors["comment"] = [_l("At most %(n)s characters.", n=COMMENT_LIMIT)]
    if errors:
        raise ValidationFailed(fields=errors)
    row = FamilySurvey(referral_id=referral.id, user_id=user.id, occasion=occasion, comment=comment,
                       created_at=now or utc_now(), **values)
    db.session.add(row)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Conflict(_l("Your family has already answered. Thank you.")) from None
    return row


def of_referral(referral_id: int) -> list[FamilySurvey]:
    return db.session.scalars(select(FamilySurvey).where(FamilySurvey.referral_id == referral_id)
                              .order_by(FamilySurvey.created_at)).all()
