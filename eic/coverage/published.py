"""The ministry's figures as they are published: whole months only, and no hidden count that sums give away.

Periods. Figures are published for months that have ended, as the year to date (January to a month), a quarter
or a single month. Days are never published: the year to date on two days in a row would give one day's
referrals of a center by subtraction. Other ranges (March to May) are not offered, since with the others they
would give single months by subtraction.

The published cells form one table per year: measure x place (center, region, the country) x period, with the
sums that hold between them:

* a region is the sum of its centers and the country the sum of the regions, in every measure counted per center;
* "declined" is the sum of the declines by reason;
* a quarter is the sum of its months, and the year to a month is the year to the month before plus that month,
  for every count that adds up over time (all but families served and families reached, which count each family
  once per period);
* the children rated in each outcome area are the same children.

``disclosure.protect`` hides cells of this whole table at once (the same table whichever period is asked for), so
a cell hidden on one page is hidden on every page, file and API answer that shows it. Families served and the
other counts of distinct families are hidden within the period asked for only, since no sum ties them across
periods.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from eic.capacity.figures import timeliness_all

from . import figures, outcomes
from .disclosure import HIDDEN, protect

KZ = "KZ"
GEO_ADDITIVE = ("referrals", "accepted", "declined", "redirected", "enrolled")
TIMELINESS_KEYS = ("first_contact", "plan", "first_session")


class PeriodNotPublished(ValueError):
    """A range of months the ministry's figures are not published for."""

    message = _l("Figures are published for months that have ended: the year to date, a quarter or a month.")


def last_complete_month(year: int, today: date) -> int:
    """The last month of ``year`` that has ended by ``today`` (0 when none has)."""
    if year < today.year:
        return 12
    return today.month - 1 if year == today.year else 0


def published_periods(last_month: int) -> list[tuple[int, int]]:
    """The (first, last) month ranges published for a year whose months up to ``last_month`` have ended."""
    periods = {(m, m) for m in range(1, last_month + 1)}
    periods |= {(1, m) for m in range(1, last_month + 1)}
    periods |= {(q, q + 2) for q in (1, 4, 7, 10) if q + 2 <= last_month}
    return sorted(periods)


def default_period(today: date) -> tuple[int, int, int]:
    """(year, first month, last month): the year to date, or the whole of last year in January."""
    year = today.year if today.month > 1 else today.year - 1
    return year, 1, last_complete_month(year, today)


def month_range(year: int, period: tuple[int, int]) -> tuple[date, date]:
    first_month, last_month = period
    after = date(year + (last_month == 12), last_month % 12 + 1, 1)
    return date(year, first_month, 1), after - timedelta(days=1)


@dataclass
class Publication:
    """What one page, file or API answer shows: the period asked for, its figures and the hidden cells."""
    year: int
    period: tuple[int, int]
    first: date
    last: date
    data: dict            # figures.coverage() of the period: rows with names, targets and order
    timeliness: dict      # figures.timeliness() of the period: the medians and shares
    progress: dict        # outcomes.progress() of the period: the summary statements
    delivery: dict        # outcomes.delivery() of the period: satisfaction
    cells: dict
    hidden: set
    reasons: list
    settings: list
    discharge_reasons: list

    def show(self, measure: str, place: str = KZ, period=None):
        """A published count: the number, or ``HIDDEN``."""
        key = (measure, place, period or self.period)
        return HIDDEN if key in self.hidden else self.cells[key]

    def count(self, measure: str, place: str = KZ, period=None):
        """A published count for a chart: the number, or None when hidden."""
        shown = self.show(measure, place, period)
        return None if shown == HIDDEN else shown

    def months(self) -> list[tuple[int, int]]:
        return [(m, m) for m in range(self.period[0], self.period[1] + 1)]

    def row(self, row) -> dict:
        """A coverage row (a center, a region or the country) as published."""
        served = self.show("served", row.key)
        return {"key": row.key, "name": {"kk": row.name_kk, "ru": row.name_ru, "en": row.name_en},
                **{m: self.show(m, row.key) for m in GEO_ADDITIVE}, "families_served": served,
                "target": row.target, "percent_of_target": None if served == HIDDEN else row.percent_of_target,
                "declined_by_reason": {r: self.show(f"declined:{r}", row.key) for r in self.reasons}}

    def need_coverage(self) -> dict:
        """Coverage of need per region and nationally, withheld wherever families served are hidden (the share
        times the need gives them back)."""
        share = figures.need_coverage(self.data["regions"], year=self.year)
        published = {r.key: share.get(r.key) if self.show("served", r.key) != HIDDEN else None
                     for r in self.data["regions"]}
        # The national share times the need gives the families served in the regions with births recorded: it
        # is published when that sum is itself published (the nation's total, or regions that are all shown).
        counted = [r for r in self.data["regions"] if share.get(r.key) is not None]
        whole = len(counted) == len(self.data["regions"]) and self.show("served") != HIDDEN
        published[KZ] = share[KZ] if whole or all(published[r.key] is not None for r in counted) else None
        return published


def publish(year: int, first_month: int, last_month: int, *, today: date) -> Publication:
    """The figures of ``first_month``..``last_month`` of ``year`` as published; ``PeriodNotPublished`` for a
    range that is not."""
    complete = last_complete_month(year, today)
    period = (first_month, last_month)
    if period not in published_periods(complete):
        raise PeriodNotPublished(period)
    monthly, read = _month_cells(year, complete)
    first, last = month_range(year, period)
    # The period is whole months of what ``_month_cells`` read: its timeliness, outcomes and delivery counts are
    # those months' values put together, not read again.
    keys = [year * 100 + m for m in range(first_month, last_month + 1)]
    data = figures.coverage(first=first, last=last)
    places = _places(data)
    kinds = {prefix: sorted({m.split(":", 1)[1] for cells in monthly.values() for (m, _p) in cells
                             if m.startswith(prefix + ":")}) for prefix in ("declined", "setting", "discharge")}
    reasons = kinds["declined"]
    geo_measures = [*GEO_ADDITIVE, *(f"declined:{r}" for r in reasons), *(f"timeliness:{k}" for k in TIMELINESS_KEYS)]
    national = [*(f"outcome:{a}" for a in outcomes_areas()), *(f"setting:{s}" for s in kinds["setting"]),
                "support_sessions", *(f"discharge:{r}" for r in kinds["discharge"])]
    periods = published_periods(complete)
    series = [(m, place) for m in geo_measures for place in places] + [(m, KZ) for m in national]
    cells = _additive_cells(monthly, series, periods)
    for m, month in monthly.items():
        cells.update({("served", place, (m, m)): month.get(("served", place), 0) for place in places})
    cells.update({("served", row.key, period): row.served for row in _rows(data)})
    delivered = outcomes.delivery(first=first, last=last,
                                  counts=outcomes.summed_counts([read["delivered"][k] for k in keys]))
    cells[("support_families", KZ, period)] = delivered["support_families"]
    cells[("peer_groups", KZ, period)] = delivered["peer_groups"]
    equations = _equations(data, periods, period, geo_measures, national, reasons)
    return Publication(year=year, period=period, first=first, last=last, data=data,
                       timeliness=figures.timeliness_of_months(read["timeliness"], keys),
                       progress=outcomes.progress_of_months(read["ratings"], keys), delivery=delivered, cells=cells,
                       hidden=protect(cells, equations, cost=_cost(cells, data)), reasons=reasons,
                       settings=kinds["setting"], discharge_reasons=kinds["discharge"])


def outcomes_areas():
    from eic.therapy.models import OUTCOME_AREAS

    return list(OUTCOME_AREAS)


def _additive_cells(monthly, series, periods) -> dict:
    """Every period's cell of each (measure, place) series that adds up over time: the months, and the sums."""
    cells = {}
    for measure, place in series:
        by_month = {m: month.get((measure, place), 0) for m, month in monthly.items()}
        for first, last in periods:
            cells[(measure, place, (first, last))] = sum(by_month[m] for m in range(first, last + 1))
    return cells


def _rows(data):
    return [data["national"], *data["regions"], *data["centers"]]


def _places(data) -> list[str]:
    return [row.key for row in _rows(data)]


def _month_cells(year: int, complete: int) -> tuple[dict[int, dict], dict]:
    """Each ended month's counts (1..``complete``), keyed (measure, place): the atoms every other period adds up
    from. All the months come from one query per figure (``*_by_month``), not one set of queries per month.
    Also what was read, by month key, for the period's own figures: timeliness values, ratings, delivery counts."""
    if complete < 1:
        return {}, {"timeliness": {}, "ratings": ([], {}), "delivered": {}}
    first, last = month_range(year, (1, complete))
    coverage = figures.coverage_by_month(first=first, last=last)
    days = timeliness_all(first=first, last=last, by_month=True)
    timeliness = figures.timeliness_counts_by_month(days, first, last)
    ratings = outcomes.ratings_of(first, last)
    progress = outcomes.progress_by_month(first=first, last=last, ratings=ratings)
    delivered = outcomes.delivery_counts_by_month(first=first, last=last)
    monthly = {}
    for month in range(1, complete + 1):
        key = year * 100 + month
        cells = monthly[month] = _coverage_cells(coverage[key])
        for place, counts in timeliness[key].items():
            for measure in TIMELINESS_KEYS:
                cells[(f"timeliness:{measure}", place)] = counts[measure]
        for area, values in progress[key].items():
            cells[(f"outcome:{area}", KZ)] = values["children"]
        for setting, n in delivered[key]["settings"].items():
            cells[(f"setting:{setting}", KZ)] = n
        cells[("support_sessions", KZ)] = delivered[key]["support_sessions"]
        for reason, n in delivered[key]["discharges"].items():
            cells[(f"discharge:{reason}", KZ)] = n
    return monthly, {"timeliness": days, "ratings": ratings, "delivered": delivered}


def _coverage_cells(data) -> dict:
    cells = {}
    for row in _rows(data):
        for measure in GEO_ADDITIVE:
            cells[(measure, row.key)] = getattr(row, measure)
        cells[("served", row.key)] = row.served
        for reason, n in row.declined_by_reason.items():
            cells[(f"declined:{reason}", row.key)] = n
    return cells


def _cost(cells, data):
    """What hiding a cell costs readers: the country's figures most, then a region's, then a center's; within a
    level, a year to date more than a quarter, a quarter more than a month; then larger counts more."""
    level = {KZ: 2, **{r.key: 1 for r in data["regions"]}}

    def cost(key):
        _measure, place, (first, last) = key
        span = 0 if first == last else (2 if first == 1 else 1)
        return level.get(place, 0), cells[key] == 0, span, cells[key]
    return cost


def _equations(data, periods, asked, geo_measures, national, reasons) -> list[tuple]:
    """Every sum a reader could use: places, reasons, outcome areas and time (see the module's text)."""
    members = [(KZ, [r.key for r in data["regions"]]), *data["members"].items()]
    served_periods = sorted({(m, m) for m in range(1, max(p[1] for p in periods) + 1)} | {asked})
    equations = []
    for p in periods:
        for measure in geo_measures:
            equations += [((measure, total, p), tuple((measure, part, p) for part in parts))
                          for total, parts in members]
        for row in _rows(data) if reasons else []:
            equations.append((("declined", row.key, p), tuple((f"declined:{r}", row.key, p) for r in reasons)))
        areas = [m for m in national if m.startswith("outcome:")]
        equations += [((areas[0], KZ, p), ((other, KZ, p),)) for other in areas[1:]]
    for p in served_periods:
        equations += [(("served", total, p), tuple(("served", part, p) for part in parts)) for total, parts in members]
    series = [(m, place) for m in geo_measures for place in _places(data)] + [(m, KZ) for m in national]
    for measure, place in series:
        for first, last in periods:
            if first == 1 and last > 1:
                before, month = (measure, place, (1, last - 1)), (measure, place, (last, last))
                equations.append(((measure, place, (1, last)), (before, month)))
            if first > 1 and last == first + 2:
                equations.append(((measure, place, (first, last)),
                                  tuple((measure, place, (m, m)) for m in range(first, last + 1))))
    return equations
