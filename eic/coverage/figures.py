"""Counts per center for a period, from the referrals and sessions tables; no row ever leaves with a name.

These are the true counts. What the pages, the API and the files publish from them, with small counts and the
counts that would give them away hidden, is ``published``.
"""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from eic.capacity.figures import merged_timeliness, timeliness_all
from eic.capacity.served import month_key, month_spans, served_by_center, served_by_center_month
from eic.centers.models import Center, Region
from eic.extensions import db
from eic.referrals.models import Referral, StatusChange
from eic.referrals.status import Status

SMALL = 5


@dataclass
class Row:
    """One line of the coverage table (a center, a region or the country): referrals and their outcomes,
    families served against the target, declines by reason."""
    key: str
    name_kk: str
    name_ru: str
    name_en: str
    referrals: int = 0
    accepted: int = 0
    declined: int = 0
    redirected: int = 0
    enrolled: int = 0
    served: int = 0
    target: int = 0
    declined_by_reason: dict = field(default_factory=dict)

    @property
    def percent_of_target(self):
        return round(100 * self.served / self.target) if self.target else None

    def add(self, other: "Row"):
        for name in ("referrals", "accepted", "declined", "redirected", "enrolled", "served", "target"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for reason, n in other.declined_by_reason.items():
            self.declined_by_reason[reason] = self.declined_by_reason.get(reason, 0) + n


def coverage(*, first: date, last: date) -> dict:
    """National, per-region and per-center rows for referrals dated ``first``..``last``."""
    return _coverage(first, last, by_month=False)[None]


def coverage_by_month(*, first: date, last: date) -> dict[int, dict]:
    """``coverage`` of each month of ``first``..``last`` (whole months), keyed by month key (202503), from one
    query per figure for all the months (the same numbers as asking month by month)."""
    return _coverage(first, last, by_month=True)


def _grouped(rows, by_month: bool) -> dict:
    """{month key or None: {center id: n}} from rows of ([month,] center id, n)."""
    result = {}
    for row in rows:
        month, center_id, n = row if by_month else (None, *row)
        result.setdefault(month, {})[center_id] = n
    return result


def _coverage(first: date, last: date, *, by_month: bool) -> dict:
    def month(column):
        return (month_key(column, first, last),) if by_month else ()

    in_period = (Referral.referred_on >= first, Referral.referred_on <= last)
    referred_month = month(Referral.referred_on)
    # A redirected referral's copy keeps the original date and counts once: only originals are "received".
    received = _grouped(db.session.execute(select(*referred_month, Referral.center_id, func.count()).where(
        *in_period, Referral.redirected_from_id.is_(None)).group_by(*referred_month, Referral.center_id)), by_month)
    decided = db.session.execute(select(*referred_month, Referral.center_id, StatusChange.to_status,
                                        StatusChange.reason_code, func.count())
                                 .join(StatusChange, StatusChange.referral_id == Referral.id)
                                 .where(*in_period, StatusChange.to_status.in_(
                                     [Status.ACCEPTED, Status.DECLINED, Status.REDIRECTED]))
                                 .group_by(*referred_month, Referral.center_id, StatusChange.to_status,
                                           StatusChange.reason_code)).all()
    enrolled_month = month(Referral.enrolled_on)
    enrolled = _grouped(db.session.execute(select(*enrolled_month, Referral.center_id,
                                                  func.count(func.distinct(Referral.child_id))).where(
        Referral.enrolled_on >= first, Referral.enrolled_on <= last).group_by(*enrolled_month, Referral.center_id)),
        by_month)
    if by_month:
        served = {}
        for (key, center_id), n in served_by_center_month(first, last).items():
            served.setdefault(key, {})[center_id] = n
        periods = [(key, start, end) for key, start, end in month_spans(first, last)]
    else:
        served, periods = {None: served_by_center(first, last)}, [(None, first, last)]
    centers = db.session.scalars(select(Center).order_by(Center.code)).all()
    regions = {r.id: r for r in db.session.scalars(select(Region))}
    decisions = {}
    for row in decided:
        key, rest = (row[0], tuple(row[1:])) if by_month else (None, tuple(row))
        decisions.setdefault(key, []).append(rest)
    return {key: _assemble(centers, regions, start, end, received.get(key, {}), decisions.get(key, []),
                           enrolled.get(key, {}), served.get(key, {})) for key, start, end in periods}


def _assemble(centers, regions, first, last, received, decided, enrolled, served) -> dict:
    """The rows of one period from its counts per center."""
    per_center = {}
    for c in centers:
        row = Row(c.code, c.city_kk, c.city_ru, c.city_en, referrals=received.get(c.id, 0),
                  enrolled=enrolled.get(c.id, 0), served=served.get(c.id, 0),
                  target=round(c.annual_target_families * ((last - first).days + 1) / 365))
        per_center[c.id] = row
    for center_id, status, reason, n in decided:
        row = per_center.get(center_id)
        if row is None:
            continue
        if status is Status.ACCEPTED:
            row.accepted += n
        elif status is Status.DECLINED:
            row.declined += n
            row.declined_by_reason[reason or "other"] = row.declined_by_reason.get(reason or "other", 0) + n
        else:
            row.redirected += n
    per_region, national, members = {}, Row("KZ", "Қазақстан", "Казахстан", "Kazakhstan"), {}
    for c in centers:
        region = regions[c.region_id]
        agg = per_region.setdefault(region.id, Row(region.iso_code, region.name_kk, region.name_ru, region.name_en))
        agg.add(per_center[c.id])
        national.add(per_center[c.id])
        members.setdefault(region.iso_code, []).append(c.code)
    return {"national": national, "regions": sorted(per_region.values(), key=lambda r: -r.served),
            "centers": [per_center[c.id] for c in centers], "members": members}


def timeliness(*, first: date, last: date) -> dict:
    """Timeliness nationally, per region (iso code) and per center (code), from the children's own day counts."""
    return _places_timeliness(timeliness_all(first=first, last=last), _center_places())


def timeliness_by_month(*, first: date, last: date, values: dict | None = None) -> dict[int, dict]:
    """``timeliness`` of each month of ``first``..``last``, keyed by month key, from one pass over the period
    (``values``: that pass's ``timeliness_all(by_month=True)`` when the caller has it)."""
    if values is None:
        values = timeliness_all(first=first, last=last, by_month=True)
    places = _center_places()
    per_month = {}
    for (key, center_id), center_values in values.items():
        per_month.setdefault(key, {})[center_id] = center_values
    return {key: _places_timeliness(per_month.get(key, {}), places) for key, _start, _end in month_spans(first, last)}


def timeliness_counts_by_month(values: dict, first: date, last: date) -> dict[int, dict]:
    """How many children each timeliness figure of each month counts, per place (center code, region, "KZ"):
    {month key: {place: {measure: n}}}, from ``timeliness_all(by_month=True)`` values. The monthly cells need only
    these counts, not the medians (no sorting of 27 places x 3 measures x 12 months)."""
    from eic.capacity.figures import MEASURE_KEYS

    places = _center_places()
    result = {key: {} for key, _start, _end in month_spans(first, last)}
    for key in result:
        for c in places:
            for place in ("KZ", c.iso_code, c.code):
                result[key].setdefault(place, dict.fromkeys(MEASURE_KEYS, 0))
    by_id = {c.id: c for c in places}
    for (key, center_id), center_values in values.items():
        c = by_id[center_id]
        for measure, value_key in MEASURE_KEYS.items():
            n = len(center_values[value_key])
            for place in ("KZ", c.iso_code, c.code):
                result[key][place][measure] += n
    return result


def timeliness_of_months(values: dict, keys) -> dict:
    """``timeliness`` of the whole months ``keys`` (month keys), from ``timeliness_all(by_month=True)`` values
    that hold them: the same numbers as asking for the months' dates, without reading them again."""
    from eic.capacity.figures import VALUE_KEYS

    wanted, per_center = set(keys), {}
    for (key, center_id), center_values in values.items():
        if key in wanted:
            merged = per_center.setdefault(center_id, {k: [] for k in VALUE_KEYS})
            for k, items in center_values.items():
                merged[k].extend(items)
    return _places_timeliness(per_center, _center_places())


def _center_places():
    return db.session.execute(select(Center.id, Center.code, Region.iso_code).join(
        Region, Region.id == Center.region_id)).all()


def _places_timeliness(values, centers) -> dict:
    by_region = {}
    for c in centers:
        by_region.setdefault(c.iso_code, []).append(c.id)
    result = {"KZ": merged_timeliness(values, [c.id for c in centers])}
    result.update({iso: merged_timeliness(values, ids) for iso, ids in by_region.items()})
    result.update({c.code: merged_timeliness(values, [c.id]) for c in centers})
    return result


def need_coverage(regions_rows, *, year: int) -> dict:
    """Families served divided by the estimated at-risk births of the region (births x the at-risk share, a
    setting: 6.7% from seed 001), per region key and nationally; None where births are not recorded."""
    from eic.centers.models import RegionBirths
    from eic.core.settings import get_setting

    from . import settings

    share = get_setting(settings.AT_RISK_PER_THOUSAND.key) / 1000
    births = {iso: n for iso, n in db.session.execute(select(Region.iso_code, RegionBirths.births).join(
        RegionBirths, RegionBirths.region_id == Region.id).where(RegionBirths.year == year)).all()}
    result, served_total, need_total = {}, 0, 0
    for row in regions_rows:
        if row.key in births and births[row.key]:
            need = births[row.key] * share
            result[row.key] = row.served / need
            served_total += row.served
            need_total += need
    result["KZ"] = served_total / need_total if need_total else None
    return result


def public_spread(s, children) -> dict:
    """A timeliness figure as published: ``children`` as published, and no median or share from fewer than 5."""
    enough = s.count >= SMALL
    return {"children": children, "median_days": s.median if enough else None,
            "p90_days": s.p90 if enough else None,
            "within_target": round(s.within_target, 3) if enough and s.within_target is not None else None}
