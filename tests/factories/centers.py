import factory
from sqlalchemy import select

from eic.centers.models import Center, Discipline, Icd10Category, Polyclinic, Region, RegionBirths, RiskFactor, Room
from eic.extensions import db

from .base import Factory


class RegionFactory(Factory):
    class Meta:
        model = Region

    iso_code = factory.Sequence(lambda n: f"T-{n:03d}")
    kato = factory.Sequence(lambda n: f"{900000000 + n}")
    name_kk = factory.Sequence(lambda n: f"Сынақ облысы {n}")
    name_ru = factory.Sequence(lambda n: f"Тестовая область {n}")
    name_en = factory.Sequence(lambda n: f"Test Region {n}")


class CenterFactory(Factory):
    class Meta:
        model = Center

    code = factory.Sequence(lambda n: f"test{n}")
    region = factory.SubFactory(RegionFactory)
    city_kk = factory.Sequence(lambda n: f"Сынақ қаласы {n}")
    city_ru = factory.Sequence(lambda n: f"Тестовый город {n}")
    city_en = factory.Sequence(lambda n: f"Test City {n}")
    annual_target_families = 600


class RoomFactory(Factory):
    class Meta:
        model = Room

    center = factory.SubFactory(CenterFactory)
    name = factory.Sequence(lambda n: f"Room {n}")
    kind = "therapy"
    capacity = 1


class PolyclinicFactory(Factory):
    class Meta:
        model = Polyclinic

    name = factory.Sequence(lambda n: f"Test polyclinic {n}")
    region = factory.SubFactory(RegionFactory)
    district = "Test district"


class DisciplineFactory(Factory):
    class Meta:
        model = Discipline

    code = factory.Sequence(lambda n: f"discipline{n}")
    name_kk = factory.Sequence(lambda n: f"Пән {n}")
    name_ru = factory.Sequence(lambda n: f"Дисциплина {n}")
    name_en = factory.Sequence(lambda n: f"Discipline {n}")
    default_caseload_limit = 25
    covers_domains = "motor"


class Icd10CategoryFactory(Factory):
    class Meta:
        model = Icd10Category

    category = factory.Sequence(lambda n: f"Z{n % 100:02d}")
    group = "test"
    name_en = "Test category"
    name_ru = "Тестовая категория"


class RiskFactorFactory(Factory):
    class Meta:
        model = RiskFactor

    code = factory.Sequence(lambda n: f"test_risk_{n}")
    name_kk = "Сынақ қауіп"
    name_ru = "Тестовый риск"
    name_en = "Test risk"


def center(code: str) -> Center:
    """A reference center loaded by the test database set-up (e.g. 'aktobe')."""
    return db.session.scalar(select(Center).where(Center.code == code))


def discipline(code: str) -> Discipline:
    return db.session.scalar(select(Discipline).where(Discipline.code == code))


class RegionBirthsFactory(Factory):
    class Meta:
        model = RegionBirths

    region = factory.SubFactory(RegionFactory)
    year = 2026
    births = 10000
