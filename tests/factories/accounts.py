from datetime import timedelta

import factory
import pyotp

from eic.accounts.models import ApiToken, PasswordReset, User
from eic.accounts.services import hash_password
from eic.accounts.settings import REQUIRED_BY_DEFAULT
from eic.core.roles import Role
from eic.core.timeutil import utc_now

from .base import Factory
from .centers import CenterFactory, PolyclinicFactory, center, discipline

PASSWORD = "correct-horse-battery"
_HASH = {}


def password_hash():
    # One argon2 run per test session instead of one per user.
    if "h" not in _HASH:
        _HASH["h"] = hash_password(PASSWORD)
    return _HASH["h"]


class UserFactory(Factory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@test.eic")
    full_name = factory.Sequence(lambda n: f"Test User {n}")
    password_hash = factory.LazyFunction(password_hash)
    role = Role.ADMIN
    languages = "kk,ru"
    # The roles that must use a second factor by default have one set up, as in a real installation; a test
    # that logs in through the form gives the code (tests.conftest.totp_code).
    totp_secret = factory.LazyAttribute(lambda o: pyotp.random_base32() if o.role in REQUIRED_BY_DEFAULT else None)


class PediatricianFactory(UserFactory):
    role = Role.PEDIATRICIAN
    polyclinic = factory.SubFactory(PolyclinicFactory)


class CoordinatorFactory(UserFactory):
    role = Role.COORDINATOR
    center = factory.SubFactory(CenterFactory)


class SpecialistFactory(UserFactory):
    role = Role.SPECIALIST
    center = factory.SubFactory(CenterFactory)
    discipline = factory.LazyFunction(lambda: discipline("speech_therapist"))


class ApiTokenFactory(Factory):
    class Meta:
        model = ApiToken

    user = factory.SubFactory(UserFactory)
    token_hash = factory.Sequence(lambda n: f"{n:064x}")


class PasswordResetFactory(Factory):
    class Meta:
        model = PasswordReset

    user = factory.SubFactory(UserFactory)
    token_hash = factory.Sequence(lambda n: f"r{n:063x}")
    expires_at = factory.LazyFunction(lambda: utc_now() + timedelta(hours=24))


def user_for_role(role: Role, *, center_code="aktobe", **kwargs) -> User:
    """A user of ``role``: centre staff at a reference center, pediatricians in its region."""
    home = center(center_code)
    if role is Role.PEDIATRICIAN:
        kwargs.setdefault("polyclinic", PolyclinicFactory(region=home.region))
        return PediatricianFactory(**kwargs)
    if role is Role.COORDINATOR:
        return CoordinatorFactory(center=kwargs.pop("center", home), **kwargs)
    if role is Role.SPECIALIST:
        return SpecialistFactory(center=kwargs.pop("center", home), **kwargs)
    if role is Role.CAREGIVER:
        return CaregiverUserFactory(**kwargs)
    return UserFactory(role=role, **kwargs)


class CaregiverUserFactory(UserFactory):
    """A caregiver's account: a phone, no e-mail to write to, no password."""

    role = Role.CAREGIVER
    phone = factory.Sequence(lambda n: f"+7701{n % 10_000_000:07d}")
    email = factory.LazyAttribute(lambda o: f"caregiver.{o.phone.lstrip('+')}@family.invalid")
    password_hash = "!"
