"""The administrators' audit log: who did what to which record, when, from where; never a child's personal
data (a case is its number). Filtered by user, case, action and dates, paged backwards by id, exported to .xlsx
(itself an audited export)."""
from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _

from eic.core.auth import role_required
from eic.core.roles import Role
from eic.core.validation import parse_date, parse_int
from eic.core.xlsx import xlsx_response

from . import queries
from .labels import ACTION_LABELS, FIELD_LABELS, OUTCOME_LABELS, RECORD_LABELS, VIA_LABELS

bp = Blueprint("audit", __name__, template_folder="templates", url_prefix="/admin/audit")


def filters_from_request() -> tuple[dict, list[str]]:
    """The filters asked for, and messages about the ones that could not be used."""
    problems, filters = [], {}
    email = (request.args.get("user") or "").strip()
    if email:
        actor = queries.actor_by_email(email)
        if actor is None:
            problems.append(_("No account has the e-mail %(email)s.", email=email))
        filters["actor_id"] = actor.id if actor else -1
    filters["referral_id"] = parse_int(request.args.get("case") or "")
    filters["action"] = request.args.get("action") if request.args.get("action") in ACTION_LABELS else None
    filters["first"] = parse_date(request.args.get("from") or "")
    filters["last"] = parse_date(request.args.get("to") or "")
    for name in ("from", "to"):
        if request.args.get(name) and filters["first" if name == "from" else "last"] is None:
            problems.append(_("Enter dates as on the calendar (day, month, year)."))
    return filters, problems


@bp.route("/")
@role_required(Role.ADMIN)
def index():
    filters, problems = filters_from_request()
    rows, next_before = queries.page_of_events(before_id=parse_int(request.args.get("before") or ""), **filters)
    args = {k: v for k, v in request.args.items() if k != "before" and v}
    return render_template("audit/index.html", rows=rows, problems=problems, args=args, actions=ACTION_LABELS,
                           outcomes=OUTCOME_LABELS, vias=VIA_LABELS, records=RECORD_LABELS, field_names=field_names,
                           next_url=url_for("audit.index", before=next_before, **args) if next_before else None,
                           export_url=url_for("audit.export", **args))


EXPORT_LIMIT = 100_000


@bp.route("/export.xlsx")
@role_required(Role.ADMIN)
def export():
    """The filtered log as a workbook (at most EXPORT_LIMIT rows, newest first)."""
    from eic.core.timeutil import ALMATY
    from eic.extensions import db

    filters, _problems = filters_from_request()
    found = db.session.execute(queries.events(limit=EXPORT_LIMIT, **filters)).all()
    headers = [_("When"), _("Who"), _("Role"), _("What"), _("Outcome"), _("Record"), _("Case"), _("Through"),
               _("Rows"), _("Fields"), _("Request")]

    def rows():
        for event, actor in found:
            yield [event.at.astimezone(ALMATY).replace(tzinfo=None), actor.email if actor else "",
                   event.actor_role or "", str(ACTION_LABELS.get(event.action, event.action)),
                   str(OUTCOME_LABELS.get(event.outcome, event.outcome)),
                   f"{RECORD_LABELS.get(event.record_type, event.record_type or '')} {event.record_id or ''}".strip(),
                   event.referral_id or "",
                   str(VIA_LABELS.get(event.via, event.via or "")), event.rows if event.rows is not None else "",
                   ", ".join(field_names(event)), event.request_id or ""]

    return xlsx_response("audit.xlsx", [(_("Audit log"), headers, rows(), [18, 30, 14, 30, 12, 18, 10, 12, 8, 30, 22])])


def field_names(event) -> list[str]:
    """The names of the fields a change touched, in the reader's language (values are not shown here)."""
    return sorted(str(FIELD_LABELS.get(name, name)) for name in (event.detail or {}).get("fields", {}))
