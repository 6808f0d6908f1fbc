"""Pages: the referral form, "My referrals", the center's list and a referral's page."""
from uuid import uuid4

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eic.centers import queries as center_queries
from eic.core.auth import role_required
from eic.core.forms import run_and_commit
from eic.core.pagination import paginate
from eic.core.roles import CHILD_DATA_ROLES, Role
from eic.core.timeutil import almaty_today
from eic.core.xlsx import xlsx_response

from . import exports, permissions, queries, services
from .forms import (CONSENT_LABELS, FIELD_MAP, IIN_REASON_LABELS, RELATION_LABELS, ConsentForm, EmergencyAccessForm,
                    IinChangeForm, ReferralForm, WithdrawConsentForm, WithdrawForm)
from .status import Status
from .timeline import ages, timeline

bp = Blueprint("referrals", __name__, template_folder="templates")


def _default_center_code(user):
    center = center_queries.center_for_region(user.polyclinic.region_id if user.polyclinic else None)
    return center.code if center else ""


@bp.route("/referrals/new", methods=["GET", "POST"])
@role_required(Role.PEDIATRICIAN)
def new():
    form = ReferralForm()
    form.fill_choices()
    if request.method == "GET":
        form.center_code.data = _default_center_code(current_user)
        form.consent_given_on.data = almaty_today().isoformat()
        form.submission_key.data = uuid4().hex
    warnings = []
    if form.validate_on_submit():
        sent = []

        def submit():
            sent.append(services.submit_referral(form.payload(), actor=current_user,
                                                 confirm_warnings=form.confirm_warnings.data,
                                                 submission_key=form.submission_key.data))

        try:
            if run_and_commit(submit, None, form=form, field_map=FIELD_MAP,
                              reraise=(services.NeedsConfirmation, services.DuplicateReferral)):
                flash(_("This referral had already been sent; here it is.") if sent[0].repeated
                      else _("The referral was sent to the center."), "success")
                return redirect(url_for("referrals.detail", referral_id=sent[0].id))
            if form.errors:
                flash(_("The referral was not saved: please correct the marked fields."), "error")
        except services.NeedsConfirmation as exc:
            warnings = [str(m) for msgs in exc.fields.values() for m in msgs]
        except services.DuplicateReferral as exc:
            return render_template("referrals/new.html", form=form, warnings=[], duplicate=exc), 409
    return render_template("referrals/new.html", form=form, warnings=warnings, duplicate=None,
                           icd10=center_queries.icd10_categories())


@bp.route("/referrals/mine")
@role_required(Role.PEDIATRICIAN)
def mine():
    status = request.args.get("status") or None
    pagination = paginate(queries.referral_list(current_user, status=status, search=request.args.get("q")))
    return render_template("referrals/mine.html", pagination=pagination, status=status, statuses=Status)


@bp.route("/referrals")
@role_required(Role.COORDINATOR, Role.SPECIALIST)
def index():
    status = request.args.get("status") or None
    pagination = paginate(queries.referral_list(current_user, status=status, search=request.args.get("q")))
    return render_template("referrals/index.html", pagination=pagination, status=status, statuses=Status)


@bp.route("/referrals/<int:referral_id>")
@role_required(*CHILD_DATA_ROLES)
def detail(referral_id):
    referral = queries.open_case(current_user, referral_id)
    return _detail_page(referral)


def _detail_page(referral, iin_form=None, withdraw_form=None, consent_form=None, withdraw_consent_form=None):
    from eic.audit import queries as audit_queries
    from eic.audit.labels import ACTION_LABELS

    from .consent import history as consent_history

    today = almaty_today()
    can_coordinate = permissions.can_coordinate(current_user, referral)
    return render_template("referrals/detail.html", referral=referral, steps=timeline(referral),
                           ages=ages(referral.child, today), history=queries.history(referral),
                           relation_labels=RELATION_LABELS, withdraw_form=withdraw_form or WithdrawForm(formdata=None),
                           can_withdraw=permissions.can_transition(current_user, referral, Status.WITHDRAWN)
                           and referral.status in (Status.SUBMITTED, Status.ACCEPTED, Status.WAITLISTED),
                           can_coordinate=can_coordinate,
                           iin_form=iin_form or IinChangeForm(), iin_reasons=IIN_REASON_LABELS,
                           iin_history=queries.iin_history(referral.child_id),
                           looks=audit_queries.who_opened(referral.id) if can_coordinate else None,
                           action_labels=ACTION_LABELS, consents=consent_history(referral.child_id),
                           consent_labels=CONSENT_LABELS,
                           consent_form=consent_form or ConsentForm(formdata=None, given_on=today.isoformat()),
                           withdraw_consent_form=withdraw_consent_form or WithdrawConsentForm(
                               formdata=None, on=today.isoformat()))


@bp.route("/referrals/<int:referral_id>/letter/<lang>")
@role_required(*CHILD_DATA_ROLES)
def letter(referral_id, lang):
    """The referral letter to print and sign, in Kazakh, Russian or English: for the family in their language
    and for the polyclinic's file in its own."""
    from flask import abort, current_app
    from flask_babel import force_locale

    if lang not in current_app.config["EIC_LANGUAGES"]:
        abort(404)
    referral = queries.open_case(current_user, referral_id, via="print")
    with force_locale(lang):
        return render_template("referrals/letter.html", referral=referral, letter_locale=lang,
                               relation_labels=RELATION_LABELS, today=almaty_today(),
                               icd10=center_queries.icd10_names([d.code for d in referral.diagnoses]))


@bp.route("/referrals/<int:referral_id>/iin", methods=["POST"])
@role_required(Role.COORDINATOR)
def change_iin(referral_id):
    """Correct or replace the child's IIN (the coordinator of the referral's center), with its history."""
    referral = queries.open_case(current_user, referral_id)
    form = IinChangeForm()
    if form.validate_on_submit():
        changed = run_and_commit(
            lambda: services.change_iin(referral, new_iin=form.new_iin.data, reason_code=form.reason_code.data,
                                        reason=form.reason.data, confirm_mismatch=form.confirm_mismatch.data,
                                        actor=current_user),
            _("The IIN was changed; the old number is kept in the history."), form=form)
        if not changed and form.errors:
            return _detail_page(referral, iin_form=form), 422
    return redirect(url_for("referrals.detail", referral_id=referral.id))


@bp.route("/referrals/<int:referral_id>/withdraw", methods=["POST"])
@role_required(Role.PEDIATRICIAN, Role.COORDINATOR)
def withdraw(referral_id):
    referral = queries.open_case(current_user, referral_id)
    form = WithdrawForm()
    if not form.validate_on_submit():
        # Nothing is withdrawn without its reason and a ticked confirmation; the page says what is missing.
        return _detail_page(referral, withdraw_form=form), 422
    if not run_and_commit(lambda: services.transition(referral, to=Status.WITHDRAWN, actor=current_user,
                                                      reason=form.reason.data),
                          _("The referral was withdrawn."), form=form) and form.errors:
        return _detail_page(referral, withdraw_form=form), 422
    return redirect(url_for("referrals.detail", referral_id=referral.id))


@bp.route("/referrals/<int:referral_id>/consents", methods=["POST"])
@role_required(Role.COORDINATOR)
def record_consent(referral_id):
    """An optional consent given later (text reminders, anonymised statistics)."""
    from eic.core.validation import parse_date

    from . import consent

    referral = queries.open_case(current_user, referral_id)
    form = ConsentForm()
    if form.validate_on_submit() and run_and_commit(
            lambda: consent.record_consent(referral, kind=form.kind.data, given_by=form.given_by.data,
                                           given_on=parse_date(form.given_on.data), form_version=form.form_version.data,
                                           actor=current_user, today=almaty_today()),
            _("The consent is recorded."), form=form):
        return redirect(url_for("referrals.detail", referral_id=referral.id))
    return _detail_page(referral, consent_form=form), 422


@bp.route("/referrals/<int:referral_id>/consents/withdraw", methods=["POST"])
@role_required(Role.COORDINATOR)
def withdraw_consent(referral_id):
    """A consent withdrawn; the referral's or the records' closes the case."""
    from eic.core.validation import parse_date

    from . import consent

    referral = queries.open_case(current_user, referral_id)
    form = WithdrawConsentForm()
    if form.validate_on_submit() and run_and_commit(
            lambda: consent.withdraw_consent(referral, kind=form.withdrawn_kind.data, on=parse_date(form.on.data),
                                             note=form.note.data, actor=current_user, today=almaty_today()),
            _("The withdrawal is recorded."), form=form, field_map={"kind": "withdrawn_kind"}):
        return redirect(url_for("referrals.detail", referral_id=referral.id))
    return _detail_page(referral, withdraw_consent_form=form), 422


@bp.route("/referrals/<int:referral_id>/emergency-access", methods=["GET", "POST"])
@role_required(Role.SPECIALIST)
def emergency_access(referral_id):
    """Break the glass: a specialist covering for a colleague opens a case of their center that is not on their
    team, for today, after saying why; the coordinator is told and the access is in the audit trail."""
    referral = queries.own_center_case_or_404(current_user, referral_id)
    if permissions.can_view(current_user, referral):
        return redirect(url_for("intake.case", referral_id=referral.id))
    form = EmergencyAccessForm()
    if form.validate_on_submit() and run_and_commit(
            lambda: services.break_the_glass(referral, actor=current_user, reason=form.reason.data),
            _("You may open this record until the end of today. Your coordinator has been told."), form=form):
        return redirect(url_for("intake.case", referral_id=referral.id))
    return render_template("referrals/emergency_access.html", form=form, referral_id=referral.id), \
        422 if form.errors else 200


@bp.route("/referrals/export.xlsx")
@role_required(*CHILD_DATA_ROLES)
def export():
    """The referrals the user may see, as a workbook (dates as real dates)."""
    sheets = exports.referrals(current_user, status=request.args.get("status") or None, search=request.args.get("q"))
    return xlsx_response("referrals.xlsx", sheets)
