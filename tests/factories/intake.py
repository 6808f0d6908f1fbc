import factory

from eic.core.timeutil import almaty_today
from eic.intake.models import Assessment, InitialContact, ScreeningResult, TeamMember, WaitlistEntry

from .accounts import SpecialistFactory
from .base import Factory
from .referrals import ReferralFactory


class InitialContactFactory(Factory):
    class Meta:
        model = InitialContact

    referral_id = factory.LazyFunction(lambda: ReferralFactory().id)
    contacted_on = factory.LazyFunction(almaty_today)
    method = "phone"
    person_reached = "Mother"


class AssessmentFactory(Factory):
    class Meta:
        model = Assessment

    referral_id = factory.LazyFunction(lambda: ReferralFactory().id)
    assessed_on = factory.LazyFunction(almaty_today)
    communication = 2


class ScreeningResultFactory(Factory):
    class Meta:
        model = ScreeningResult

    assessment_id = factory.LazyFunction(lambda: AssessmentFactory().id)
    instrument = "ASQ-3"
    taken_on = factory.LazyFunction(almaty_today)
    score = "25"
    band = "below cutoff"


class TeamMemberFactory(Factory):
    class Meta:
        model = TeamMember

    specialist = factory.SubFactory(SpecialistFactory)
    discipline_id = factory.SelfAttribute("specialist.discipline_id")
    referral_id = factory.LazyFunction(lambda: ReferralFactory().id)
    assigned_on = factory.LazyFunction(almaty_today)


class WaitlistEntryFactory(Factory):
    class Meta:
        model = WaitlistEntry

    referral_id = factory.LazyFunction(lambda: ReferralFactory().id)
    reason = "No room"
    added_on = factory.LazyFunction(almaty_today)
