"""The coordinator's pages about families: the family's copy of everything held about the child and the family
(made on request: a page to print or save as PDF, and a workbook, in the language the family asks for; each copy is
in the audit trail), the families' page (check-ins asking for a call, requests to join a peer group, the center's
figures) and the support entries recommended on a case."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from eic.audit import services as audit
from eic.core.auth import role_required
from eic.core.errors import NotFound
from eic.core.forms import run_and_commit
from eic.core.roles import Role
from eic.core.timeutil import almaty_today
from eic.core.xlsx import xlsx_response
from eic.extensions import db
from eic.referrals import queries as referral_queries
from eic.referrals.permissions import can_coordinate

from . import records
from .forms import DoneForm
from .surveys import OUTCOME_QUESTIONS, SATISFACTION_QUESTIONS

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


# The coordinator's page of the family side: the check-ins that ask for a call, requests to join a peer group and
# the center's families' figures; and the support entries recommended on a case.

@bp.route("/center")
@role_required(Role.COORDINATOR)
def center():
    from . import figures, groups, wellbeing

    year = almaty_today().year
    start, end = _year_bounds(year)
    return render_template("family/center.html", tasks=wellbeing.open_tasks(current_user.center_id),
                           requests=groups.open_requests(current_user.center_id), done_form=DoneForm(formdata=None),
                           row=figures.of_center(current_user.center_id, start=start, end=end), year=year,
                           outcome_questions=OUTCOME_QUESTIONS, satisfaction_questions=SATISFACTION_QUESTIONS,
                           title=_("Families"))


def _year_bounds(year):
    from datetime import datetime

    from eic.core.timeutil import ALMATY

    return (datetime(year, 1, 1, tzinfo=ALMATY), datetime(year + 1, 1, 1, tzinfo=ALMATY))


@bp.route("/center/checkins/<int:checkin_id>/done", methods=["POST"])
@role_required(Role.COORDINATOR)
def checkin_done(checkin_id):
    from . import wellbeing

    task = _or_404(lambda: wellbeing.task_of(checkin_id, current_user))
    form = DoneForm()
    back = request.form.get("back") == "case"
    if not form.validate_on_submit():
        flash(_("Say what was offered to the family."), "error")
    else:
        _or_404(lambda: run_and_commit(lambda: wellbeing.mark_done(checkin_id, note=form.note.data,
                                                                   actor=current_user),
                                       _("The task is done."), reraise=(NotFound,)))
    if back:
        return redirect(url_for("intake.case", referral_id=task.referral_id, _anchor="family"))
    return redirect(url_for("family.center"))


@bp.route("/center/requests/<int:request_id>/<answer>", methods=["POST"])
@role_required(Role.COORDINATOR)
def group_request(request_id, answer):
    from . import groups

    if answer not in ("accept", "decline"):
        abort(404)
    # A full group or a clash (BookingClash is a Conflict) is flashed by run_and_commit, and nothing changes.
    _or_404(lambda: run_and_commit(lambda: groups.decide(request_id, accept=answer == "accept", actor=current_user),
                                   _("The family is in the group.") if answer == "accept"
                                   else _("The request is declined."), reraise=(NotFound,)))
    return redirect(url_for("family.center"))


def _or_404(action):
    try:
        return action()
    except NotFound:
        abort(404)


@bp.route("/cases/<int:referral_id>/recommend", methods=["POST"])
@role_required(Role.COORDINATOR)
def recommend(referral_id):
    from eic.support import services as support

    referral = referral_queries.open_case(current_user, referral_id)
    if not can_coordinate(current_user, referral):
        abort(404)
    entry_id = request.form.get("entry", type=int)
    if entry_id is None:
        flash(_("Choose an entry of the directory."), "error")
    else:
        _or_404(lambda: run_and_commit(lambda: support.recommend(referral, entry_id, actor=current_user),
                                       _("Recommended: the family sees it on their page."), reraise=(NotFound,)))
    return redirect(url_for("intake.case", referral_id=referral.id, _anchor="family"))


@bp.route("/cases/<int:referral_id>/recommendations/<int:recommendation_id>/withdraw", methods=["POST"])
@role_required(Role.COORDINATOR)
def withdraw(referral_id, recommendation_id):
    from eic.support import services as support

    referral = referral_queries.open_case(current_user, referral_id)
    if not can_coordinate(current_user, referral):
        abort(404)
    _or_404(lambda: run_and_commit(lambda: support.withdraw(referral, recommendation_id),
                                   _("The recommendation is taken back."), reraise=(NotFound,)))
    return redirect(url_for("intake.case", referral_id=referral.id, _anchor="family"))
