"""The capacity page of a center (its coordinator; administrators for any center) and its drill-downs."""
from datetime import date

from flask import Blueprint, abort, render_template, request
from flask_login import current_user
from sqlalchemy import select

from eic.centers import queries as center_queries
from eic.core.auth import role_required
from eic.core.roles import Role
from eic.core.timeutil import almaty_today
from eic.core.validation import parse_int
from eic.extensions import db
from eic.intake import queries as intake_queries
from eic.referrals.models import Referral

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
    return render_template("capacity/index.html", **data, charts=_charts(data),
                           timeliness_labels=figures.TIMELINESS_LABELS, targets=figures.timeliness_targets(),
                           centers=center_queries.centers() if current_user.role is Role.ADMIN else [])


@bp.route("/report.xlsx")
@role_required(Role.COORDINATOR, Role.ADMIN)
def report_export():
    """The center capacity report: summary, months, timeliness, caseloads, and hours of staff and rooms."""
    from flask_babel import gettext as _

    from eic.core.i18n import localized
    from eic.core.xlsx import xlsx_response

    center, year, today = _center_and_year()
    data = figures.center_report(center, year, today)
    cap, wait = data["capacity"], data["waitlist"]
    summary = [[_("Center"), localized(center, "city")], [_("Year"), year], [_("As of"), today],
               [_("Families served"), cap.served], [_("Annual target"), cap.target],
               [_("Expected by now (pro rata)"), cap.expected_to_date], [_("Projected by year end"), cap.projected],
               [_("Waiting"), wait["count"]], [_("Median wait (days)"), wait["median"] or ""],
               [_("Longest wait (days)"), wait["longest"] or ""],
               [_("Families served: distinct children enrolled at the center during the year, or with at least "
                  "one attended session at the center during the year."), ""]]
    timeliness = [[str(label), s.count, s.median if s.median is not None else "", s.p90 if s.p90 is not None else "",
                   round(s.within_target, 3) if s.within_target is not None else ""]
                  for key, label in figures.TIMELINESS_LABELS for s in [data["timeliness"][key]]]
    caseloads = [[s.full_name, data["caseloads"].get(s.id, 0), s.effective_caseload_limit] for s in data["staff"]]

    def hour_rows(kind):
        for period, key in ((_("This week"), "hours_week"), (_("This month"), "hours_month")):
            for x in data[key][kind]:
                yield [str(period), x.name, round(x.available, 2), round(x.booked, 2),
                       round(x.share, 3) if x.share is not None else ""]

    hour_headers = [_("Period"), _("Name"), _("Available hours"), _("Booked hours"), _("Share booked")]
    return xlsx_response(f"capacity-{center.code}-{year}.xlsx", [
        (_("Summary"), [_("Capacity"), ""], summary, [48, 18]),
        (_("Months"), [_("Month end"), _("Families served since 1 January")], data["cumulative"], [14, 22]),
        (_("Timeliness"), ["", _("Children"), _("Median days"), _("90th percentile"), _("Within the target")],
         timeliness, [30, 12, 14, 14, 14]),
        (_("Caseloads"), [_("Specialist"), _("Active cases"), _("Limit")], caseloads, [30, 14, 10]),
        (_("Specialists' hours"), hour_headers, hour_rows("specialists"), [14, 30, 14, 14, 14]),
        (_("Rooms' hours"), hour_headers, hour_rows("rooms"), [14, 30, 14, 14, 14]),
    ])


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


@bp.route("/timeliness/<measure>")
@role_required(Role.COORDINATOR)
def timeliness_children(measure):
    """The children behind a timeliness figure (the coordinator's own center only), longest wait first."""
    if measure not in figures.MEASURE_KEYS:
        abort(404)
    center, year, today = _center_and_year()
    rows = figures.timeliness_children(center.id, measure, first=date(year, 1, 1), last=min(date(year, 12, 31), today))
    referrals = {r.id: r for r in db.session.scalars(select(Referral).where(Referral.id.in_([r[0] for r in rows])))}
    label = dict(figures.TIMELINESS_LABELS)[measure]
    return render_template("capacity/timeliness.html", center=center, year=year, label=label,
                           rows=[(referrals[rid], days, ok) for rid, days, ok in rows])


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

    from eic.core.validation import parse_date
    from eic.core.xlsx import xlsx_response
    from eic.therapy.queries import session_log

    today = almaty_today()
    first = parse_date(request.args.get("from") or "") or date(today.year, 1, 1)
    last = parse_date(request.args.get("to") or "") or today
    if last < first:
        abort(404)
    mine = {"specialist_id": current_user.id} if current_user.role is Role.SPECIALIST else {}
    stmt = session_log(center_id=current_user.center_id, first=first, last=last, **mine)
    headers = [_("Session"), _("Starts"), _("Minutes"), _("Specialist"), _("Child"), _("Setting"), _("Room"),
               _("Status"), _("Attendance"), _("Reason")]
    booked, cancelled = _("Booked"), _("Cancelled")

    def rows():
        for r in db.session.execute(stmt):
            child = " ".join(p for p in (r.last_name, r.first_name, r.patronymic) if p)
            yield [r.id, r.starts_at, int((r.ends_at - r.starts_at).total_seconds() // 60), r.full_name, child,
                   r.setting, r.name if r.name is not None else r.address, booked if r.is_active else cancelled,
                   r.attendance or "", r.absence_reason or ""]

    return xlsx_response(f"sessions-{first}-{last}.xlsx", [(_("Sessions"), headers, rows(),
                                                            [9, 17, 9, 26, 26, 10, 18, 12, 11, 18])])
