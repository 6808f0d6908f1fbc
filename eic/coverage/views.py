"""The ministry's coverage page: aggregates only."""
import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale

from eic.capacity.figures import TIMELINESS_LABELS, timeliness_targets
from eic.core.auth import role_required
from eic.core.roles import Role
from eic.core.timeutil import almaty_today
from eic.core.validation import parse_int
from eic.core.xlsx import xlsx_response
from eic.therapy.forms import DISCHARGE_LABELS, SETTING_LABELS

from . import exports, published
from .disclosure import HIDDEN
from .tasks import kept_workbooks

bp = Blueprint("coverage", __name__, template_folder="templates", url_prefix="/coverage")


def requested_period() -> tuple[int, int, int]:
    """(year, first month, last month) from ``year`` and ``period`` (``1-11``) or ``from_month``/``to_month``;
    404 on a year outside 2020..now, ``PeriodNotPublished`` on a period that is not two numbers. Defaults to the
    year to date."""
    today = almaty_today()
    default_year, default_first, default_last = published.default_period(today)
    year = parse_int(request.args.get("year") or "") or default_year
    if not 2020 <= year <= today.year:
        abort(404)
    if "period" in request.args:
        match = re.fullmatch(r"(\d{1,2})-(\d{1,2})", request.args["period"])
        if not match:
            raise published.PeriodNotPublished(request.args["period"])
        return year, int(match[1]), int(match[2])
    first_month = parse_int(request.args.get("from_month") or "") or 1
    last_month = parse_int(request.args.get("to_month") or "") or (
        default_last if year == default_year else published.last_complete_month(year, today))
    return year, first_month, last_month


def publication() -> published.Publication:
    """The figures asked for; raises ``PeriodNotPublished``."""
    year, first_month, last_month = requested_period()
    return published.publish(year, first_month, last_month, today=almaty_today())


def period_choices(year: int) -> list[tuple[str, str]]:
    """The periods offered for ``year``: the year to each ended month, the ended quarters and the months."""
    from flask_babel import gettext as _

    from eic.core.i18n import month_name

    last = published.last_complete_month(year, almaty_today())
    choices = [(f"1-{m}", _("January to %(month)s", month=month_name(m)) if m > 1 else month_name(1))
               for m in range(last, 0, -1)]
    choices += [(f"{q}-{q + 2}", _("Quarter %(n)s", n=(q + 2) // 3)) for q in (1, 4, 7, 10) if q + 2 <= last]
    choices += [(f"{m}-{m}", month_name(m)) for m in range(1, last + 1)]
    return choices


def _back_to_the_year_to_date(exc):
    """A period that is not published: say why, and show the year to date."""
    flash(str(exc.message), "error")
    return redirect(url_for("coverage.index"))


@bp.route("/")
@role_required(Role.MINISTRY, Role.ADMIN)
def index():
    from flask_babel import gettext as _

    from eic.core.i18n import localized

    try:
        pub = publication()
    except published.PeriodNotPublished as exc:
        return _back_to_the_year_to_date(exc)
    regions = pub.data["regions"]
    months = pub.months()
    charts = {
        "regions": {"type": "bar", "horizontal": True, "labels": [localized(r, "name") for r in regions],
                    "datasets": [{"label": _("Families served"), "data": [pub.count("served", r.key) for r in regions]},
                                 {"label": _("Target for the period"), "data": [r.target for r in regions]}]},
        "months": {"type": "line", "labels": [f"{pub.year}-{m:02d}" for m, _m in months],
                   "datasets": [{"label": label, "data": [pub.count(measure, period=m) for m in months]}
                                for measure, label in (("referrals", _("Referrals received")),
                                                       ("enrolled", _("Children enrolled")),
                                                       ("served", _("Families served in the month")))]},
    }
    return render_template("coverage/index.html", pub=pub, data=pub.data, first=pub.first, last=pub.last,
                           year=pub.year, today=almaty_today(), months=months, charts=charts,
                           period_choices=period_choices(pub.year), hidden_mark=HIDDEN,
                           timeliness=pub.timeliness, timeliness_labels=TIMELINESS_LABELS,
                           targets=timeliness_targets(), setting_labels=SETTING_LABELS,
                           discharge_labels=DISCHARGE_LABELS, progress=pub.progress, delivery=pub.delivery,
                           need=pub.need_coverage(), weekly_workbooks=kept_workbooks(str(get_locale() or "kk"))[:8],
                           family=_family_figures(pub.first, pub.last, regions))


def _family_figures(first, last, regions) -> dict:
    """The families' figures of the period, by region, suppressed (eic/family/figures.py)."""
    from datetime import datetime, time, timedelta

    from flask_babel import lazy_gettext as _l

    from eic.core.timeutil import ALMATY
    from eic.family import figures as family_figures
    from eic.family.surveys import OUTCOME_QUESTIONS, SATISFACTION_QUESTIONS

    start = datetime.combine(first, time(0), tzinfo=ALMATY)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=ALMATY)
    rows, total = family_figures.by_region(start=start, end=end, regions=regions)
    short = {"knows_rights": _l("Know their rights"), "communicates_needs": _l("Can say what the child needs"),
             "helps_learn": _l("Can help the child learn"), "satisfied": _l("Satisfied"),
             "respected": _l("Felt respected")}
    return {"rows": rows, "total": total, "columns": OUTCOME_QUESTIONS + SATISFACTION_QUESTIONS, "short": short}


@bp.route("/weekly/<name>")
@role_required(Role.MINISTRY, Role.ADMIN)
def weekly(name):
    """A weekly workbook kept by the scheduler (in the database: any web host offers it)."""
    from io import BytesIO

    from flask import send_file

    from eic.jobs import files

    from .tasks import JOB_ID

    kept = files.named(JOB_ID, name)
    if kept is None:
        abort(404)
    return send_file(BytesIO(kept.content), mimetype=kept.media_type, as_attachment=True, download_name=kept.name,
                     last_modified=kept.written_at)


@bp.route("/export.xlsx")
@role_required(Role.MINISTRY, Role.ADMIN)
def export():
    """The coverage report as a workbook: summary, regions, centers, months and timeliness; small counts
    suppressed."""
    try:
        pub = publication()
    except published.PeriodNotPublished as exc:
        return _back_to_the_year_to_date(exc)
    return xlsx_response(f"coverage-{pub.first}-{pub.last}.xlsx", exports.coverage_sheets(pub))
