"""The family's copy of everything held about the child and the family, made by the center's coordinator on
request: a page to print (or save as PDF from the browser) and a workbook, in the language the family asks for.
Each copy is in the audit trail."""
from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import force_locale
from flask_login import current_user

from eic.audit import services as audit
from eic.core.auth import role_required
from eic.core.roles import Role
from eic.core.timeutil import almaty_today
from eic.core.xlsx import xlsx_response
from eic.extensions import db
from eic.referrals import queries as referral_queries
from eic.referrals.permissions import can_coordinate

from . import records

bp = Blueprint("family", __name__, template_folder="templates", url_prefix="/family")


def _copy_made(referral_id, via):
    """The case and the copy's language, once the copy is in the audit trail; 404 outside the coordinator's
    center or for an unknown language."""
    referral = referral_queries.open_case(current_user, referral_id)
    if not can_coordinate(current_user, referral):
        abort(404)
    lang = request.args.get("lang") or referral.caregiver.preferred_language
    if lang not in current_app.config["EIC_LANGUAGES"]:
        abort(404)
    audit.record("copy_for_family", record_type="referral", record_id=referral.id, referral_id=referral.id,
                 via=via, detail={"language": lang})
    db.session.commit()
    return referral, lang


@bp.route("/copy/<int:referral_id>")
@role_required(Role.COORDINATOR)
def copy_page(referral_id):
    referral, lang = _copy_made(referral_id, "print")
    with force_locale(lang):
        return render_template("family/copy.html", referral=referral, sections=records.sections(referral.child),
                               today=almaty_today(), copy_locale=lang)


@bp.route("/copy/<int:referral_id>.xlsx")
@role_required(Role.COORDINATOR)
def copy_workbook(referral_id):
    referral, lang = _copy_made(referral_id, "export")
    with force_locale(lang):
        sheets = [(title, headers, rows, [24] * len(headers)) for title, headers, rows in
                  records.sections(referral.child)]
        return xlsx_response(f"family-copy-{referral.id}-{lang}.xlsx", sheets)
