"""The ministry's coverage page: aggregates only."""
from datetime import date, timedelta

from flask import Blueprint, abort, render_template, request

from eic.core.auth import role_required
from eic.core.roles import Role
from eic.core.timeutil import almaty_today
from eic.referrals.validation import parse_int

from . import figures
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
                           today=almaty_today(), suppress=suppress)
