"""Counts per center for a period, from the referrals and sessions tables; no row ever leaves with a name.

These are the true counts. What the pages, the API and the files publish from them, with small counts and the
counts that would give them away hidden, is ``published``.
"""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from eic.capacity.figures import merged_timeliness, timeliness_all
from eic.capacity.served import served_by_center
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


def _count_by_center(stmt):
    return dict(db.session.execute(stmt).all())


def coverage(*, first: date, last: date) -> dict:
    """National, per-region and per-center rows for referrals dated ``first``..``last``."""
    in_period = (Referral.referred_on >= first, Referral.referred_on <= last)
    # A redirected referral's copy keeps the original date and counts once: only originals are "received".
    received = _count_by_center(select(Referral.center_id, func.count()).where(
        *in_period, Referral.redirected_from_id.is_(None)).group_by(Referral.center_id))
    decided = db.session.execute(select(Referral.center_id, StatusChange.to_status, StatusChange.reason_code,
                                        func.count()).join(StatusChange, StatusChange.referral_id == Referral.id)
                                 .where(*in_period, StatusChange.to_status.in_(
                                     [Status.ACCEPTED, Status.DECLINED, Status.REDIRECTED]))
                                 .group_by(Referral.center_id, StatusChange.to_status, StatusChange.reason_code)).all()
    enrolled = _count_by_center(select(Referral.center_id, func.count(func.distinct(Referral.child_id))).where(
        Referral.enrolled_on >= first, Referral.enrolled_on <= last).group_by(Referral.center_id))
    centers = db.session.scalars(select(Center).order_by(Center.code)).all()
    regions = {r.id: r for r in db.session.scalars(select(Region))}
    served = served_by_center(first, last)
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
    values = timeliness_all(first=first, last=last)
    centers = db.session.execute(select(Center.id, Center.code, Region.iso_code).join(
        Region, Region.id == Center.region_id)).all()
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
