from datetime import date, datetime, time, timedelta, timezone

import factory

from eic.referrals.status import Status
from eic.therapy.models import (Absence, Closure, Discharge, Goal, GoalRating, HomeVisitChecklist, OpeningHours,
                                OutcomeRating, Plan, PlanService, Review, RosterEntry, SessionSeries, SyncChange,
                                TherapySession, WorkingHours)

from .accounts import SpecialistFactory, UserFactory
from .base import Factory
from .centers import CenterFactory, RoomFactory
from .referrals import ReferralFactory


class WorkingHoursFactory(Factory):
    class Meta:
        model = WorkingHours

    user_id = factory.LazyFunction(lambda: SpecialistFactory().id)
    weekday = 0
    starts = time(9)
    ends = time(18)


class AbsenceFactory(Factory):
    class Meta:
        model = Absence

    user_id = factory.LazyFunction(lambda: SpecialistFactory().id)
    starts_on = date(2027, 9, 6)
    ends_on = date(2027, 9, 10)
    kind = "leave"


class OpeningHoursFactory(Factory):
    class Meta:
        model = OpeningHours

    center_id = factory.LazyFunction(lambda: CenterFactory().id)
    weekday = 0
    opens = time(8)
    closes = time(19)


class ClosureFactory(Factory):
    class Meta:
        model = Closure

    center_id = factory.LazyFunction(lambda: CenterFactory().id)
    on = date(2027, 9, 15)
    reason = "Sanitary day"


class SessionSeriesFactory(Factory):
    class Meta:
        model = SessionSeries

    center_id = factory.LazyFunction(lambda: CenterFactory().id)
    created_by_id = factory.LazyFunction(lambda: UserFactory().id)


class TherapySessionFactory(Factory):
    class Meta:
        model = TherapySession

    room = factory.SubFactory(RoomFactory)
    center_id = factory.SelfAttribute("room.center_id")
    specialist_id = factory.LazyFunction(lambda: SpecialistFactory().id)
    starts_at = factory.Sequence(lambda n: datetime(2030, 1, 1, 5, tzinfo=timezone.utc) + timedelta(hours=n))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(minutes=45))
    busy_from = factory.SelfAttribute("starts_at")
    busy_until = factory.SelfAttribute("ends_at")


class PlanFactory(Factory):
    class Meta:
        model = Plan

    referral_id = factory.LazyFunction(lambda: ReferralFactory(status=Status.ENROLLED).id)
    starts_on = date(2027, 9, 1)
    next_review_on = date(2027, 12, 1)


class GoalFactory(Factory):
    class Meta:
        model = Goal

    plan_id = factory.LazyFunction(lambda: PlanFactory().id)
    description = "Says 10 words"
    criterion = "Counted by the speech therapist"
    target_on = date(2027, 12, 1)


class PlanServiceFactory(Factory):
    class Meta:
        model = PlanService

    plan_id = factory.LazyFunction(lambda: PlanFactory().id)
    starts_on = date(2027, 9, 1)
    ends_on = date(2028, 3, 1)
    setting = "home"


class ReviewFactory(Factory):
    class Meta:
        model = Review

    plan_id = factory.LazyFunction(lambda: PlanFactory().id)
    reviewed_on = date(2027, 12, 1)


class GoalRatingFactory(Factory):
    class Meta:
        model = GoalRating

    review_id = factory.LazyFunction(lambda: ReviewFactory().id)
    goal_id = factory.LazyFunction(lambda: GoalFactory().id)
    gas = 0


class OutcomeRatingFactory(Factory):
    class Meta:
        model = OutcomeRating

    referral_id = factory.LazyFunction(lambda: ReferralFactory(status=Status.ENROLLED).id)
    kind = "entry"
    rated_on = date(2027, 9, 1)
    social = 3
    knowledge = 3
    behaviour = 4


class DischargeFactory(Factory):
    class Meta:
        model = Discharge

    referral_id = factory.LazyFunction(lambda: ReferralFactory(status=Status.CLOSED, is_open=False).id)
    discharged_on = date(2027, 12, 1)
    reason = "goals_met"
    follow_up_on = date(2028, 3, 1)


class RosterEntryFactory(Factory):
    class Meta:
        model = RosterEntry

    session_id = factory.LazyFunction(lambda: TherapySessionFactory(capacity=6).id)
    referral_id = factory.LazyFunction(lambda: ReferralFactory(status=Status.ENROLLED).id)


class HomeVisitChecklistFactory(Factory):
    class Meta:
        model = HomeVisitChecklist

    session_id = factory.LazyFunction(lambda: TherapySessionFactory(setting="home").id)
    development = "Walks, 10 words"


class SyncChangeFactory(Factory):
    class Meta:
        model = SyncChange

    user_id = factory.LazyFunction(lambda: SpecialistFactory().id)
    client_id = factory.Sequence(lambda n: f"client-change-{n:06d}")
    kind = "attendance"
    status = "applied"
