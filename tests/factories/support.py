from datetime import date

import factory

from eic.support.models import DirectoryVisit, Recommendation, SupportEntry

from .accounts import CaregiverUserFactory
from .base import Factory
from .centers import center
from .referrals import ReferralFactory


class SupportEntryFactory(Factory):
    class Meta:
        model = SupportEntry

    region_id = factory.LazyFunction(lambda: center("aktobe").region_id)
    category = "ngo"
    name_kk = factory.Sequence(lambda n: f"Ата-аналар қауымдастығы {n}")
    name_ru = factory.Sequence(lambda n: f"Ассоциация родителей {n}")
    name_en = factory.Sequence(lambda n: f"Parents' association {n}")
    offer_kk = "Ата-аналардың бір-біріне көмегі"
    offer_ru = "Взаимопомощь родителей"
    offer_en = "Parents helping parents"
    contacts = "+7 700 000 30 30"
    languages = "kk,ru"
    checked_on = date(2026, 11, 1)


class RecommendationFactory(Factory):
    class Meta:
        model = Recommendation

    entry = factory.SubFactory(SupportEntryFactory)
    entry_id = factory.SelfAttribute("entry.id")
    referral_id = factory.LazyFunction(lambda: ReferralFactory().id)


class DirectoryVisitFactory(Factory):
    class Meta:
        model = DirectoryVisit

    user_id = factory.LazyFunction(lambda: CaregiverUserFactory().id)
