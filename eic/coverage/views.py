"""The ministry's coverage page: aggregates only."""
from datetime import date, timedelta

from flask import Blueprint, abort, render_template, request

from eic.core.auth import role_required
from eic.core.roles import Role
from eic.core.timeutil import almaty_today
from eic.referrals.validation import parse_int

from . import figures, outcomes
from .figures import suppress

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
    first, last, year = period_from_request()
    data = figures.coverage(first=first, last=last)
    return render_template("coverage/index.html", data=data, first=first, last=last, year=year,
                           today=almaty_today(), suppress=suppress,
                           progress=outcomes.progress(first=first, last=last),
                           delivery=outcomes.delivery(first=first, last=last),
                           need=figures.need_coverage(data["regions"], year=year))


@bp.route("/export.xlsx")
@role_required(Role.MINISTRY, Role.ADMIN)
def export():
    """The coverage report as a workbook: summary, regions and centers; small counts suppressed."""
    from flask_babel import gettext as _

    from eic.core.i18n import localized
    from eic.core.xlsx import xlsx_response

    first, last, year = period_from_request()
    data = figures.coverage(first=first, last=last)
    headers = [_("Name"), _("Referrals received"), _("Accepted"), _("Declined"), _("Redirected"),
               _("Children enrolled"), _("Families served"), _("Target for the period")]

    def rows(items):
        for r in items:
            p = r.public()
            yield [localized(r, "name"), p["referrals"], p["accepted"], p["declined"], p["redirected"],
                   p["enrolled"], p["families_served"], r.target]

    widths = [34, 14, 12, 12, 12, 14, 14, 14]
    summary = [[_("From"), first], [_("Until"), last],
               [_("No personal data; any count from 1 to 4 is shown as <5."), ""]]
    return xlsx_response(f"coverage-{first}-{last}.xlsx", [
        (_("Summary"), [_("Coverage"), ""], summary + list(rows([data["national"]])), [40, 16]),
        (_("Regions"), headers, rows(data["regions"]), widths),
        (_("Centers"), headers, rows(data["centers"]), widths),
    ])
