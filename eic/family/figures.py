"""What families say and use, for the ministry (by region, small counts suppressed) and for a center (its own
families): the family outcomes and satisfaction answered in a period, and the share of currently enrolled
families who opened the support directory, had an entry recommended, joined a caregivers' peer group.

Suppression, for the ministry: as every published count (``eic.coverage.disclosure``), a count of 1 to 4 families
is hidden, and so is any count that could be worked out from what is shown (a region's families from the
country's and the other regions'). A share is shown only when the families counted, the rest and their total are
all shown: a share of a handful of families could be worked back to one family's answer."""
from dataclasses import dataclass, field

from sqlalchemy import exists, select

from eic.accounts.models import User
from eic.centers.models import Center, Region
from eic.coverage.disclosure import protect
from eic.extensions import db
from eic.referrals.models import Caregiver, Referral
from eic.referrals.status import Status
from eic.support.models import DirectoryVisit, Recommendation
from eic.therapy.models import RosterEntry, TherapySession

from .models import FamilySurvey
from .surveys import OUTCOME_AGREES, OUTCOME_QUESTIONS, SATISFACTION_QUESTIONS, SATISFIED_FROM

MEASURES = tuple(n for n, _q in OUTCOME_QUESTIONS) + tuple(n for n, _q in SATISFACTION_QUESTIONS)
USE = ("opened", "recommended", "joined")


@dataclass
class Row:
    """One region's (or center's, or the country's) families: answers and agreements, enrolled and their use."""

    key: object
    name: object = None
    answered: int = 0
    agree: dict = field(default_factory=lambda: dict.fromkeys(MEASURES, 0))
    enrolled: int = 0
    use: dict = field(default_factory=lambda: dict.fromkeys(USE, 0))

    # The measures (and "answered", "enrolled") whose figures are hidden on this row.
    hidden: set = field(default_factory=set)

    def _share(self, name, count: int, total: int):
        """The percentage, or None when hidden (or nothing to count)."""
        if not total or name in self.hidden:
            return None
        return round(100 * count / total)

    def survey_share(self, measure):
        return self._share(measure, self.agree[measure], self.answered)

    def use_share(self, what):
        return self._share(what, self.use[what], self.enrolled)

    def count(self, name):
        """``answered`` or ``enrolled``, or None when hidden."""
        return None if name in self.hidden else getattr(self, name)


OUTCOMES = {n for n, _q in OUTCOME_QUESTIONS}


def _agrees(survey) -> dict:
    return {name: int(getattr(survey, name) >= (OUTCOME_AGREES if name in OUTCOMES else SATISFIED_FROM))
            for name in MEASURES}


def _collect(group, *, start, end, center_id=None) -> dict:
    """{key: Row} with the surveys answered in [start, end) and today's enrolled families, grouped by the column
    ``group`` (``Region.iso_code`` or ``Referral.center_id``): two statements."""
    rows = {}

    def row_for(key):
        return rows.setdefault(key, Row(key=key))

    survey_stmt = select(FamilySurvey, group).join(Referral, Referral.id == FamilySurvey.referral_id) \
        .join(Center, Center.id == Referral.center_id).join(Region, Region.id == Center.region_id) \
        .where(FamilySurvey.created_at >= start, FamilySurvey.created_at < end)
    opened = exists().where(Caregiver.child_id == Referral.child_id, User.phone == Caregiver.phone,
                            DirectoryVisit.user_id == User.id)
    recommended = exists().where(Recommendation.referral_id == Referral.id)
    joined = exists().where(RosterEntry.referral_id == Referral.id, TherapySession.id == RosterEntry.session_id,
                            TherapySession.audience == "caregiver")
    enrolled_stmt = select(group, opened.label("opened"), recommended.label("recommended"), joined.label("joined")) \
        .select_from(Referral).join(Center, Center.id == Referral.center_id) \
        .join(Region, Region.id == Center.region_id).where(Referral.status == Status.ENROLLED)
    if center_id is not None:
        survey_stmt = survey_stmt.where(Referral.center_id == center_id)
        enrolled_stmt = enrolled_stmt.where(Referral.center_id == center_id)
    for survey, key in db.session.execute(survey_stmt):
        row = row_for(key)
        row.answered += 1
        for name, agrees in _agrees(survey).items():
            row.agree[name] += agrees
    for key, *flags in db.session.execute(enrolled_stmt):
        row = row_for(key)
        row.enrolled += 1
        for what, flag in zip(USE, flags):
            row.use[what] += int(bool(flag))
    return rows


def by_region(*, start, end, regions=None) -> tuple[list[Row], Row]:
    """Rows per region, keyed by the region's ISO code (``regions``: the coverage page's region rows, whose ``key``
    is that code, in their order; by default every region of the reference) and the country's row."""
    rows = _collect(Region.iso_code, start=start, end=end)
    if regions is None:
        regions = db.session.scalars(select(Region).order_by(Region.id)).all()
    result = []
    total = Row(key=None)
    for region in regions:
        key = getattr(region, "key", None) or region.iso_code
        row = rows.get(key, Row(key=key))
        row.name = region
        result.append(row)
        total.answered += row.answered
        total.enrolled += row.enrolled
        for name in MEASURES:
            total.agree[name] += row.agree[name]
        for what in USE:
            total.use[what] += row.use[what]
    _suppress(result, total)
    return result, total


def _suppress(rows: list[Row], total: Row) -> None:
    """Mark on each row what the ministry may not see (``protect`` over the counts behind every share)."""
    values, equations = {}, []
    every = rows + [total]
    pieces = [("answered", m, lambda r, m=m: r.agree[m]) for m in MEASURES] + \
        [("enrolled", u, lambda r, u=u: r.use[u]) for u in USE]
    for r in every:
        values[("answered", r.key)] = r.answered
        values[("enrolled", r.key)] = r.enrolled
    for base, name, counted in pieces:
        for r in every:
            values[("yes", name, r.key)] = counted(r)
            values[("no", name, r.key)] = getattr(r, base) - counted(r)
            equations.append(((base, r.key), (("yes", name, r.key), ("no", name, r.key))))
        for side in ("yes", "no"):
            equations.append(((side, name, None), tuple((side, name, r.key) for r in rows)))
    equations.append((("answered", None), tuple(("answered", r.key) for r in rows)))
    equations.append((("enrolled", None), tuple(("enrolled", r.key) for r in rows)))
    hidden = protect(values, equations)
    for r in every:
        r.hidden = {base for base in ("answered", "enrolled") if (base, r.key) in hidden}
        for base, name, _counted in pieces:
            if base in r.hidden or ("yes", name, r.key) in hidden or ("no", name, r.key) in hidden:
                r.hidden.add(name)


def of_center(center_id: int, *, start, end) -> Row:
    """A center's own families (no suppression: its coordinator knows them)."""
    return _collect(Referral.center_id, start=start, end=end, center_id=center_id).get(center_id, Row(key=center_id))
