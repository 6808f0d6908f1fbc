"""The capacity workbooks: the center report, the waitlist and the session log.

Each function returns the sheets (title, headers, rows, widths) that ``core.xlsx`` writes; long sheets are
generators. The caller has already decided whose center it is.
"""
from flask_babel import gettext as _

from eic.core.i18n import localized
from eic.core.roles import Role
from eic.extensions import db
from eic.intake import queries as intake_queries
from eic.therapy.forms import ABSENCE_LABELS, SETTING_LABELS
from eic.therapy.queries import session_log as session_log_query

from . import figures
from .served import DEFINITION


def capacity_report(center, year, today, data) -> list:
    """``data`` is ``figures.center_report(center, year, today)``, the same figures the page shows."""
    cap, wait = data["capacity"], data["waitlist"]
    summary = [[_("Center"), localized(center, "city")], [_("Year"), year], [_("As of"), today],
               [_("Families served"), cap.served], [_("Annual target"), cap.target],
               [_("Expected by now (pro rata)"), cap.expected_to_date], [_("Projected by year end"), cap.projected],
               [_("Waiting"), wait["count"]], [_("Median wait (days)"), wait["median"] or ""],
               [_("Longest wait (days)"), wait["longest"] or ""],
               [str(DEFINITION), ""]]
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
    return [
        (_("Summary"), [_("Capacity"), ""], summary, [48, 18]),
        (_("Months"), [_("Month end"), _("Families served since 1 January")], data["cumulative"], [14, 22]),
        (_("Timeliness"), ["", _("Children"), _("Median days"), _("90th percentile"), _("Within the target")],
         timeliness, [30, 12, 14, 14, 14]),
        (_("Caseloads"), [_("Specialist"), _("Active cases"), _("Limit")], caseloads, [30, 14, 10]),
        (_("Specialists' hours"), hour_headers, hour_rows("specialists"), [14, 30, 14, 14, 14]),
        (_("Rooms' hours"), hour_headers, hour_rows("rooms"), [14, 30, 14, 14, 14]),
    ]


def waitlist(center_id, today) -> list:
    """The center's waitlist in order, with days waiting and the open reasons."""
    referrals = intake_queries.waitlist(center_id)
    entries = intake_queries.open_waitlist_entries([r.id for r in referrals])
    rows = ([n, r.child.last_name, r.child.first_name, r.child.birth_on, r.referred_on, (today - r.referred_on).days,
             r.priority, "; ".join(e.reason for e in entries.get(r.id, []))] for n, r in enumerate(referrals, 1))
    headers = [_("Position"), _("Last name"), _("First name"), _("Date of birth"), _("Referred"),
               _("Days since referral"), _("Priority"), _("Reason")]
    return [(_("Waitlist"), headers, rows, [9, 18, 16, 13, 13, 12, 9, 40])]


def session_log(user, first, last) -> list:
    """The sessions of the user's center (a specialist: their own) between two dates, one row each."""
    mine = {"specialist_id": user.id} if user.role is Role.SPECIALIST else {}
    stmt = session_log_query(center_id=user.center_id, first=first, last=last, **mine)
    headers = [_("Session"), _("Starts"), _("Minutes"), _("Specialist"), _("Child"), _("Setting"), _("Room"),
               _("Status"), _("Attendance"), _("Reason")]
    booked, cancelled = _("Booked"), _("Cancelled")
    # Words, not codes: the workbook is read by people, in their language. Each word is translated once per
    # export, not once per row (a lazy string looks its translation up every time it is read).
    attendance = {"attended": _("Attended"), "absent": _("Did not attend")}
    settings = {code: str(label) for code, label in SETTING_LABELS.items()}
    absences = {code: str(label) for code, label in ABSENCE_LABELS.items()}

    def rows():
        for r in db.session.execute(stmt):
            child = " ".join(p for p in (r.last_name, r.first_name, r.patronymic) if p)
            yield [r.id, r.starts_at, int((r.ends_at - r.starts_at).total_seconds() // 60), r.full_name, child,
                   settings.get(r.setting, r.setting), r.name if r.name is not None else r.address,
                   booked if r.is_active else cancelled, attendance.get(r.attendance, ""),
                   absences.get(r.absence_reason, "") if r.absence_reason else ""]

    return [(_("Sessions"), headers, rows(), [9, 17, 9, 26, 26, 10, 18, 12, 11, 18])]
