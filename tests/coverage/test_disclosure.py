"""Complementary suppression, tested the way an attacker would break it: take everything the API publishes for every
period of a year, write down every sum the figures obey, and try to compute each hidden cell exactly."""
from datetime import date
from fractions import Fraction

from sqlalchemy import select

from eic.centers.models import Center, Region
from eic.core.roles import Role
from eic.core.timeutil import almaty_today
from eic.coverage.disclosure import HIDDEN, derivable, protect
from eic.coverage.published import last_complete_month, publish, published_periods
from eic.extensions import db
from eic.referrals.status import Status
from tests.factories.centers import center
from tests.factories.referrals import ReferralFactory, StatusChangeFactory

YEAR = 2026
ROW_MEASURES = ("referrals", "accepted", "declined", "redirected", "enrolled")


def test_the_total_minus_the_other_reasons_no_longer_gives_the_hidden_reason():
    # The attack that found it: declined 17 = 3 + 7 + 7 published as "<5", 7, 7 gave 3 back.
    values = {"declined": 17, "age": 3, "moved": 7, "refused": 7}
    equations = [("declined", ("age", "moved", "refused"))]
    hidden = protect(values, equations)
    assert "age" in hidden and len(hidden) >= 2 and derivable(values, equations, hidden) == set()
    assert attack(values, equations, hidden) == {}
    # Without the complement the attacker gets it.
    assert attack(values, equations, {"age"}) == {"age": 3}


def test_a_small_cell_inside_a_table_with_margins_is_protected_in_both_directions():
    rows, cols = ("a", "b", "c"), ("x", "y", "z")
    inner = {("a", "x"): 2, ("a", "y"): 9, ("a", "z"): 11, ("b", "x"): 8, ("b", "y"): 12, ("b", "z"): 6,
             ("c", "x"): 7, ("c", "y"): 6, ("c", "z"): 10}
    values = dict(inner)
    equations = []
    for r in rows:
        values[(r, "T")] = sum(inner[(r, c)] for c in cols)
        equations.append(((r, "T"), tuple((r, c) for c in cols)))
    for c in cols:
        values[("T", c)] = sum(inner[(r, c)] for r in rows)
        equations.append((("T", c), tuple((r, c) for r in rows)))
    values[("T", "T")] = sum(inner.values())
    equations += [(("T", "T"), tuple((r, "T") for r in rows)), (("T", "T"), tuple(("T", c) for c in cols))]
    hidden = protect(values, equations)
    assert ("a", "x") in hidden and ("T", "T") not in hidden
    assert attack(values, equations, hidden) == {}


def make(code, month, n, *, decision=None, reason=None):
    for _ in range(n):
        referral = ReferralFactory(center=center(code), referred_on=date(YEAR, month, 3),
                                   status=decision or Status.SUBMITTED, is_open=decision is not Status.DECLINED,
                                   enrolled_on=date(YEAR, month, 20) if decision is Status.ENROLLED else None)
        if decision is Status.DECLINED:
            StatusChangeFactory(referral=referral, from_status=Status.SUBMITTED, to_status=Status.DECLINED,
                                reason_code=reason)
        elif decision is Status.ENROLLED:
            StatusChangeFactory(referral=referral, from_status=Status.SUBMITTED, to_status=Status.ACCEPTED)


def test_no_hidden_count_can_be_worked_out_from_everything_published_in_a_year(client, api, login_as):
    # Small and large counts in several centers, months and decline reasons, so that a primary-only
    # suppression would leak across rows (centers/regions), columns (reasons) and periods.
    make("aktobe", 2, 12, decision=Status.ENROLLED)
    make("aktobe", 2, 3, decision=Status.DECLINED, reason="not_eligible_age")
    make("aktobe", 3, 9, decision=Status.DECLINED, reason="moved_away")
    make("aktobe", 3, 8, decision=Status.DECLINED, reason="not_eligible_age")
    make("oral", 2, 2, decision=Status.DECLINED, reason="moved_away")
    make("oral", 3, 11, decision=Status.ENROLLED)
    make("atyrau", 1, 14, decision=Status.ENROLLED)
    make("atyrau", 2, 1)
    make("aral", 4, 6, decision=Status.DECLINED, reason="not_eligible_age")
    make("almaty", 1, 30)
    db.session.commit()
    api.as_user(login_as(Role.MINISTRY))
    complete = last_complete_month(YEAR, almaty_today())
    published, truth = {}, {}
    for period in published_periods(complete):
        answer = api.get(f"/api/v1/coverage?year={YEAR}&from_month={period[0]}&to_month={period[1]}")
        assert answer.status_code == 200
        for key, shown in read_answer(answer.json, period).items():
            # A cell shown in one answer is shown in every answer, hidden in one is hidden in all.
            assert published.setdefault(key, shown) == shown, key
        pub = publish(YEAR, *period, today=almaty_today())
        for (measure, place, p), value in pub.cells.items():
            truth[(measure, place, p)] = value
    values = {key: truth[key] for key in published}
    hidden = {key for key, shown in published.items() if shown == HIDDEN}
    for key, shown in published.items():
        assert shown == HIDDEN or shown == values[key], key  # the page publishes the truth where it shows
    equations = attackers_sums(published, complete)
    assert hidden and attack(values, equations, hidden) == {}
    # The attacker is able: with only the small counts hidden, it works cells out across centers, reasons and
    # months.
    primary = {key for key in published if 0 < values[key] < 5}
    leaked = attack(values, equations, primary)
    assert any(k[0].startswith("declined:") for k in leaked) and any(k[1] != "KZ" for k in leaked)


def read_answer(body, period) -> dict:
    """(measure, place, period) -> the published value, from one API answer."""
    published = {}
    for row in [body["national"], *body["regions"], *body["centers"]]:
        published.update({(m, row["key"], period): row[m] for m in ROW_MEASURES})
        published[("served", row["key"], period)] = row["families_served"]
        published.update({(f"declined:{r}", row["key"], period): v for r, v in row["declined_by_reason"].items()})
    published.update({(f"timeliness:{name}", place, period): figure["children"]
                      for place, measures in body["timeliness"].items() for name, figure in measures.items()})
    national = {**{f"outcome:{a}": f["children"] for a, f in body["outcomes"].items()},
                **{f"setting:{k}": v for k, v in body["settings_mix"].items()},
                **{f"discharge:{k}": v for k, v in body["discharges"].items()},
                "support_sessions": body["caregiver_support"]["sessions"]}
    published.update({(m, "KZ", period): v for m, v in national.items()})
    for month in body["months"]:
        m = int(month["month"][5:])
        for measure, name in (("referrals", "referrals"), ("enrolled", "enrolled"), ("served", "families_served")):
            assert published.setdefault((measure, "KZ", (m, m)), month[name]) == month[name]
    return published


def attackers_sums(published, complete):
    """Every sum the attacker knows: which centers make a region (public), reasons, outcome areas, time."""
    regions = {}
    for code, iso in db.session.execute(select(Center.code, Region.iso_code).join(Region)).all():
        regions.setdefault(iso, []).append(code)
    places = ["KZ", *regions, *(c for codes in regions.values() for c in codes)]
    measures = {key[0] for key in published}
    reasons = sorted(m for m in measures if m.startswith("declined:"))
    areas = sorted(m for m in measures if m.startswith("outcome:"))
    equations = []
    for p in published_periods(complete):
        for measure in measures:
            equations.append(((measure, "KZ", p), tuple((measure, iso, p) for iso in regions)))
            equations += [((measure, iso, p), tuple((measure, c, p) for c in codes)) for iso, codes in regions.items()]
        equations += [(("declined", place, p), tuple((r, place, p) for r in reasons)) for place in places]
        equations += [((areas[0], "KZ", p), ((a, "KZ", p),)) for a in areas[1:]]
    equations += time_sums(published)
    return [(t, parts) for t, parts in equations if t in published and all(p in published for p in parts)]


def time_sums(published):
    """A quarter is its months; the year to a month is the year to the month before plus the month."""
    equations = []
    for measure, place, (first, last) in published:
        if measure == "served":
            continue  # families served count each family once per period: no sum over time
        if first == 1 and last > 1:
            equations.append(((measure, place, (1, last)), ((measure, place, (1, last - 1)),
                                                            (measure, place, (last, last)))))
        if first > 1 and last == first + 2:
            equations.append(((measure, place, (first, last)),
                              tuple((measure, place, (m, m)) for m in range(first, last + 1))))
    return equations


def attack(values, equations, hidden) -> dict:
    """The hidden cells an attacker computes exactly, with their values: exact rational Gauss-Jordan elimination
    of the sums over the hidden cells, the shown ones moved to the right-hand side."""
    pivots = {}
    for row, rhs in linear_system(values, equations, hidden):
        for col in [c for c in row if c in pivots]:
            rhs = eliminate(row, rhs, pivots[col], row[col])
        if not row:
            continue
        col = min(row, key=repr)
        factor = row[col]
        row, rhs = {k: v / factor for k, v in row.items()}, rhs / factor
        for other, (orow, orhs) in list(pivots.items()):
            if col in orow:
                pivots[other] = (orow, eliminate(orow, orhs, (row, rhs), orow[col]))
        pivots[col] = (row, rhs)
    found = {col: int(rhs) for col, (row, rhs) in pivots.items() if len(row) == 1}
    assert all(values[k] == v for k, v in found.items())  # what it computes is right
    return found


def linear_system(values, equations, hidden):
    for total, parts in equations:
        row, rhs = {}, Fraction(0)
        for cell, sign in [(total, 1), *((p, -1) for p in parts)]:
            if cell in hidden:
                row[cell] = row.get(cell, 0) + sign
            else:
                rhs -= sign * values[cell]
        row = {k: Fraction(v) for k, v in row.items() if v}
        if row:
            yield row, rhs


def eliminate(row, rhs, pivot, factor):
    """row -= factor * pivot row (in place); the new right-hand side."""
    prow, prhs = pivot
    for k, v in prow.items():
        row[k] = row.get(k, 0) - factor * v
        if row[k] == 0:
            del row[k]
    return rhs - factor * prhs
