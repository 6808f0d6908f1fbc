"""Reads of reference data."""
from sqlalchemy import select

from eic.extensions import db

from .models import Center, Discipline, Icd10Category, Polyclinic, Region, RiskFactor


def centers(*, active_only=True):
    """Every center by code; only active ones unless ``active_only`` is False."""
    stmt = select(Center).order_by(Center.code)
    if active_only:
        stmt = stmt.where(Center.is_active.is_(True))
    return db.session.scalars(stmt).all()


def center_by_code(code: str | None) -> Center | None:
    """The center with this code (case and spaces ignored), or None."""
    if not code:
        return None
    return db.session.scalar(select(Center).where(Center.code == code.strip().lower()))


def center_for_region(region_id: int | None) -> Center | None:
    """The (first active) center of a region, the default target of a referral."""
    if region_id is None:
        return None
    return db.session.scalar(select(Center).where(Center.region_id == region_id, Center.is_active.is_(True))
                             .order_by(Center.id))


def regions():
    """Every region, by ISO code."""
    return db.session.scalars(select(Region).order_by(Region.iso_code)).all()


def region_by_iso(iso: str | None) -> Region | None:
    """The region with this ISO 3166-2 code (case and spaces ignored), or None."""
    return db.session.scalar(select(Region).where(Region.iso_code == (iso or "").strip().upper()))


def disciplines():
    """Every discipline, in the reference order."""
    return db.session.scalars(select(Discipline).order_by(Discipline.id)).all()


def discipline_by_code(code: str) -> Discipline | None:
    """The discipline with this code, or None."""
    return db.session.scalar(select(Discipline).where(Discipline.code == code))


def polyclinics():
    """Every polyclinic, by name."""
    return db.session.scalars(select(Polyclinic).order_by(Polyclinic.name)).all()


def polyclinic_by_name(name: str, *, create_in: Region | None = None) -> Polyclinic | None:
    """A polyclinic by exact name; created in ``create_in`` region when missing and a region is given."""
    row = db.session.scalar(select(Polyclinic).where(Polyclinic.name == name.strip()))
    if row is None and create_in is not None:
        row = Polyclinic(name=name.strip(), region=create_in)
        db.session.add(row)
        db.session.flush()
    return row


def risk_factors():
    """Every risk factor, in the reference order."""
    return db.session.scalars(select(RiskFactor).order_by(RiskFactor.id)).all()


def risk_factor_codes() -> set[str]:
    """The codes a referral may name as risk factors."""
    return set(db.session.scalars(select(RiskFactor.code)))


def eligible_icd10_categories() -> set[str]:
    """The ICD-10 categories a referral may name (the reference list of eligible conditions)."""
    return set(db.session.scalars(select(Icd10Category.category)))


def icd10_names(codes) -> dict:
    """The category names of ICD-10 codes (``G80.1`` is named by ``G80``), by code; missing ones left out."""
    categories = {code[:3].upper() for code in codes}
    rows = db.session.scalars(select(Icd10Category).where(Icd10Category.category.in_(categories))).all()
    by_category = {row.category: row for row in rows}
    return {code: by_category[code[:3].upper()] for code in codes if code[:3].upper() in by_category}


def icd10_categories():
    """The eligible ICD-10 categories with their names, by code."""
    return db.session.scalars(select(Icd10Category).order_by(Icd10Category.category)).all()


def affiliation_objects(center_id, polyclinic_id, discipline_id) -> dict:
    """The center, polyclinic and discipline chosen on the account form, loaded by id (None where empty)."""
    return {
        "center": db.session.get(Center, center_id) if center_id else None,
        "polyclinic": db.session.get(Polyclinic, polyclinic_id) if polyclinic_id else None,
        "discipline": db.session.get(Discipline, discipline_id) if discipline_id else None,
    }


def center_codes() -> dict[int, str]:
    """Every center's id to its code (active or not), for answers keyed by code."""
    return dict(db.session.execute(select(Center.id, Center.code)).all())


def births_by_region(year: int) -> dict[int, int]:
    """Recorded live births per region id for ``year``."""
    from .models import RegionBirths

    return {b.region_id: b.births for b in db.session.scalars(select(RegionBirths).where(RegionBirths.year == year))}


def rooms_of_center(center_id: int):
    """The rooms of a center, as a SELECT for ``get_visible_or_404``."""
    from .models import Room

    return select(Room).where(Room.center_id == center_id)


def rooms_of(center_id: int):
    """A center's rooms, those in use first, by name."""
    from .models import Room

    return db.session.scalars(select(Room).where(Room.center_id == center_id)
                              .order_by(Room.is_active.desc(), Room.name)).all()
