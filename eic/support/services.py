"""The support directory's rules: who keeps which entries (a coordinator their center's region, foundation staff
every region), what an entry must say, when it is due a check, what a family finds, and the recommendations a
coordinator attaches to a child's case."""
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from eic.core.errors import Conflict, NotFound, ValidationFailed
from eic.core.roles import Role
from eic.core.text import clean_text
from eic.core.timeutil import almaty_today, utc_now
from eic.extensions import db

from .models import CATEGORIES, DirectoryVisit, Recommendation, SupportEntry

LANGS = ("kk", "ru", "en")
TEXT_FIELDS = ("name", "offer", "audience")
NAME_LIMIT = 200
TEXT_LIMIT = 2000
# An entry not checked for this long is due a check (the editors are reminded).
CHECK_EVERY_DAYS = 182
EDITORS = (Role.COORDINATOR, Role.FOUNDATION)


def can_edit(user, entry=None, region_id=None) -> bool:
    """Whether ``user`` keeps ``entry`` (or entries of ``region_id``): foundation staff all, a coordinator their
    center's region."""
    if user.role is Role.FOUNDATION:
        return True
    if user.role is not Role.COORDINATOR or user.center is None:
        return False
    region = entry.region_id if entry is not None else region_id
    return region is None or region == user.center.region_id


def editable_entries(user):
    """The entries ``user`` keeps, by region, category and name."""
    query = select(SupportEntry).order_by(SupportEntry.region_id, SupportEntry.category, SupportEntry.name_ru)
    if user.role is Role.FOUNDATION:
        return query
    if user.role is Role.COORDINATOR and user.center is not None:
        return query.where(SupportEntry.region_id == user.center.region_id)
    return query.where(False)


def editable_or_404(user, entry_id: int) -> SupportEntry:
    """The entry if ``user`` keeps it; NotFound otherwise (as if it did not exist)."""
    entry = db.session.get(SupportEntry, entry_id)
    if entry is None or not can_edit(user, entry):
        raise NotFound()
    return entry


def is_stale(entry, today=None) -> bool:
    """Whether the entry was last checked ``CHECK_EVERY_DAYS`` or more ago."""
    return entry.checked_on <= (today or almaty_today()) - timedelta(days=CHECK_EVERY_DAYS)


def save(user, data: dict, *, entry: SupportEntry | None = None, today=None) -> SupportEntry:
    """Create or change an entry from ``data`` (category, region_id, <field>_<lang>, contacts, hours, languages,
    checked_on). A coordinator's entries stay in their region. Saving counts as a check when ``checked_on`` is
    today. Raises ValidationFailed (every problem at once), NotFound (an entry or region they do not keep)."""
    today = today or almaty_today()
    values, languages, checked_on, region_id, errors = _checked(user, data, today)
    if entry is not None and not can_edit(user, entry):
        raise NotFound()
    if errors:
        raise ValidationFailed(fields=errors)
    if entry is None:
        entry = SupportEntry(region_id=region_id, category=data["category"], checked_on=checked_on)
        db.session.add(entry)
    for name, value in values.items():
        setattr(entry, name, value)
    entry.category, entry.region_id, entry.checked_on = data["category"], region_id, checked_on
    entry.languages = ",".join(languages)
    entry.updated_at, entry.updated_by_id = utc_now(), user.id
    db.session.flush()
    return entry


def _checked(user, data: dict, today):
    """(values, languages, checked_on, region_id, errors) from the form's ``data``."""
    from eic.centers.models import Region

    errors = {}
    limits = {f"{f}_{lang}": NAME_LIMIT if f == "name" else TEXT_LIMIT for f in TEXT_FIELDS for lang in LANGS}
    limits |= {"contacts": TEXT_LIMIT, "hours": NAME_LIMIT}
    values = {name: clean_text(data.get(name) or "") for name in limits}
    errors.update({name: [_l("At most %(n)s characters.", n=limit)] for name, limit in limits.items()
                   if len(values[name]) > limit})
    if not (values["name_kk"] or values["name_ru"]):
        errors["name_kk"] = [_l("Give the name in Kazakh or Russian.")]
    if not (values["offer_kk"] or values["offer_ru"]):
        errors["offer_kk"] = [_l("Say what it offers, in Kazakh or Russian.")]
    if data.get("category") not in CATEGORIES:
        errors["category"] = [_l("Choose a kind of support.")]
    if not values["contacts"]:
        errors["contacts"] = [_l("Give a phone, an address or a website.")]
    languages = [lang for lang in data.get("languages") or [] if lang in LANGS]
    checked_on = data.get("checked_on")
    if checked_on is None:
        errors["checked_on"] = [_l("Enter the date the entry was checked.")]
    elif checked_on > today:
        errors["checked_on"] = [_l("The date cannot be in the future.")]
    region_id = data.get("region_id")
    if user.role is Role.COORDINATOR:
        region_id = user.center.region_id
    elif db.session.get(Region, region_id or 0) is None:
        errors["region_id"] = [_l("Choose a region.")]
    return values, languages, checked_on, region_id, errors


def mark_checked(user, entry_id: int, *, today=None) -> SupportEntry:
    """The entry checked today by ``user``. Raises NotFound (not theirs)."""
    entry = editable_or_404(user, entry_id)
    entry.checked_on = today or almaty_today()
    entry.updated_at, entry.updated_by_id = utc_now(), user.id
    return entry


def set_active(user, entry_id: int, active: bool) -> SupportEntry:
    """Show the entry to families, or hide it (kept for the editors). Raises NotFound (not theirs)."""
    entry = editable_or_404(user, entry_id)
    entry.is_active = active
    entry.updated_at, entry.updated_by_id = utc_now(), user.id
    return entry


def for_region(region_id: int, *, query: str = "", category: str = "") -> list[SupportEntry]:
    """A region's active entries for families, by category and name; every word of ``query`` must be found in
    some language's name, offer or audience, whatever its case. A region holds tens of entries: they are matched
    here rather than by the database, whose ``lower()`` leaves Cyrillic alone on SQLite (and under the C locale on
    PostgreSQL)."""
    stmt = select(SupportEntry).where(SupportEntry.region_id == region_id, SupportEntry.is_active.is_(True))
    if category in CATEGORIES:
        stmt = stmt.where(SupportEntry.category == category)
    entries = db.session.scalars(stmt.order_by(SupportEntry.category, SupportEntry.name_ru)).all()
    words = clean_text(query or "").casefold().split()[:5]
    if not words:
        return entries
    return [e for e in entries if all(word in _searchable(e) for word in words)]


def _searchable(entry) -> str:
    return " ".join(getattr(entry, f"{field}_{lang}") or "" for field in TEXT_FIELDS for lang in LANGS).casefold()


def note_visit(user, now=None) -> None:
    """That a caregiver opened the directory (the first time and the last)."""
    now = now or utc_now()
    visit = db.session.get(DirectoryVisit, user.id)
    if visit is None:
        db.session.add(DirectoryVisit(user_id=user.id, first_at=now, last_at=now))
    else:
        visit.last_at = now


def recommend(referral, entry_id: int, *, actor) -> Recommendation:
    """Recommend an active entry of the child's region to the family. Raises NotFound (another region's or no
    such entry), Conflict (recommended already)."""
    entry = db.session.get(SupportEntry, entry_id)
    if entry is None or not entry.is_active or entry.region_id != referral.center.region_id:
        raise NotFound()
    if db.session.scalar(select(Recommendation.id).where(Recommendation.referral_id == referral.id,
                                                         Recommendation.entry_id == entry.id)) is not None:
        raise Conflict(_l("This is already recommended to the family."))
    row = Recommendation(referral_id=referral.id, entry_id=entry.id, by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    return row


def withdraw(referral, recommendation_id: int) -> None:
    """Take a recommendation back from the family's page. Raises NotFound (not of this case)."""
    row = db.session.get(Recommendation, recommendation_id)
    if row is None or row.referral_id != referral.id:
        raise NotFound()
    db.session.delete(row)


def recommended_for(referral_ids) -> dict:
    """{referral id: its recommended entries (active ones), by category}."""
    result = {}
    if not referral_ids:
        return result
    for row in db.session.scalars(select(Recommendation).where(Recommendation.referral_id.in_(list(referral_ids)))
                                  .order_by(Recommendation.id)):
        if row.entry.is_active:
            result.setdefault(row.referral_id, []).append(row)
    return result


def stale_only(stmt, today=None):
    """``stmt`` narrowed to the active entries due a check."""
    today = today or almaty_today()
    return stmt.where(SupportEntry.is_active.is_(True),
                      SupportEntry.checked_on <= today - timedelta(days=CHECK_EVERY_DAYS))


def stale_count(user, today=None) -> int:
    """How many active entries ``user`` keeps are due a check."""
    stmt = stale_only(editable_entries(user), today)
    return db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
