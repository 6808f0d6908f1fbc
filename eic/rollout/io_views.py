"""Spreadsheets in and out: the equipment allocation and training roster imports with their templates, and the
equipment register, budget and training roster exports (built in ``exports.py``)."""
from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eic.audit import services as audit
from eic.core.auth import role_required
from eic.core.forms import SpreadsheetForm, run_and_commit
from eic.core.roles import Role
from eic.core.timeutil import almaty_today
from eic.core.validation import parse_int
from eic.core.xlsx import xlsx_response
from eic.core.xlsx_import import RowsInvalid, SpreadsheetRejected, read_rows

from . import exports, imports
from .views import bp

IMPORTERS = {"equipment": (imports.import_equipment, "rollout.equipment"),
             "roster": (imports.import_roster, "rollout.training")}


@bp.route("/import/<kind>", methods=["POST"])
@role_required(Role.FOUNDATION)
def import_file(kind):
    """Any error in the file imports nothing; the page comes back with the errors by row and column."""
    if kind not in IMPORTERS:
        abort(404)
    importer, endpoint = IMPORTERS[kind]
    form = SpreadsheetForm()
    if form.validate_on_submit():
        counts = []

        def load():
            counts.append(importer(read_rows(form.file.data.stream, columns=len(imports.KINDS[kind])),
                                   actor=current_user))
            audit.record("import", record_type=kind, rows=counts[0], via="page")

        try:
            if run_and_commit(load, None, reraise=(SpreadsheetRejected, RowsInvalid)):
                flash(_("Imported %(n)s rows.", n=counts[0]), "success")
                return redirect(url_for(endpoint))
        except SpreadsheetRejected as exc:
            audit.record_now("import", record_type=kind, outcome="refused", via="page")
            flash(str(exc.message), "error")
        except RowsInvalid as exc:
            audit.record_now("import", record_type=kind, outcome="refused", via="page", rows=len(exc.errors))
            return _page_with_errors(kind, exc.errors), 422
    else:
        for message in form.file.errors:
            flash(str(message), "error")
    return redirect(url_for(endpoint))


def _page_with_errors(kind, errors):
    from . import views

    if kind == "equipment":
        return views.equipment_page(errors=errors)
    return views.training_page(errors=errors)


@bp.route("/import/<kind>/template.xlsx")
@role_required(Role.FOUNDATION)
def import_template(kind):
    if kind not in imports.KINDS:
        abort(404)
    return xlsx_response(f"{kind}-template.xlsx", exports.import_template(kind, almaty_today()))


@bp.route("/equipment.xlsx")
@role_required(Role.FOUNDATION, Role.COORDINATOR)
def equipment_export():
    return xlsx_response("equipment-register.xlsx", exports.equipment_register(current_user))


@bp.route("/budget.xlsx")
@role_required(Role.FOUNDATION)
def budget_export():
    year = parse_int(request.args.get("year") or "") or almaty_today().year
    return xlsx_response(f"budget-{year}.xlsx", exports.budget_workbook(year))


@bp.route("/training.xlsx")
@role_required(Role.FOUNDATION, Role.COORDINATOR)
def training_export():
    return xlsx_response("training-roster.xlsx", exports.training_roster(current_user))
