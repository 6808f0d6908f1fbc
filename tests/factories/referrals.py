import random
from datetime import timedelta

import factory

from eic.core.timeutil import almaty_today, utc_now
from eic.demo.data import demo_iin
from eic.referrals.models import (Caregiver, CaseAccess, Child, Consent, IinChange, Referral, ReferralDiagnosis,
                                  ReferralRiskFactor, StatusChange)
from eic.referrals.status import Status
from eic.referrals.validation import iin_check_digit

from .accounts import CoordinatorFactory, PediatricianFactory, SpecialistFactory
from .base import Factory
from .centers import CenterFactory, RiskFactorFactory

_rng = random.Random(7)


def valid_iin(born, sex="F") -> str:
    return demo_iin(born, sex, _rng)


def unique_iin(born, sex, serial: int) -> str:
    """A valid IIN whose registration digits come from ``serial`` (< 5000), so factories never collide."""
    century = {19: 3, 20: 5}[born.year // 100] + (1 if sex == "F" else 0)
    for number in (serial, serial + 5000):
        first11 = f"{born:%y%m%d}{century}{number:04d}"
        if (check := iin_check_digit(first11)) is not None:
            return first11 + str(check)
    raise ValueError("no valid IIN")


class ChildFactory(Factory):
    class Meta:
        model = Child
        exclude = ("serial",)

    serial = factory.Sequence(lambda n: n)
    birth_on = factory.LazyAttribute(lambda o: almaty_today() - timedelta(days=400 + o.serial % 500))
    sex = "F"
    iin = factory.LazyAttribute(lambda o: unique_iin(o.birth_on, o.sex, (o.serial // 500) % 5000))
    last_name = "Сынақова"
    first_name = factory.Sequence(lambda n: f"Айару{n}")
    patronymic = ""
    address = "Демо көшесі, 1"
    district = "Демо ауданы"
    search_name = factory.LazyAttribute(lambda o: f"{o.last_name} {o.first_name}".casefold())


class CaregiverFactory(Factory):
    class Meta:
        model = Caregiver

    child = factory.SubFactory(ChildFactory)
    full_name = "Гүлнар Сынақова"
    relation = "mother"
    phone = "+77001234567"
    preferred_language = "kk"


class ReferralFactory(Factory):
    class Meta:
        model = Referral

    child = factory.SubFactory(ChildFactory)
    caregiver = factory.SubFactory(CaregiverFactory, child=factory.SelfAttribute("..child"))
    center = factory.SubFactory(CenterFactory)
    pediatrician = factory.SubFactory(PediatricianFactory)
    referred_on = factory.LazyFunction(almaty_today)
    status = Status.SUBMITTED
    is_open = True
    consent_given_by = "Гүлнар Сынақова"
    consent_given_on = factory.LazyFunction(almaty_today)


class ReferralDiagnosisFactory(Factory):
    class Meta:
        model = ReferralDiagnosis

    referral_id = factory.LazyFunction(lambda: ReferralFactory().id)
    code = "G80.1"
    category = "G80"


class ReferralRiskFactorFactory(Factory):
    class Meta:
        model = ReferralRiskFactor

    referral_id = factory.LazyFunction(lambda: ReferralFactory().id)
    risk_factor = factory.SubFactory(RiskFactorFactory)


class StatusChangeFactory(Factory):
    class Meta:
        model = StatusChange

    referral = factory.SubFactory(ReferralFactory)
    from_status = None
    to_status = Status.SUBMITTED
    on = factory.LazyFunction(almaty_today)


def payload(center_code="aktobe", **overrides) -> dict:
    """A valid referral in the API's shape; ``overrides`` use dotted keys, e.g. {"child.iin": "1"}."""
    born = almaty_today() - timedelta(days=500)
    data = {
        "child": {"iin": valid_iin(born, "M"), "last_name": "Сынақов", "first_name": "Әлихан",
                  "patronymic": "", "birth_date": born.isoformat(), "sex": "M", "gestational_age_weeks": 34,
                  "birth_weight_g": 2100, "address": "Демо көшесі, 5", "district": "Демо ауданы"},
        "caregiver": {"full_name": "Гүлнар Сынақова", "relation": "mother", "phone": "+7 701 234 5678",
                      "preferred_language": "kk"},
        "center_code": center_code,
        "icd10_codes": ["G80.1"],
        "risk_factors": ["preterm_32_36w"],
        "notes": "",
        "consent": {"given_by": "Гүлнар Сынақова", "given_on": almaty_today().isoformat()},
    }
    for key, value in overrides.items():
        target = data
        *path, last = key.split(".")
        for part in path:
            target = target[part]
        target[last] = value
    return data


class IinChangeFactory(Factory):
    class Meta:
        model = IinChange

    child_id = factory.LazyFunction(lambda: ChildFactory().id)
    old_iin = "000000000000"
    new_iin = "000000000001"
    reason_code = "correction"
    changed_by_id = factory.LazyFunction(lambda: CoordinatorFactory().id)


class CaseAccessFactory(Factory):
    class Meta:
        model = CaseAccess

    user_id = factory.LazyFunction(lambda: SpecialistFactory().id)
    referral_id = factory.LazyFunction(lambda: ReferralFactory().id)
    reason = "Covering for a colleague today"
    expires_at = factory.LazyFunction(lambda: utc_now() + timedelta(hours=8))


class ConsentFactory(Factory):
    class Meta:
        model = Consent

    child_id = factory.LazyFunction(lambda: ChildFactory().id)
    kind = "referral"
    given = True
    given_by = "Гүлнар Сынақова"
    given_on = factory.LazyFunction(almaty_today)
