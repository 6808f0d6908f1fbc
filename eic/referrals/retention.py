"""Retention: the records of a child whose cases all closed more than ``referrals.retention_years`` ago are
anonymised by a scheduled job (``referrals.anonymise_closed``).

What goes: names, the IIN (a placeholder unique to the record takes its place), the address and district, the
caregivers' names and phones, every free text written about the child or family (notes, reasons, goals, session
notes, handover summaries, the names in notifications and the family's text messages, the reasons given for an
emergency access) and the IIN history. The birth date is kept to its month.

What stays: the codes and dates the figures are made of (referral, decision, enrolment, session and discharge
dates; statuses, reason codes, settings, attendance, outcome ratings), so the ministry's figures for past years
are the same before and after. The audit trail holds no personal values (``audit.models``) and is not touched.
"""
from datetime import timedelta

from sqlalchemy import case, func, or_, select, update

from eic.extensions import db

from .models import Caregiver, CaseAccess, Child, IinChange, Referral, StatusChange

GONE = "—"


def due_children(today, years: int) -> list[int]:
    """Children not yet anonymised, with no open case, whose last case ended before ``years`` years ago."""
    cutoff = today.replace(year=today.year - years) if not (today.month == 2 and today.day == 29) \
        else today - timedelta(days=365 * years)
    last = func.max(func.coalesce(Referral.ended_on, Referral.referred_on))
    stmt = (select(Referral.child_id).join(Child, Child.id == Referral.child_id)
            .where(Child.anonymised_on.is_(None))
            .group_by(Referral.child_id)
            .having(func.max(case((Referral.is_open, 1), else_=0)) == 0, last < cutoff))
    return list(db.session.scalars(stmt))


def anonymise(child_ids: list[int], *, today) -> int:
    """Anonymise these children's records (see the module's text); returns how many."""
    from eic.family.models import FamilySurvey, HomePractice, WellbeingCheckin
    from eic.intake.models import Assessment, InitialContact, WaitlistEntry
    from eic.notifications.models import Notification, OutboxMessage
    from eic.therapy.models import Discharge, Goal, Plan, PlanService, Review, RosterEntry, TherapySession

    if not child_ids:
        return 0
    referral_ids = list(db.session.scalars(select(Referral.id).where(Referral.child_id.in_(child_ids))))
    plan_ids = select(Plan.id).where(Plan.referral_id.in_(referral_ids))
    phones = [p for p in db.session.scalars(select(Caregiver.phone).where(Caregiver.child_id.in_(child_ids))) if p]
    for child in db.session.scalars(select(Child).where(Child.id.in_(child_ids))):
        child.iin = f"X{child.id:011d}"[-12:]
        child.last_name, child.first_name, child.patronymic = GONE, GONE, ""
        child.search_name, child.address, child.district = "", "", ""
        child.birth_on = child.birth_on.replace(day=1)
        child.anonymised_on = today
    by_referral = Referral.id.in_(referral_ids)
    statements = [
        update(Caregiver).where(Caregiver.child_id.in_(child_ids)).values(full_name=GONE, phone=""),
        update(Referral).where(by_referral).values(notes="", consent_given_by=GONE, decision_reason=""),
        update(StatusChange).where(StatusChange.referral_id.in_(referral_ids)).values(reason=""),
        update(IinChange).where(IinChange.child_id.in_(child_ids)).values(old_iin=GONE, new_iin=GONE, reason=""),
        update(CaseAccess).where(CaseAccess.referral_id.in_(referral_ids)).values(reason=""),
        update(InitialContact).where(InitialContact.referral_id.in_(referral_ids)).values(person_reached=GONE,
                                                                                          notes=""),
        update(Assessment).where(Assessment.referral_id.in_(referral_ids)).values(notes=""),
        update(WaitlistEntry).where(WaitlistEntry.referral_id.in_(referral_ids)).values(reason=""),
        update(TherapySession).where(TherapySession.referral_id.in_(referral_ids)).values(
            address="", cancel_reason="", note_done="", note_progress="", note_family_plan=""),
        update(RosterEntry).where(RosterEntry.referral_id.in_(referral_ids)).values(note=""),
        update(Plan).where(Plan.referral_id.in_(referral_ids)).values(agreed_by="", notes=""),
        update(Goal).where(Goal.plan_id.in_(plan_ids)).values(description=GONE, criterion=""),
        update(PlanService).where(PlanService.plan_id.in_(plan_ids)).values(setting_reason=""),
        update(Review).where(Review.plan_id.in_(plan_ids)).values(notes=""),
        update(Discharge).where(Discharge.referral_id.in_(referral_ids)).values(
            destination="", handover_summary="", satisfaction_comment=""),
        update(Notification).where(Notification.subject_id.in_(referral_ids)).values(params={}),
        # The family's side: free text the family or the coordinator wrote.
        update(WellbeingCheckin).where(WellbeingCheckin.referral_id.in_(referral_ids)).values(done_note=""),
        update(FamilySurvey).where(FamilySurvey.referral_id.in_(referral_ids)).values(comment=""),
        update(HomePractice).where(HomePractice.session_id.in_(
            select(TherapySession.id).where(TherapySession.referral_id.in_(referral_ids)))).values(comment=""),
    ]
    if phones:
        statements.append(update(OutboxMessage).where(or_(*(OutboxMessage.recipient == p for p in phones)))
                          .values(recipient=GONE, body=""))
    for statement in statements:
        db.session.execute(statement.execution_options(synchronize_session=False))
    _forget_caregiver_accounts(phones)
    db.session.flush()
    return len(child_ids)


def _forget_caregiver_accounts(phones) -> None:
    """A caregiver's account whose phone is now on no child's record: its name and phone are gone, it is logged
    out and can log in no more (a caregiver with another child still on record keeps theirs)."""
    from eic.accounts.models import User, new_session_token
    from eic.family.models import FamilyCode

    still_used = set(db.session.scalars(select(Caregiver.phone).where(Caregiver.phone.in_(phones)))) if phones \
        else set()
    gone = [p for p in phones if p not in still_used]
    if not gone:
        return
    for user in db.session.scalars(select(User).where(User.phone.in_(gone))):
        user.full_name, user.phone, user.is_active_account = GONE, None, False
        user.email = f"forgotten.{user.id}@family.invalid"  # the old one held the phone's digits
        user.session_token = new_session_token()
    db.session.execute(update(FamilyCode).where(FamilyCode.phone.in_(gone)).values(phone=GONE)
                       .execution_options(synchronize_session=False))
