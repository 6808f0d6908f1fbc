from datetime import date, timedelta

import factory

from eic.core.timeutil import utc_now
from eic.family.models import FamilyCode, FamilySurvey, HomePractice, PeerGroupRequest, WellbeingCheckin
from eic.referrals.status import Status

from .accounts import CaregiverUserFactory
from .base import Factory
from .referrals import ReferralFactory
from .therapy import TherapySessionFactory


class FamilyCodeFactory(Factory):
    class Meta:
        model = FamilyCode

    phone = "+77012345678"
    code_hash = "0" * 64
    created_at = factory.LazyFunction(utc_now)
    expires_at = factory.LazyFunction(lambda: utc_now() + timedelta(minutes=10))


class HomePracticeFactory(Factory):
    class Meta:
        model = HomePractice

    session_id = factory.LazyFunction(lambda: TherapySessionFactory().id)
    user_id = factory.LazyFunction(lambda: CaregiverUserFactory().id)
    practised_on = date(2030, 1, 2)


class WellbeingCheckinFactory(Factory):
    class Meta:
        model = WellbeingCheckin

    referral = factory.SubFactory(ReferralFactory, status=Status.ENROLLED)
    referral_id = factory.SelfAttribute("referral.id")
    center_id = factory.SelfAttribute("referral.center_id")
    user_id = factory.LazyFunction(lambda: CaregiverUserFactory().id)
    q1, q2, q3, q4 = 2, 2, 1, 2
    score = factory.LazyAttribute(lambda o: o.q1 + o.q2 + o.q3 + o.q4)
    needs_follow_up = factory.LazyAttribute(lambda o: o.score >= 6)


class FamilySurveyFactory(Factory):
    class Meta:
        model = FamilySurvey

    referral_id = factory.LazyFunction(lambda: ReferralFactory(status=Status.ENROLLED).id)
    user_id = factory.LazyFunction(lambda: CaregiverUserFactory().id)
    occasion = "six_months"
    knows_rights, communicates_needs, helps_learn, satisfied, respected = 6, 6, 6, 5, 5


class PeerGroupRequestFactory(Factory):
    class Meta:
        model = PeerGroupRequest

    session = factory.SubFactory(TherapySessionFactory, capacity=8, audience="caregiver")
    session_id = factory.SelfAttribute("session.id")
    referral_id = factory.LazyFunction(lambda: ReferralFactory(status=Status.ENROLLED).id)
    user_id = factory.LazyFunction(lambda: CaregiverUserFactory().id)
