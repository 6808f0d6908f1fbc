from datetime import date

import factory

from eic.capacity.models import ServedMonth, SnapshotMonth

from .base import Factory
from .centers import CenterFactory
from .referrals import ChildFactory


class ServedMonthFactory(Factory):
    class Meta:
        model = ServedMonth

    month = date(2026, 1, 1)
    center_id = factory.LazyFunction(lambda: CenterFactory().id)
    child_id = factory.LazyFunction(lambda: ChildFactory().id)


class SnapshotMonthFactory(Factory):
    class Meta:
        model = SnapshotMonth

    month = factory.Sequence(lambda n: date(2000 + n // 12, n % 12 + 1, 1))
    rows = 0
