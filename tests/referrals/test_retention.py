"""Retention: a child whose cases closed more than the retention period ago is anonymised by the scheduled job.
No IIN, name, address or phone of the child or family is left in any text column of the database, and the
ministry's figures for the past year are exactly the same before and after."""
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import JSON, String, Text, select

from eic.core.timeutil import ALMATY
from eic.coverage.published import publish
from eic.extensions import db
from eic.referrals.models import Child
from eic.referrals.status import Status
from eic.therapy.models import TherapySession
from tests.factories.accounts import CaregiverUserFactory
from tests.factories.centers import RoomFactory, center
from tests.factories.family import FamilyCodeFactory, FamilySurveyFactory, HomePracticeFactory, WellbeingCheckinFactory
from tests.factories.notifications import NotificationFactory, OutboxMessageFactory
from tests.factories.referrals import (CaregiverFactory, CaseAccessFactory, ChildFactory, IinChangeFactory,
                                       ReferralFactory, StatusChangeFactory, valid_iin)
from tests.factories.therapy import DischargeFactory, GoalFactory, PlanFactory, TherapySessionFactory

TODAY = date(2026, 12, 1)


def closed_case(last_name, first_name, phone, address, *, year, ended_on):
    born = date(year - 2, 7, 19)
    child = ChildFactory(last_name=last_name, first_name=first_name, iin=valid_iin(born, "F"), birth_on=born,
                         sex="F", address=address)
    carer = CaregiverFactory(child=child, full_name=f"{last_name}а Мама", phone=phone)
    referral = ReferralFactory(child=child, caregiver=carer, center=center("aktobe"), status=Status.CLOSED,
                               is_open=False, referred_on=date(year, 3, 5), enrolled_on=date(year, 4, 1),
                               ended_on=ended_on, notes=f"{first_name} сөйлемейді", consent_given_by=carer.full_name)
    StatusChangeFactory(referral=referral, from_status=Status.SUBMITTED, to_status=Status.ACCEPTED,
                        reason=f"{last_name} қабылданды")
    start = datetime(year, 5, 6, 5, tzinfo=timezone.utc)
    TherapySessionFactory(room=RoomFactory(center=referral.center), referral_id=referral.id, child_id=child.id,
                          starts_at=start, ends_at=start + timedelta(minutes=45), attendance="attended",
                          setting="home", address=address, note_done=f"{first_name} ойнады",
                          note_family_plan=f"{carer.full_name} күн сайын")
    plan = PlanFactory(referral_id=referral.id, notes=f"{first_name} жоспары")
    GoalFactory(plan_id=plan.id, description=f"{first_name} 20 сөз айтады")
    DischargeFactory(referral_id=referral.id, discharged_on=ended_on, handover_summary=f"{last_name} балабақшаға")
    NotificationFactory(kind="referral_accepted", subject_id=referral.id, params={"child": child.full_name})
    OutboxMessageFactory(recipient=phone, body=f"{first_name}: ертең 10:00")
    IinChangeFactory(child_id=child.id, old_iin=valid_iin(born, "F"), new_iin=child.iin)
    CaseAccessFactory(referral_id=referral.id, reason=f"{first_name} үшін алмастыру")
    # The family's side: the caregiver's account, a code, a check-in with the coordinator's note, a survey and a
    # home practice tick with comments.
    account = CaregiverUserFactory(phone=phone, full_name=carer.full_name)
    FamilyCodeFactory(phone=phone)
    WellbeingCheckinFactory(referral=referral, user_id=account.id, done_note=f"{carer.full_name}: психолог")
    FamilySurveyFactory(referral_id=referral.id, user_id=account.id, comment=f"{first_name} рақмет")
    session_id = db.session.scalar(select(TherapySession.id).where(TherapySession.referral_id == referral.id))
    HomePracticeFactory(session_id=session_id, user_id=account.id, comment=f"{first_name} ән айтты")
    return child, carer


def everything_text():
    """Every value of every text and JSON column of every table, as one string per row."""
    found = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (String, Text, JSON))]
        if columns:
            found += [" ".join(str(v) for v in row) for row in db.session.execute(select(*columns)).all()]
    return "\n".join(found)


def test_closed_long_ago_is_anonymised_everywhere_and_the_figures_stay(ctx, session):
    from eic.referrals.tasks import anonymise_closed

    old, old_carer = closed_case("Ескіқұпия", "Әлима", "+77015550101", "Ақтөбе, Ескі көше 9", year=2019,
                                 ended_on=date(2020, 6, 1))
    recent, _carer = closed_case("Жаңақұпия", "Дана", "+77015550202", "Ақтөбе, Жаңа көше 3", year=2024,
                                 ended_on=date(2025, 6, 1))
    session.commit()
    secrets = [old.iin, old.last_name, old.first_name, "Ескі көше", old_carer.phone, old_carer.phone[2:]]
    assert all(s in everything_text() for s in secrets)  # the scan sees them before
    figures_before = publish(2019, 1, 12, today=TODAY)
    now = datetime(2026, 12, 1, 2, 40, tzinfo=ALMATY)
    result = anonymise_closed(now)
    session.commit()
    assert "1" in str(result)
    text = everything_text()
    assert [s for s in secrets if s in text] == []
    assert "Жаңақұпия" in text and recent.iin in text  # closed only a year and a half ago: kept
    child = db.session.get(Child, old.id)
    assert child.anonymised_on == TODAY and child.birth_on == date(2017, 7, 1)
    figures_after = publish(2019, 1, 12, today=TODAY)
    assert figures_after.cells == figures_before.cells and figures_after.hidden == figures_before.hidden
    assert figures_after.timeliness == figures_before.timeliness
    # Nothing left to do the next night.
    assert "0" in str(anonymise_closed(now))
