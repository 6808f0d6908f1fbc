"""The capacity page of a center (its coordinator; administrators for any center) and its drill-downs."""
from datetime import date

from flask import Blueprint, abort, render_template, request
from flask_login import current_user
from sqlalchemy import select

from eic.centers import queries as center_queries
from eic.core.auth import role_required
from eic.core.roles import Role
from eic.core.timeutil import almaty_today
from eic.extensions import db
from eic.intake import queries as intake_queries
from eic.referrals.models import Referral
from eic.referrals.validation import parse_int

from . import figures

bp = Blueprint("capacity", __name__, template_folder="templates", url_prefix="/capacity")


def _center_and_year():
    today = almaty_today()
    year = parse_int(request.args.get("year") or "") or today.year
    if not 2020 <= year <= today.year + 1:
        abort(404)
    if current_user.role is Role.ADMIN:
        center = center_queries.center_by_code(request.args.get("center") or "") or center_queries.centers()[0]
    else:
        center = current_user.center
    return center, year, today


@bp.route("/")
@role_required(Role.COORDINATOR, Role.ADMIN)
def index():
    center, year, today = _center_and_year()
    first, last = date(year, 1, 1), min(date(year, 12, 31), today)
    staff = intake_queries.specialists(center.id)
    return render_template("capacity/index.html", center=center, year=year, today=today,
                           capacity=figures.capacity(center, year=year, today=today),
                           waitlist=figures.waitlist_figures(center.id, today=today),
                           timeliness=figures.timeliness(center.id, first=first, last=last),
                           staff=staff, loads=intake_queries.active_caseloads(center.id),
                           centers=center_queries.centers() if current_user.role is Role.ADMIN else [])


@bp.route("/served")
@role_required(Role.COORDINATOR)
def served():
    """The children behind "families served" (the coordinator's own center only)."""
    center, year, today = _center_and_year()
    child_ids = select(figures.served_children(center.id, date(year, 1, 1), min(date(year, 12, 31), today))
                       .subquery().c.child_id)
    rows = db.session.scalars(select(Referral).where(Referral.center_id == center.id,
                                                     Referral.child_id.in_(child_ids))
                              .order_by(Referral.child_id, Referral.id)).all()
    latest = {}
    for referral in rows:
        latest[referral.child_id] = referral
    return render_template("capacity/served.html", center=center, year=year, referrals=list(latest.values()))


@bp.route("/waitlist.xlsx")
@role_required(Role.COORDINATOR)
def waitlist_export():
    """The center's waitlist in order, with waiting days and reasons."""
    from flask_babel import gettext as _

    from eic.core.xlsx import xlsx_response

    today = almaty_today()
    referrals = intake_queries.waitlist(current_user.center_id)
    entries = intake_queries.open_waitlist_entries([r.id for r in referrals])
    rows = ([n, r.child.last_name, r.child.first_name, r.child.birth_on, r.referred_on, (today - r.referred_on).days,
             r.priority, "; ".join(e.reason for e in entries.get(r.id, []))] for n, r in enumerate(referrals, 1))
    headers = [_("Position"), _("Last name"), _("First name"), _("Date of birth"), _("Referred"),
               _("Days since referral"), _("Priority"), _("Reason")]
    return xlsx_response("waitlist.xlsx", [(_("Waitlist"), headers, rows, [9, 18, 16, 13, 13, 12, 9, 40])])


@bp.route("/sessions.xlsx")
@role_required(Role.COORDINATOR, Role.SPECIALIST)
def sessions_export():
    """The session log of the center (a specialist: their own), for a date range; streamed row by row."""
    from flask_babel import gettext as _

    from eic.core.xlsx import xlsx_response
    from eic.referrals.validation import parse_date
    from eic.therapy.queries import sessions_between

    today = almaty_today()
    first = parse_date(request.args.get("from") or "") or date(today.year, 1, 1)
    last = parse_date(request.args.get("to") or "") or today
    if last < first:
        abort(404)
    mine = {"specialist_id": current_user.id} if current_user.role is Role.SPECIALIST else {}
    stmt = sessions_between(center_id=current_user.center_id, first=first, last=last, include_cancelled=True, **mine)
    headers = [_("Session"), _("Starts"), _("Minutes"), _("Specialist"), _("Child"), _("Setting"), _("Room"),
               _("Status"), _("Attendance"), _("Reason")]

    def rows():
        for s in db.session.scalars(stmt).yield_per(1000):
            yield [s.id, s.starts_at, int((s.ends_at - s.starts_at).total_seconds() // 60), s.specialist.full_name,
                   s.referral.child.full_name if s.referral else "", s.setting, s.room.name if s.room else s.address,
                   _("Booked") if s.is_active else _("Cancelled"), s.attendance or "", s.absence_reason or ""]

    return xlsx_response(f"sessions-{first}-{last}.xlsx", [(_("Sessions"), headers, rows(),
                                                            [9, 17, 9, 26, 26, 10, 18, 12, 11, 18])])
