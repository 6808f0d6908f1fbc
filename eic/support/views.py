"""The directory's pages for the people who keep it (coordinators: their region; foundation staff: every region)
and the printable one-page leaflet per region, for families without a smartphone."""
from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from eic.centers import queries as center_queries
from eic.core.auth import role_required
from eic.core.errors import NotFound
from eic.core.forms import run_and_commit
from eic.core.i18n import localized
from eic.core.pagination import paginate
from eic.core.roles import Role
from eic.core.timeutil import almaty_today
from eic.extensions import db

from . import services
from .forms import CATEGORY_LABELS, EntryForm

bp = Blueprint("support", __name__, template_folder="templates", url_prefix="/support")
EDITORS = services.EDITORS


def _entry_or_404(entry_id):
    try:
        return services.editable_or_404(current_user, entry_id)
    except NotFound:
        abort(404)


@bp.route("/")
@role_required(*EDITORS)
def index():
    stmt = services.editable_entries(current_user)
    to_check = request.args.get("to_check") == "1"
    if to_check:
        stmt = services.stale_only(stmt)
    return render_template("support/index.html", pagination=paginate(stmt), labels=CATEGORY_LABELS,
                           stale=services.stale_count(current_user), to_check=to_check, today=almaty_today(),
                           is_stale=services.is_stale, title=_("Support directory"),
                           regions=_regions())


def _regions():
    if current_user.role is Role.COORDINATOR:
        return [current_user.center.region]
    return center_queries.regions()


def _form(entry=None):
    form = EntryForm(obj=entry) if entry is not None and request.method == "GET" else EntryForm()
    form.region_id.choices = [(r.id, localized(r, "name")) for r in _regions()]
    if entry is not None and request.method == "GET":
        form.languages.data = [x for x in entry.languages.split(",") if x]
    if entry is None and request.method == "GET":
        form.checked_on.data = almaty_today()
        form.region_id.data = current_user.center.region_id if current_user.role is Role.COORDINATOR else None
    return form


def _save(form, entry):
    if form.validate_on_submit() and run_and_commit(
            lambda: services.save(current_user, form.data_for_service(), entry=entry), _("The entry is saved."),
            form=form):
        return redirect(url_for("support.index"))
    template = render_template("support/edit.html", form=form, entry=entry,
                               title=_("Change the entry") if entry else _("New entry"))
    return template, 422 if form.errors else 200


@bp.route("/new", methods=["GET", "POST"])
@role_required(*EDITORS)
def new():
    return _save(_form(), None)


@bp.route("/<int:entry_id>/edit", methods=["GET", "POST"])
@role_required(*EDITORS)
def edit(entry_id):
    entry = _entry_or_404(entry_id)
    return _save(_form(entry), entry)


@bp.route("/<int:entry_id>/checked", methods=["POST"])
@role_required(*EDITORS)
def checked(entry_id):
    _entry_or_404(entry_id)
    run_and_commit(lambda: services.mark_checked(current_user, entry_id), _("Marked as checked today."))
    return redirect(url_for("support.index", to_check=request.args.get("to_check")))


@bp.route("/<int:entry_id>/active", methods=["POST"])
@role_required(*EDITORS)
def set_active(entry_id):
    entry = _entry_or_404(entry_id)
    active = not entry.is_active
    run_and_commit(lambda: services.set_active(current_user, entry_id, active),
                   _("The entry is shown to families again.") if active else _("The entry is hidden from families."))
    return redirect(url_for("support.index"))


@bp.route("/leaflet")
@role_required(*EDITORS)
def leaflet():
    """One page per region to print for families, in the language asked for (the page's by default)."""
    from eic.centers.models import Region

    if current_user.role is Role.COORDINATOR:
        region = current_user.center.region
    else:
        region = db.session.get(Region, request.args.get("region", type=int) or 0)
        if region is None:
            abort(404)
    lang = request.args.get("lang") or None
    if lang is not None and lang not in current_app.config["EIC_LANGUAGES"]:
        abort(404)
    entries = services.for_region(region.id)
    if lang is None:
        return render_template("support/leaflet.html", region=region, entries=entries, labels=CATEGORY_LABELS,
                               today=almaty_today())
    with force_locale(lang):
        return render_template("support/leaflet.html", region=region, entries=entries, labels=CATEGORY_LABELS,
                               today=almaty_today(), leaflet_locale=lang)
