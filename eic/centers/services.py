"""Loading reference data and correcting it."""
import csv
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from eic.core.errors import ValidationFailed
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
    counts = {}
    regions = {}
    for r in _rows("regions.csv"):
        regions[r["iso_code"]] = _upsert(Region, "iso_code", {
            "iso_code": r["iso_code"], "kato": r["kato"], "name_kk": r["name_kk"],
            "name_ru": r["name_ru"], "name_en": r["name_en"]}, update_existing=update_existing)
    counts["regions"] = len(regions)
    db.session.flush()
    n = 0
    for r in _rows("centers.csv"):
        _upsert(Center, "code", {
            "code": r["code"], "region": regions[r["region_iso"]], "city_kk": r["city_kk"],
            "city_ru": r["city_ru"], "city_en": r["city_en"],
            "annual_target_families": int(r["annual_target_families"])}, update_existing=update_existing)
        n += 1
    counts["centers"] = n
    n = 0
    for r in _rows("disciplines.csv"):
        _upsert(Discipline, "code", {
            "code": r["code"], "name_kk": r["name_kk"], "name_ru": r["name_ru"], "name_en": r["name_en"],
            "default_caseload_limit": int(r["default_caseload_limit"]), "covers_domains": r["covers_domains"]},
            update_existing=update_existing)
        n += 1
    counts["disciplines"] = n
    n = 0
    for r in _rows("icd10-eligibility.csv"):
        _upsert(Icd10Category, "category", {
            "category": r["category"], "group": r["group"], "name_en": r["name_en"], "name_ru": r["name_ru"]},
            update_existing=update_existing)
        n += 1
    counts["icd10_categories"] = n
    n = 0
    for r in _rows("risk-factors.csv"):
        _upsert(RiskFactor, "code", {
            "code": r["code"], "name_kk": r["name_kk"], "name_ru": r["name_ru"], "name_en": r["name_en"]},
            update_existing=update_existing)
        n += 1
    counts["risk_factors"] = n
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
