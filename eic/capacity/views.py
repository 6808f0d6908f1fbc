"""The capacity page of a center (its coordinator; administrators for any center) and its drill-downs."""
from datetime import date

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from eic.centers import queries as center_queries
from eic.centers.permissions import can_administer, can_coordinate_center
from eic.core.auth import role_required
from eic.core.roles import Role
from eic.core.timeutil import almaty_today
from eic.core.validation import parse_date, parse_int
from eic.core.xlsx import xlsx_response
from eic.referrals import queries as referral_queries

from . import exports, figures
from .served import DEFINITION

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


def _charts(data: dict) -> dict:
    from flask_babel import gettext as _

    cap = data["capacity"]
    target = cap.target
    labels = [end.strftime("%Y-%m") for end, _n in data["cumulative"]]
    pro_rata = [round(target * ((end - date(data["year"], 1, 1)).days + 1) / 365) for end, _n in data["cumulative"]]
    staff_hours = data["hours_month"]["specialists"]
    return {
        "served": {"type": "line", "labels": labels,
                   "datasets": [{"label": _("Families served"), "data": [n for _end, n in data["cumulative"]]},
                                {"label": _("Expected by now (pro rata)"), "data": pro_rata, "dashed": True}]},
        "hours": {"type": "bar", "horizontal": True, "labels": [x.name for x in staff_hours],
                  "datasets": [{"label": _("Booked hours"), "data": [round(x.booked, 1) for x in staff_hours]},
                               {"label": _("Available hours"), "data": [round(x.available, 1) for x in staff_hours]}]},
    }


@bp.route("/")
@role_required(Role.COORDINATOR, Role.ADMIN)
def index():
    center, year, today = _center_and_year()
    data = figures.center_report(center, year, today)
    return render_template("capacity/index.html", **data, charts=_charts(data), definition=DEFINITION,
                           can_drill=can_coordinate_center(current_user, center.id),
                           timeliness_labels=figures.TIMELINESS_LABELS, targets=figures.timeliness_targets(),
                           centers=center_queries.centers() if can_administer(current_user) else [])


@bp.route("/report.xlsx")
@role_required(Role.COORDINATOR, Role.ADMIN)
def report_export():
    """The center capacity report: summary, months, timeliness, caseloads, and hours of staff and rooms."""
    center, year, today = _center_and_year()
    data = figures.center_report(center, year, today)
    return xlsx_response(f"capacity-{center.code}-{year}.xlsx", exports.capacity_report(center, year, today, data))


@bp.route("/served")
@role_required(Role.COORDINATOR)
def served():
    """The children behind "families served" (the coordinator's own center only)."""
    center, year, today = _center_and_year()
    referrals = figures.served_referrals(center.id, date(year, 1, 1), min(date(year, 12, 31), today))
    return render_template("capacity/served.html", center=center, year=year, referrals=referrals)


@bp.route("/timeliness/<measure>")
@role_required(Role.COORDINATOR)
def timeliness_children(measure):
    """The children behind a timeliness figure (the coordinator's own center only), longest wait first."""
    if measure not in figures.MEASURE_KEYS:
        abort(404)
    center, year, today = _center_and_year()
    rows = figures.timeliness_children(center.id, measure, first=date(year, 1, 1), last=min(date(year, 12, 31), today))
    referrals = referral_queries.referrals_by_id([r[0] for r in rows])
    label = dict(figures.TIMELINESS_LABELS)[measure]
    return render_template("capacity/timeliness.html", center=center, year=year, label=label,
                           rows=[(referrals[rid], days, ok) for rid, days, ok in rows])


@bp.route("/waitlist.xlsx")
@role_required(Role.COORDINATOR)
def waitlist_export():
    """The center's waitlist in order, with waiting days and reasons."""
    return xlsx_response("waitlist.xlsx", exports.waitlist(current_user.center_id, almaty_today()))


@bp.route("/sessions.xlsx")
@role_required(Role.COORDINATOR, Role.SPECIALIST)
def sessions_export():
    """The session log of the center (a specialist: their own), for a date range; streamed row by row."""
    today = almaty_today()
    first = parse_date(request.args.get("from") or "") or date(today.year, 1, 1)
    last = parse_date(request.args.get("to") or "") or today
    if last < first:
        abort(404)
    return xlsx_response(f"sessions-{first}-{last}.xlsx", exports.session_log(current_user, first, last))
