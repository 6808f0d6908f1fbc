"""``GET /api/v1/centers/<code>/capacity``: the figures of a center's capacity page."""
from flask import Blueprint, g, jsonify, request
from flask_babel import gettext as _
from marshmallow import Schema, fields

from eic.accounts.api_auth import token_required
from eic.centers import queries as center_queries
from eic.core.api import API_PREFIX, api_error
from eic.core.roles import Role
from eic.core.timeutil import almaty_today
from eic.core.validation import parse_int
from eic.extensions import csrf

from . import figures
from .served import DEFINITION

bp = Blueprint("capacity_api", __name__, url_prefix=API_PREFIX)
csrf.exempt(bp)


class CapacitySchema(Schema):
    center = fields.String(metadata={"description": "Center code"})
    year = fields.Integer()
    as_of = fields.Date()
    definition = fields.String(metadata={"description": "What counts as a family served"})
    families_served = fields.Integer()
    target = fields.Integer()
    expected_to_date = fields.Integer()
    projected = fields.Integer()
    alert = fields.String(allow_none=True, metadata={"description": "low, high or null"})
    cumulative = fields.List(fields.Dict(), metadata={"description": "Families served since 1 January, by month"})
    waitlist = fields.Dict()
    timeliness = fields.Dict(metadata={"description": "first_contact, plan, first_session: count, median_days, "
                                                      "p90_days, within_target"})
    caseloads = fields.List(fields.Dict(), metadata={"description": "Per specialist (id): active cases, limit"})
    hours = fields.Dict(metadata={"description": "week and month: per specialist and room, available and "
                                                 "booked hours"})


def _loads(items):
    return [{"id": x.key, "available_hours": round(x.available, 2), "booked_hours": round(x.booked, 2)}
            for x in items]


@bp.route("/centers/<code>/capacity")
@token_required(Role.COORDINATOR, Role.ADMIN)
def center_capacity(code):
    """A center's families served against its target, waitlist, timeliness, caseloads and hours.
    ---
    get:
      summary: Capacity of one center (a coordinator, their own center only); no personal data
      security: [{bearer: []}]
      parameters:
        - {in: path, name: code, required: true, schema: {type: string}}
        - {in: query, name: year, schema: {type: integer}}
      responses:
        200: {description: The figures, content: {application/json: {schema: Capacity}}}
        401: {$ref: '#/components/responses/Error401'}
        403: {$ref: '#/components/responses/Error403'}
        404: {$ref: '#/components/responses/Error404'}
    """
    center = center_queries.center_by_code(code)
    if center is None:
        return api_error(404, _("There is no such center."))
    user = g.api_user
    if user.role is Role.COORDINATOR and user.center_id != center.id:
        return api_error(403, _("You do not have permission to do this."))
    today = almaty_today()
    year = parse_int(request.args.get("year") or "") or today.year
    if not 2020 <= year <= today.year + 1:
        return api_error(404, _("There are no figures for this year."))
    data = figures.center_report(center, year, today)
    cap = data["capacity"]
    body = {
        "center": center.code, "year": year, "as_of": today.isoformat(),
        "definition": str(DEFINITION),
        "families_served": cap.served, "target": cap.target, "expected_to_date": cap.expected_to_date,
        "projected": cap.projected, "alert": cap.alert,
        "cumulative": [{"month_end": end.isoformat(), "families_served": n} for end, n in data["cumulative"]],
        "waitlist": data["waitlist"],
        "timeliness": {key: {"count": s.count, "median_days": s.median, "p90_days": s.p90,
                             "within_target": s.within_target} for key, s in data["timeliness"].items()},
        "caseloads": [{"id": s.id, "active_cases": data["caseloads"].get(s.id, 0),
                       "limit": s.effective_caseload_limit} for s in data["staff"]],
        "hours": {period: {"first": data[period][0].isoformat(), "last": data[period][1].isoformat(),
                           "specialists": _loads(data[f"hours_{period}"]["specialists"]),
                           "rooms": _loads(data[f"hours_{period}"]["rooms"])} for period in ("week", "month")},
    }
    return jsonify(body)
