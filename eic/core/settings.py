"""Runtime-tunable values: each domain declares its settings with a default; an administrator edits them."""
from dataclasses import dataclass

from flask import g, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column

from eic.core.errors import Forbidden, ValidationFailed
from eic.core.roles import Role
from eic.core.timeutil import UTCDateTime, utc_now
from eic.extensions import db


class Setting(db.Model):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[object] = mapped_column(JSON)
    updated_at: Mapped[object] = mapped_column(UTCDateTime, default=utc_now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


@dataclass(frozen=True)
class SettingDef:
    key: str
    default: int
    label: object
    minimum: int
    maximum: int


REGISTRY: dict[str, SettingDef] = {}


def declare(key: str, default: int, label, *, minimum: int, maximum: int) -> SettingDef:
    """Declare a whole-number setting (the domains' settings are all counts of days, months or minutes)."""
    definition = SettingDef(key, default, label, minimum, maximum)
    REGISTRY[key] = definition
    return definition


def get_setting(key: str) -> int:
    """The administrator's value, or the declared default; every setting is read at the first ask (one query)
    and kept for the app context (a request, a job)."""
    cache = g.get("eic_settings") if has_app_context() else None
    if cache is None:
        cache = current_values()
        if has_app_context():
            g.eic_settings = cache
    return cache[key]


def set_setting(key: str, value, *, actor) -> None:
    """Change a setting. Raises Forbidden (not an administrator), ValidationFailed (out of range)."""
    if actor is None or actor.role is not Role.ADMIN:
        raise Forbidden()
    definition = REGISTRY[key]
    if not isinstance(value, int) or isinstance(value, bool) or not definition.minimum <= value <= definition.maximum:
        raise ValidationFailed(fields={key: [_l("Enter a whole number from %(lo)s to %(hi)s.",
                                                lo=definition.minimum, hi=definition.maximum)]})
    row = db.session.get(Setting, key) or Setting(key=key)
    from eic.audit.services import record

    before = row.value if row.value is not None else definition.default
    if before != value:
        record("setting_change", actor=actor, record_type="setting",
               detail={"key": key, "fields": {"value": {"old": before, "new": value}}})
    row.value, row.updated_at, row.updated_by_id = value, utc_now(), actor.id
    db.session.add(row)
    db.session.flush()
    if has_app_context():
        g.pop("eic_settings", None)


def current_values() -> dict[str, int]:
    stored = {s.key: s.value for s in db.session.scalars(select(Setting))}
    return {key: stored.get(key, d.default) for key, d in REGISTRY.items()}
