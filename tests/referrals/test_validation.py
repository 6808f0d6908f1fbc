from datetime import date

import pytest

from eic.referrals.validation import (age_error, icd10_error, iin_check_digit, iin_encoded, iin_error, normalise_icd10,
                                      normalise_iin, normalise_phone)

ELIGIBLE = {"G80", "F80", "P07", "Q90"}


def with_check(first11: str) -> str:
    return first11 + str(iin_check_digit(first11))


def test_check_digit_first_pass():
    # 0+... weights 1..11 over 23041550012 -> known result computed by hand below.
    first11 = "23041550012"
    expected = sum(int(d) * w for d, w in zip(first11, range(1, 12))) % 11
    assert expected != 10
    assert iin_check_digit(first11) == expected


def test_check_digit_second_pass_when_first_gives_ten():
    # Find an 11-digit prefix whose first pass gives 10; the second pass weights are 3..11,1,2.
    for tail in range(10000):
        first11 = f"2304155{tail:04d}"
        if sum(int(d) * w for d, w in zip(first11, range(1, 12))) % 11 == 10:
            second = sum(int(d) * w for d, w in zip(first11, (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2))) % 11
            assert iin_check_digit(first11) == (None if second == 10 else second)
            break
    else:
        pytest.fail("no prefix with a first-pass 10")


def test_no_valid_iin_when_both_passes_give_ten():
    found = None
    for tail in range(100000):
        first11 = f"230415{tail:05d}"
        digits = [int(c) for c in first11]
        if (sum(d * w for d, w in zip(digits, range(1, 12))) % 11 == 10
                and sum(d * w for d, w in zip(digits, (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2))) % 11 == 10):
            found = first11
            break
    assert found is not None
    assert iin_check_digit(found) is None
    for last in "0123456789":
        assert iin_error(found + last) is not None


@pytest.mark.parametrize("raw", ["", "12345", "1234567890123", "23041550012a", "２３０４１５５００１２３"])
def test_iin_shape_errors(raw):
    assert iin_error(normalise_iin(raw)) is not None


def test_iin_spaces_are_trimmed_and_valid_iin_passes():
    iin = with_check("23041550012")
    assert iin_error(normalise_iin(f" {iin[:6]} {iin[6:]} ")) is None


def test_iin_wrong_check_digit():
    iin = with_check("23041550012")
    wrong = iin[:11] + str((int(iin[11]) + 1) % 10)
    assert "check digit" in str(iin_error(wrong))


def test_iin_encoded_birth_date_and_sex():
    assert iin_encoded(with_check("23041550012")) == (date(2023, 4, 15), "M")
    assert iin_encoded(with_check("23041560012")) == (date(2023, 4, 15), "F")
    assert iin_encoded(with_check("99123140012")) == (date(1999, 12, 31), "F")
    assert iin_encoded(with_check("23041500012")) == (None, None)


def test_age_under_three():
    born = date(2023, 5, 10)
    assert age_error(born, date(2026, 5, 9)) is None
    assert age_error(born, date(2026, 5, 10)) is not None  # the 3rd birthday itself is too late
    assert age_error(born, date(2023, 5, 9)) is not None  # born after the referral date


def test_leap_day_birthday():
    born = date(2024, 2, 29)
    assert age_error(born, date(2027, 2, 28)) is None
    assert age_error(born, date(2027, 3, 1)) is not None


@pytest.mark.parametrize("raw, ok", [
    ("G80.1", True), (" g80.1 ", True), ("F80", True), ("P07.3", True),
    ("F80.81", False),  # ICD-10-CM, not WHO
    ("G80-G83", False), ("VI", False), ("J45", False), ("", False), ("XYZ", False),
])
def test_icd10_codes(raw, ok):
    assert (icd10_error(normalise_icd10(raw), ELIGIBLE) is None) is ok


def test_icd10_valid_but_not_eligible_has_its_own_message():
    assert "eligible" in str(icd10_error("J45", ELIGIBLE))


@pytest.mark.parametrize("raw, expected", [
    ("+7 701 234 5678", "+77012345678"), ("87012345678", "+77012345678"), ("8 (7172) 12-34-56", "+77172123456"),
    ("+7 495 123 45 67", None),  # a Moscow number
    ("12345", None), ("", None), ("not a phone", None),
])
def test_phone(raw, expected):
    assert normalise_phone(raw) == expected
