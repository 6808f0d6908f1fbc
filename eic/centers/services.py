"""Loading reference data and correcting it."""
import csv
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from eic.core.errors import Forbidden, ValidationFailed
from eic.core.roles import Role
from eic.extensions import db

from .models import Center, Discipline, Icd10Category, Region, RiskFactor

DATA_DIR = Path(__file__).resolve().parent / "data"


def _rows(name):
    with open(DATA_DIR / name, encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


def _upsert(model, key, values: dict, *, update_existing: bool):
    row = db.session.scalar(select(model).where(getattr(model, key) == values[key]))
    if row is None:
        row = model(**values)
        db.session.add(row)
    elif update_existing:
        for name, value in values.items():
            setattr(row, name, value)
    return row


def load_reference(*, update_existing=False) -> dict:
    """Load regions, centers, disciplines, ICD-10 categories and risk factors from the project's copy.

    Idempotent. Existing rows are kept as an administrator corrected them unless ``update_existing``.
    Returns counts per table.
    """
    regions = {}

    def region_values(r):
        return {k: r[k] for k in ("iso_code", "kato", "name_kk", "name_ru", "name_en")}

    def center_values(r):
        return {"code": r["code"], "region": regions[r["region_iso"]], "city_kk": r["city_kk"],
                "city_ru": r["city_ru"], "city_en": r["city_en"],
                "annual_target_families": int(r["annual_target_families"])}

    def discipline_values(r):
        return {k: r[k] for k in ("code", "name_kk", "name_ru", "name_en", "covers_domains")} | {
            "default_caseload_limit": int(r["default_caseload_limit"])}

    def category_values(r):
        return {k: r[k] for k in ("category", "group", "name_en", "name_ru")}

    def risk_values(r):
        return {k: r[k] for k in ("code", "name_kk", "name_ru", "name_en")}

    # Regions first: centers point to them.
    tables = (("regions", Region, "iso_code", "regions.csv", region_values),
              ("centers", Center, "code", "centers.csv", center_values),
              ("disciplines", Discipline, "code", "disciplines.csv", discipline_values),
              ("icd10_categories", Icd10Category, "category", "icd10-eligibility.csv", category_values),
              ("risk_factors", RiskFactor, "code", "risk-factors.csv", risk_values))
    counts = {}
    for name, model, key, filename, to_values in tables:
        rows = [_upsert(model, key, to_values(r), update_existing=update_existing) for r in _rows(filename)]
        if model is Region:
            regions.update({row.iso_code: row for row in rows})
        counts[name] = len(rows)
        db.session.flush()
    return counts


def update_center(center: Center, *, region: Region | None, city_kk, city_ru, city_en,
                  annual_target_families, is_active, actor) -> Center:
    """Correct a center's region, names or target. Raises ValidationFailed."""
    errors = {}
    if region is None:
        errors["region"] = [_l("Choose a region.")]
    if annual_target_families is None or not 0 <= annual_target_families <= 100000:
        errors["annual_target_families"] = [_l("Enter a target between 0 and 100000.")]
    for name, value in (("city_kk", city_kk), ("city_ru", city_ru), ("city_en", city_en)):
        if not (value or "").strip():
            errors[name] = [_l("This field is required.")]
    if errors:
        raise ValidationFailed(fields=errors)
    center.region = region
    center.city_kk, center.city_ru, center.city_en = city_kk.strip(), city_ru.strip(), city_en.strip()
    center.annual_target_families = annual_target_families
    center.is_active = is_active
    return center


def set_births(*, year: int, births_by_region: dict, actor) -> int:
    """Record live births per region for a year (``{region_id: births or None}``). Raises ValidationFailed."""
    from sqlalchemy import delete

    from .models import RegionBirths

    errors = {}
    if not 2000 <= (year or 0) <= 2100:
        errors["year"] = [_l("Enter a year.")]
    for region_id, births in births_by_region.items():
        if births is not None and not 0 <= births <= 1_000_000:
            errors[f"region_{region_id}"] = [_l("Enter a number of births from 0 to 1000000.")]
    if errors:
        raise ValidationFailed(fields=errors)
    db.session.execute(delete(RegionBirths).where(RegionBirths.year == year))
    rows = [RegionBirths(region_id=r, year=year, births=b) for r, b in births_by_region.items() if b is not None]
    db.session.add_all(rows)
    db.session.flush()
    return len(rows)


BIRTHS_COLUMNS = (("A", _l("Region")), ("B", _l("Year")), ("C", _l("Live births")))


def _region_key(text) -> str:
    """A region's name, ISO code or KATO code made comparable: case-folded, "г." read as "город", punctuation and
    repeated spaces dropped."""
    from eic.core.text import search_key

    key = search_key(str(text)).replace("г.", "город ")
    return " ".join("".join(ch if ch.isalnum() or ch == "-" else " " for ch in key).split())


def region_lookup() -> dict:
    """A lookup from every way a spreadsheet names a region (ISO code, KATO, name in three languages,
    normalised by ``_region_key``) to the region."""
    from .models import Region

    lookup = {}
    for region in db.session.scalars(select(Region)):
        for value in (region.iso_code, region.kato, region.kato[:2] if region.kato else None, region.name_kk,
                      region.name_ru, region.name_en):
            if value:
                lookup[_region_key(value)] = region
    return lookup


def _whole_number(value):
    """An integer from a cell (int, a float without a fraction, or digits with spaces), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = "".join(str(value or "").split()).replace("\u00a0", "")
    return int(text) if text.isdigit() else None


# Past flake8's complexity limit on purpose: a flat list of per-cell checks.
def import_births(rows, *, actor) -> int:  # noqa: C901
    """Births per region and year from spreadsheet rows ``[(row number, (region, year, births))]``: the region by
    ISO code, KATO code or name in any of the three languages. All rows are checked first; any error raises
    ``RowsInvalid`` naming row and column, and nothing is written. Existing figures for the same region and year
    are replaced; others are kept."""
    from eic.core.xlsx_import import RowError, RowsInvalid

    from .models import RegionBirths

    if actor is None or actor.role is not Role.ADMIN:
        raise Forbidden()
    lookup, errors, seen, parsed = region_lookup(), [], {}, []
    for number, (region_cell, year_cell, births_cell) in rows:
        region = lookup.get(_region_key(region_cell)) if region_cell is not None else None
        year, births = _whole_number(year_cell), _whole_number(births_cell)
        if region is None:
            errors.append(RowError(number, "A", _l("Unknown region: give its ISO code (KZ-15), KATO code or name.")))
        if year is None or not 2000 <= year <= 2100:
            errors.append(RowError(number, "B", _l("Enter a year from 2000 to 2100.")))
        if births is None or not 0 <= births <= 1_000_000:
            errors.append(RowError(number, "C", _l("Enter a number of births from 0 to 1000000.")))
        if region is not None and year is not None:
            if (region.id, year) in seen:
                message = _l("This region and year are already on row %(row)s.", row=seen[(region.id, year)])
                errors.append(RowError(number, "A", message))
            seen[(region.id, year)] = number
            parsed.append((region.id, year, births))
    if errors:
        raise RowsInvalid(errors)
    existing = {(b.region_id, b.year): b for b in db.session.scalars(select(RegionBirths).where(
        RegionBirths.year.in_({year for _r, year, _b in parsed})))}
    for region_id, year, births in parsed:
        row = existing.get((region_id, year))
        if row is None:
            db.session.add(RegionBirths(region_id=region_id, year=year, births=births))
        else:
            row.births = births
    db.session.flush()
    return len(parsed)


ROOM_KINDS = ("therapy", "sensory", "gym", "group", "consultation")


def can_keep_rooms(actor, center_id) -> bool:
    """A center's rooms are kept by its coordinator and by administrators."""
    from .permissions import can_administer, can_coordinate_center

    return can_administer(actor) or can_coordinate_center(actor, center_id)


def save_room(center: Center, *, room=None, name, kind, capacity, is_accessible=False, is_active=True, actor):
    """Add a room to a center (``room`` None) or correct one: its name (unique in the center), kind, places, step-free
    access, and whether it is still in use (a retired room keeps its past sessions and takes no new ones).
    Raises Forbidden, ValidationFailed."""
    from sqlalchemy import func

    from .models import Room

    if not can_keep_rooms(actor, center.id):
        raise Forbidden()
    errors = {}
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = [_l("This field is required.")]
    elif len(name) > 80:
        errors["name"] = [_l("At most %(n)s characters.", n=80)]
    elif db.session.scalar(select(func.count()).select_from(Room).where(
            Room.center_id == center.id, Room.name == name, Room.id != (room.id if room else -1))):
        errors["name"] = [_l("The center has a room of this name.")]
    if kind not in ROOM_KINDS:
        errors["kind"] = [_l("Choose the kind of room.")]
    if not isinstance(capacity, int) or not 1 <= capacity <= 50:
        errors["capacity"] = [_l("A room has from 1 to 50 places.")]
    if errors:
        raise ValidationFailed(fields=errors)
    if room is None:
        room = Room(center_id=center.id)
        db.session.add(room)
    room.name, room.kind, room.capacity = name, kind, capacity
    room.is_accessible, room.is_active = bool(is_accessible), bool(is_active)
    db.session.flush()
    return room


def set_shared_referrals(polyclinic, *, shared: bool, actor) -> None:
    """A polyclinic's choice that its pediatricians see each other's referrals, to cover for one another
    (administrators). Raises Forbidden."""
    from eic.audit import services as audit
    from eic.core.errors import Forbidden
    from eic.core.roles import Role

    if actor is None or actor.role is not Role.ADMIN:
        raise Forbidden()
    if polyclinic.shared_referrals != shared:
        audit.record("setting_change", actor=actor, record_type="polyclinic", record_id=polyclinic.id,
                     detail={"fields": {"shared_referrals": {"old": polyclinic.shared_referrals, "new": shared}}})
        polyclinic.shared_referrals = shared
        db.session.flush()
