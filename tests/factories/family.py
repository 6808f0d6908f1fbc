from datetime import timedelta

import factory

from eic.core.timeutil import utc_now
from eic.family.models import FamilyCode

from .base import Factory


class FamilyCodeFactory(Factory):
    class Meta:
        model = FamilyCode

    phone = "+77012345678"
    code_hash = "0" * 64
    created_at = factory.LazyFunction(utc_now)
    expires_at = factory.LazyFunction(lambda: utc_now() + timedelta(minutes=10))
