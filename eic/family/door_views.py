"""The family's door (issue 16): log-in by phone and code, and the family's own page of their children's coming
sessions. Caregivers reach only this blueprint (``caregivers_stay_home``); every other page answers 404."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from eic.core.errors import DomainError, NotFound
from eic.core.forms import apply_errors, run_and_commit
from eic.core.roles import Role
from eic.core.timeutil import utc_now
from eic.extensions import db, limiter

from . import access, answers, groups, practice, surveys, wellbeing
from .forms import CancelForm, CheckinForm, CodeForm, PhoneForm, PracticeForm, SurveyForm

bp = Blueprint("family_door", __name__, template_folder="templates", url_prefix="/family")
UPCOMING_DAYS = 30
# Endpoints a caregiver may reach outside this blueprint: the way out, the language, the home redirect, static files
# and the service's health checks.
OPEN_TO_FAMILIES = {"accounts.logout", "core.set_language", "core.index", "core.static", "core.healthz",
                    "core.readyz", "static"}


def caregivers_stay_home():
    """A caregiver asking for any staff page, file or API address gets 404: what is there is not theirs."""
    if not current_user.is_authenticated or current_user.role is not Role.CAREGIVER:
        return None
    endpoint = request.endpoint or ""
    if endpoint.startswith("family_door.") or endpoint in OPEN_TO_FAMILIES:
        return None
    abort(404)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["EIC_FAMILY_CODE_LIMIT"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.index"))
    form = PhoneForm()
    if form.validate_on_submit():
        try:
            phone = access.request_code(form.phone.data, address=request.remote_addr or "")
        except DomainError as exc:
            db.session.rollback()
            apply_errors(form, exc.fields) if exc.fields else form.phone.errors.append(str(exc.message))
            return render_template("family/login.html", form=form), exc.status
        db.session.commit()
        session["family_phone"] = phone
        return redirect(url_for("family_door.code"))
    return render_template("family/login.html", form=form), 422 if form.errors else 200


@bp.route("/code", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["EIC_FAMILY_CODE_LIMIT"], methods=["POST"])
def code():
    phone = session.get("family_phone")
    if current_user.is_authenticated or not phone:
        return redirect(url_for("core.index") if current_user.is_authenticated else url_for("family_door.login"))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            user = access.check_code(phone, form.code.data)
        except DomainError as exc:
            db.session.commit()  # a wrong try is counted
            form.code.errors.append(str(exc.message))
            return render_template("family/code.html", form=form, phone=phone), exc.status
        db.session.commit()
        session.pop("family_phone", None)
        login_user(user)
        session["login_at"] = session["last_seen"] = utc_now().timestamp()
        if user.locale:
            session["lang"] = user.locale
        return redirect(url_for("family_door.home"))
    return render_template("family/code.html", form=form, phone=phone), 422 if form.errors else 200


@bp.route("/")
def home():
    if (elsewhere := _not_a_caregiver()) is not None:
        return elsewhere
    from eic.support.services import recommended_for
    from eic.therapy.forms import SERVICE_KIND_LABELS, SETTING_LABELS

    children = access.children_of(current_user)
    referrals = access.latest_referrals(children)
    return render_template(
        "family/home.html", children=children, by_child=access.upcoming_sessions(children, days=UPCOMING_DAYS),
        days=UPCOMING_DAYS, title=_("My family"), cancel_form=CancelForm(), practice_form=PracticeForm(),
        plans=access.plans_of(children), practice=practice.plans_to_practise(children),
        referrals=referrals, recommended=recommended_for([r.id for r in referrals.values()]),
        checkin_due=wellbeing.is_due(current_user), last_checkin=wellbeing.last_checkin(current_user),
        surveys_due=surveys.due(current_user), occasions=surveys.OCCASION_LABELS,
        groups=groups.groups_for(current_user), service_labels=SERVICE_KIND_LABELS, setting_labels=SETTING_LABELS,
        explain=wellbeing.explain)


def _not_a_caregiver():
    """Anonymous: to the family's log-in; staff: 404; a caregiver: None (go on)."""
    if not current_user.is_authenticated:
        return redirect(url_for("family_door.login"))
    if current_user.role is not Role.CAREGIVER:
        abort(404)
    return None


@bp.route("/sessions/<int:session_id>/confirm", methods=["POST"])
def confirm(session_id):
    if (elsewhere := _not_a_caregiver()) is not None:
        return elsewhere
    _answer(lambda: answers.confirm(current_user, session_id), _("Thank you: the center knows you will come."))
    return redirect(url_for("family_door.home"))


@bp.route("/sessions/<int:session_id>/cancel", methods=["POST"])
def cancel(session_id):
    if (elsewhere := _not_a_caregiver()) is not None:
        return elsewhere
    try:
        answers.own_session(current_user, session_id)  # another family's session: 404 before anything is read
    except NotFound:
        abort(404)
    form = CancelForm()
    if not form.validate_on_submit():
        flash(_("Please tell the center why."), "error")
        return redirect(url_for("family_door.home"))
    _answer(lambda: answers.cancel(current_user, session_id, reason=form.reason.data),
            _("The session is cancelled and the center is told."))
    return redirect(url_for("family_door.home"))


def _answer(action, message):
    """Run the family's answer; another family's session, or none, is 404 (not "not yours")."""
    try:
        run_and_commit(action, message, reraise=(NotFound,))
    except NotFound:
        abort(404)


@bp.route("/practice/<int:session_id>", methods=["POST"])
def practised(session_id):
    if (elsewhere := _not_a_caregiver()) is not None:
        return elsewhere
    form = PracticeForm()
    if form.validate_on_submit():
        _answer(lambda: practice.tick(current_user, session_id, comment=form.comment.data or ""),
                _("Well done! Your specialist will see it before the next session."))
    else:
        flash(" ".join(str(m) for v in form.errors.values() for m in v), "error")
    return redirect(url_for("family_door.home", _anchor=f"practice-{session_id}"))


@bp.route("/checkin", methods=["GET", "POST"])
def checkin():
    if (elsewhere := _not_a_caregiver()) is not None:
        return elsewhere
    if not wellbeing.is_due(current_user):
        last = wellbeing.last_checkin(current_user)
        if last is None:
            abort(404)
        return render_template("family/checkin_done.html", checkin=last, text=wellbeing.explain(last.score),
                               title=_("How are you?"))
    form = CheckinForm()
    if form.validate_on_submit():
        answers_ = [form.q1.data, form.q2.data, form.q3.data, form.q4.data]
        if run_and_commit(lambda: wellbeing.record(current_user, answers_), None, form=form):
            return redirect(url_for("family_door.checkin"))
    return render_template("family/checkin.html", form=form, title=_("How are you?")), 422 if form.errors else 200


@bp.route("/survey/<int:referral_id>/<occasion>", methods=["GET", "POST"])
def survey(referral_id, occasion):
    if (elsewhere := _not_a_caregiver()) is not None:
        return elsewhere
    pending = {(r.id, o): r for r, o in surveys.due(current_user)}
    referral = pending.get((referral_id, occasion))
    if referral is None:
        access_or_404(referral_id)
        flash(_("Your family has already answered, or the questions are not due yet. Thank you."), "success")
        return redirect(url_for("family_door.home"))
    form = SurveyForm()
    if form.validate_on_submit():
        values = {name: form[name].data for name in surveys.QUESTION_NAMES}
        if run_and_commit(lambda: surveys.answer(current_user, referral_id, occasion, answers=values,
                                                 comment=form.comment.data or ""),
                          _("Thank you. Your answers help the centers work better."), form=form):
            return redirect(url_for("family_door.home"))
    return render_template("family/survey.html", form=form, referral=referral, occasion=occasion,
                           occasions=surveys.OCCASION_LABELS, title=_("Your opinion")), 422 if form.errors else 200


def access_or_404(referral_id):
    try:
        return access.own_referral(current_user, referral_id)
    except NotFound:
        abort(404)


@bp.route("/groups/<int:session_id>/ask", methods=["POST"])
def ask_to_join(session_id):
    if (elsewhere := _not_a_caregiver()) is not None:
        return elsewhere
    _answer(lambda: groups.ask(current_user, session_id),
            _("Your request is sent. The coordinator will tell you the answer."))
    return redirect(url_for("family_door.home", _anchor="groups"))


@bp.route("/support")
def support():
    if (elsewhere := _not_a_caregiver()) is not None:
        return elsewhere
    from eic.support import services as support_services
    from eic.support.forms import CATEGORY_LABELS

    referrals = access.latest_referrals(access.children_of(current_user))
    regions = {r.center.region_id: r.center.region for r in referrals.values()}
    region_id = request.args.get("region", type=int)
    region = regions.get(region_id) or next(iter(regions.values()), None)
    query, category = request.args.get("q", "")[:100], request.args.get("category", "")
    entries = support_services.for_region(region.id, query=query, category=category) if region else []
    support_services.note_visit(current_user)
    db.session.commit()
    return render_template("family/support.html", entries=entries, region=region, regions=list(regions.values()),
                           q=query, category=category, labels=CATEGORY_LABELS, title=_("Where to find support"))
