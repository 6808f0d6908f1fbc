"""The list of centers (everyone logged in) and its correction (administrators)."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from eic.audit import services as audit
from eic.core.auth import role_required
from eic.core.errors import ValidationFailed
from eic.core.forms import SpreadsheetForm, run_and_commit
from eic.core.permissions import get_visible_or_404
from eic.core.roles import Role
from eic.extensions import db

from . import queries, services
from .forms import ROOM_KIND_LABELS, CenterForm, RoomForm
from .models import Center, Region
from .permissions import can_administer

bp = Blueprint("centers", __name__, template_folder="templates")


@bp.route("/centers")
@login_required
def index():
    return render_template("centers/index.html", centers=queries.centers(active_only=False),
                           can_edit=can_administer(current_user))


@bp.route("/centers/<int:center_id>/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit(center_id):
    center = db.get_or_404(Center, center_id)
    form = CenterForm(obj=center)
    if not form.is_submitted():
        # obj= would give the select the Region object (WTForms prefers attributes to keywords): its id, please.
        form.region.data = center.region_id
    form.fill_choices()
    if form.validate_on_submit() and run_and_commit(
            lambda: services.update_center(center, region=db.session.get(Region, form.region.data), actor=current_user,
                                           **{k: form[k].data for k in ("city_kk", "city_ru", "city_en",
                                                                        "annual_target_families", "is_active")}),
            _("Center saved."), form=form):
        return redirect(url_for("centers.index"))
    return render_template("centers/edit.html", form=form, center=center)


@bp.route("/centers/polyclinics", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def polyclinics():
    """Each polyclinic's choice: may its pediatricians see each other's referrals (to cover for one another)?"""
    from flask import request

    from eic.core.forms import PlainForm

    from .models import Polyclinic

    form = PlainForm()
    if form.validate_on_submit():
        clinic = db.get_or_404(Polyclinic, request.form.get("polyclinic", type=int) or 0)
        shared = request.form.get("shared") == "yes"
        run_and_commit(lambda: services.set_shared_referrals(clinic, shared=shared, actor=current_user),
                       _("Saved."))
        return redirect(url_for("centers.polyclinics"))
    return render_template("centers/polyclinics.html", polyclinics=queries.polyclinics(), form=form)


@bp.route("/centers/births", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def births():
    """Live births per region for a year: the base of the ministry's coverage of need."""
    from flask import request

    from eic.core.timeutil import almaty_today
    from eic.core.validation import parse_int

    year = parse_int(request.values.get("year") or "") or almaty_today().year - 1
    regions = queries.regions()
    if request.method == "POST":
        values = {r.id: parse_int(request.form.get(f"region_{r.id}") or "") if request.form.get(f"region_{r.id}")
                  else None for r in regions}

        def save():
            if any(request.form.get(f"region_{r.id}") and values[r.id] is None for r in regions):
                raise ValidationFailed(fields={"births": [_("Enter whole numbers.")]})
            services.set_births(year=year, births_by_region=values, actor=current_user)

        if run_and_commit(save, _("Births saved.")):
            return redirect(url_for("centers.births", year=year))
    current = queries.births_by_region(year)
    return render_template("centers/births.html", regions=regions, year=year, current=current,
                           upload=SpreadsheetForm(), errors=[], columns=dict(services.BIRTHS_COLUMNS))


@bp.route("/centers/births/import", methods=["POST"])
@role_required(Role.ADMIN)
def births_import():
    """Births per region from the statistics bureau's spreadsheet (the template's three columns). A file with any
    error imports nothing; the errors are listed by row and column."""
    from eic.core.timeutil import almaty_today
    from eic.core.xlsx_import import RowsInvalid, SpreadsheetRejected, read_rows

    form = SpreadsheetForm()
    errors = []
    if form.validate_on_submit():
        rows, counts = [], []

        def load():
            rows.extend(read_rows(form.file.data.stream, columns=len(services.BIRTHS_COLUMNS)))
            counts.append(services.import_births(rows, actor=current_user))
            audit.record("import", record_type="births", rows=counts[0], via="page")

        try:
            if run_and_commit(load, None, reraise=(SpreadsheetRejected, RowsInvalid)):
                flash(_("Imported births for %(n)s regions and years.", n=counts[0]), "success")
                return redirect(url_for("centers.births", year=rows[0][1][1]))
        except SpreadsheetRejected as exc:
            audit.record_now("import", record_type="births", outcome="refused", via="page")
            form.file.errors = [exc.message]
        except RowsInvalid as exc:
            audit.record_now("import", record_type="births", outcome="refused", via="page", rows=len(exc.errors))
            errors = exc.errors
    year = almaty_today().year - 1
    current = queries.births_by_region(year)
    return render_template("centers/births.html", regions=queries.regions(), year=year, current=current,
                           upload=form, errors=errors, columns=dict(services.BIRTHS_COLUMNS)), 422


@bp.route("/centers/births/template.xlsx")
@role_required(Role.ADMIN)
def births_template():
    """The import template: one row per region with its ISO and KATO codes and names, year and births to fill."""
    from flask import request

    from eic.core.timeutil import almaty_today
    from eic.core.validation import parse_int
    from eic.core.xlsx import xlsx_response

    from . import exports

    year = parse_int(request.args.get("year") or "") or almaty_today().year - 1
    return xlsx_response(f"births-{year}-template.xlsx", exports.births_template(year))


def _rooms_center():
    """The coordinator's own center; an administrator chooses one (``?center=<code>``)."""
    from flask import abort, request

    if can_administer(current_user):
        return queries.center_by_code(request.values.get("center") or "") or queries.centers()[0]
    if current_user.center is None:
        abort(404)
    return current_user.center


@bp.route("/centers/rooms", methods=["GET", "POST"])
@role_required(Role.ADMIN, Role.COORDINATOR)
def rooms():
    """A center's rooms: add one, correct one, retire one (kind, places, step-free access)."""
    from flask import request

    center = _rooms_center()
    room_id = request.values.get("room_id", type=int)
    room = get_visible_or_404(queries.rooms_of_center(center.id), room_id) if room_id else None
    form = RoomForm(obj=room) if room is not None else RoomForm()
    if form.validate_on_submit() and run_and_commit(
            lambda: services.save_room(center, room=room, name=form.name.data, kind=form.kind.data,
                                       capacity=form.capacity.data, is_accessible=form.is_accessible.data,
                                       is_active=form.is_active.data, actor=current_user),
            _("The room is saved."), form=form):
        return redirect(url_for("centers.rooms", center=center.code if can_administer(current_user) else None))
    return render_template("centers/rooms.html", center=center, rooms=queries.rooms_of(center.id), form=form,
                           room=room, kinds=ROOM_KIND_LABELS, centers=queries.centers() if can_administer(
                               current_user) else []), 422 if form.errors else 200
