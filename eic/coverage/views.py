"""The ministry's coverage page: aggregates only."""
from datetime import date, timedelta

from flask import Blueprint, abort, render_template, request
from flask_babel import get_locale

from eic.capacity.figures import TIMELINESS_LABELS, timeliness_targets
from eic.core.auth import role_required
from eic.core.roles import Role
from eic.core.timeutil import almaty_today
from eic.core.validation import parse_int
from eic.core.xlsx import xlsx_response
from eic.therapy.forms import DISCHARGE_LABELS, SETTING_LABELS

from . import exports, figures, outcomes
from .figures import SMALL, suppress
from .tasks import kept_workbooks

bp = Blueprint("coverage", __name__, template_folder="templates", url_prefix="/coverage")


def period_from_request():
    """(first, last, year) from ``year``, ``from_month`` and ``to_month``; 404 on nonsense."""
    today = almaty_today()
    year = parse_int(request.args.get("year") or "") or today.year
    first_month = parse_int(request.args.get("from_month") or "") or 1
    last_month = parse_int(request.args.get("to_month") or "") or 12
    if not (2020 <= year <= today.year and 1 <= first_month <= last_month <= 12):
        abort(404)
    after = date(year + (last_month == 12), last_month % 12 + 1, 1)
    return date(year, first_month, 1), min(after - timedelta(days=1), today), year


@bp.route("/")
@role_required(Role.MINISTRY, Role.ADMIN)
def index():
    from flask_babel import gettext as _

    from eic.core.i18n import localized

    first, last, year = period_from_request()
    data = figures.coverage(first=first, last=last)
    monthly = figures.monthly(first=first, last=last)
    need = figures.public_need_coverage(data["regions"], year=year)
    regions = data["regions"]
    charts = {
        "regions": {"type": "bar", "horizontal": True, "labels": [localized(r, "name") for r in regions],
                    "datasets": [{"label": _("Families served"), "data": [chartable(r.served) for r in regions]},
                                 {"label": _("Target for the period"), "data": [r.target for r in regions]}]},
        "months": {"type": "line", "labels": [m.first.strftime("%Y-%m") for m in monthly],
                   "datasets": [{"label": _("Referrals received"), "data": [chartable(m.referrals) for m in monthly]},
                                {"label": _("Children enrolled"), "data": [chartable(m.enrolled) for m in monthly]},
                                {"label": _("Families served in the month"),
                                 "data": [chartable(m.served) for m in monthly]}]},
    }
    return render_template("coverage/index.html", data=data, first=first, last=last, year=year,
                           today=almaty_today(), suppress=suppress, monthly=monthly, charts=charts,
                           timeliness=figures.timeliness(first=first, last=last),
                           timeliness_labels=TIMELINESS_LABELS, targets=timeliness_targets(),
                           setting_labels=SETTING_LABELS, discharge_labels=DISCHARGE_LABELS,
                           progress=outcomes.progress(first=first, last=last),
                           delivery=outcomes.delivery(first=first, last=last), need=need,
                           weekly_workbooks=kept_workbooks(str(get_locale() or "kk"))[:8])


def chartable(n):
    """A count for a chart: 1 to 4 left out (a gap), as the tables show "<5"."""
    return None if n is not None and 0 < n < SMALL else n


@bp.route("/weekly/<name>")
@role_required(Role.MINISTRY, Role.ADMIN)
def weekly(name):
    """A weekly workbook kept by the scheduler."""
    from flask import send_from_directory

    from .tasks import reports_dir

    if name not in {p.name for p in reports_dir().glob("coverage-*.xlsx")}:
        abort(404)
    return send_from_directory(reports_dir(), name, as_attachment=True)


@bp.route("/export.xlsx")
@role_required(Role.MINISTRY, Role.ADMIN)
def export():
    """The coverage report as a workbook: summary, regions, centers, months and timeliness; small counts
    suppressed."""
    first, last, year = period_from_request()
    return xlsx_response(f"coverage-{first}-{last}.xlsx", exports.coverage_sheets(first, last, year))
