"""The child's clock: from the referral date, never restarted."""
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from eic.core.timeutil import months_between

from .models import Child, Referral, corrected_birth_on

STEPS = (
    ("referred_on", _l("Referred")),
    ("accepted_on", _l("Accepted")),
    ("first_contact_on", _l("First contact")),
    ("assessed_on", _l("Assessment")),
    ("enrolled_on", _l("Enrolled")),
    ("ended_on", _l("Ended")),
)


@dataclass
class Step:
    label: str
    on: date | None
    days_from_referral: int | None
    days_from_previous: int | None


def timeline(referral: Referral) -> list[Step]:
    steps, previous = [], None
    for attr, label in STEPS:
        on = getattr(referral, attr)
        steps.append(Step(label=label, on=on,
                          days_from_referral=(on - referral.referred_on).days if on else None,
                          days_from_previous=(on - previous).days if on and previous else None))
        previous = on or previous
    return steps


@dataclass
class Age:
    months: int

    @property
    def years(self):
        return self.months // 12

    def __str__(self):
        return str(_l("%(y)s y %(m)s mo", y=self.months // 12, m=self.months % 12))


def ages(child: Child, on: date) -> tuple[Age, Age | None]:
    """Chronological age, and corrected age for a child born before 37 weeks and younger than 24 months."""
    chronological = Age(months_between(child.birth_on, on))
    corrected_birth = corrected_birth_on(child)
    corrected = None
    if corrected_birth is not None and chronological.months < 24:
        corrected = Age(max(months_between(corrected_birth, on), 0))
    return chronological, corrected
