"""Regions, centers and the reference lists the other domains point to."""
from sqlalchemy import ForeignKey, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eic.extensions import db


class Region(db.Model):
    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    iso_code: Mapped[str] = mapped_column(String(8), unique=True)
    kato: Mapped[str] = mapped_column(String(9))
    name_kk: Mapped[str] = mapped_column(String(120))
    name_ru: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))


class Center(db.Model):
    __tablename__ = "centers"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    city_kk: Mapped[str] = mapped_column(String(120))
    city_ru: Mapped[str] = mapped_column(String(120))
    city_en: Mapped[str] = mapped_column(String(120))
    annual_target_families: Mapped[int] = mapped_column(default=600)
    is_active: Mapped[bool] = mapped_column(default=True)

    region = relationship("Region", lazy="joined")
    rooms = relationship("Room", back_populates="center", order_by="Room.name")


class Room(db.Model):
    __tablename__ = "rooms"
    __table_args__ = (UniqueConstraint("center_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(30))
    capacity: Mapped[int] = mapped_column(default=1)
    # Step-free access for a child in a wheelchair; a retired room is kept for the sessions it had.
    is_accessible: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    is_active: Mapped[bool] = mapped_column(default=True, server_default=text("true"))

    center = relationship("Center", back_populates="rooms")


class Polyclinic(db.Model):
    """Where a district pediatrician works."""

    __tablename__ = "polyclinics"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    district: Mapped[str] = mapped_column(String(120), default="")
    # The polyclinic's choice: its pediatricians see each other's referrals, to cover for one another.
    shared_referrals: Mapped[bool] = mapped_column(default=False, server_default=db.text("false"))

    region = relationship("Region", lazy="joined")


class Discipline(db.Model):
    __tablename__ = "disciplines"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_kk: Mapped[str] = mapped_column(String(160))
    name_ru: Mapped[str] = mapped_column(String(160))
    name_en: Mapped[str] = mapped_column(String(160))
    default_caseload_limit: Mapped[int]
    # Semicolon-separated assessment domains and needs this discipline answers (disciplines.csv).
    covers_domains: Mapped[str] = mapped_column(String(200), default="")

    @property
    def domains(self) -> set[str]:
        return {d for d in self.covers_domains.split(";") if d}


class Icd10Category(db.Model):
    """A WHO ICD-10 category that makes a child eligible; its subcategories count too."""

    __tablename__ = "icd10_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(3), unique=True)
    group: Mapped[str] = mapped_column(String(40))
    name_en: Mapped[str] = mapped_column(String(200))
    name_ru: Mapped[str] = mapped_column(String(200))


class RiskFactor(db.Model):
    __tablename__ = "risk_factors"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_kk: Mapped[str] = mapped_column(String(200))
    name_ru: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))


class RegionBirths(db.Model):
    """Live births per region and year (statistics bureau), the base of the ministry's coverage of need."""

    __tablename__ = "region_births"
    __table_args__ = (UniqueConstraint("region_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    year: Mapped[int]
    births: Mapped[int]

    region = relationship("Region")
