"""``GET /api/v1/coverage``: the ministry's figures, small counts suppressed."""
from flask import Blueprint, jsonify
from marshmallow import Schema, fields

from eic.accounts.api_auth import token_required
from eic.core.api import API_PREFIX
from eic.core.roles import Role
from eic.extensions import csrf

from . import figures, outcomes
from .views import period_from_request

bp = Blueprint("coverage_api", __name__, url_prefix=API_PREFIX)
csrf.exempt(bp)


class CoverageSchema(Schema):
    first = fields.Date()
    last = fields.Date()
    national = fields.Dict(metadata={"description": "Counts; any count from 1 to 4 is the string <5"})
    regions = fields.List(fields.Dict())
    centers = fields.List(fields.Dict())
    outcomes = fields.Dict(metadata={"description": "Per outcome area: children and the two summary statements"})
    settings_mix = fields.Dict()
    caregiver_support = fields.Dict()
    discharges = fields.Dict()
    satisfaction = fields.Float(allow_none=True)
    coverage_of_need = fields.Dict(metadata={"description": "Families served / estimated at-risk births (a share), "
                                                            "keyed KZ or region ISO code; null where births are not "
                                                            "recorded or the region served fewer than 5 families"})
    months = fields.List(fields.Dict(), metadata={"description": "Referrals, enrolments and families served per "
                                                                 "month"})
    timeliness = fields.Dict(metadata={"description": "Keyed KZ, region ISO code or center code; per measure: "
                                                      "children, median_days, p90_days, within_target"})


@bp.route("/coverage")
@token_required(Role.MINISTRY, Role.ADMIN)
def coverage():
    """National, regional and center coverage.
    ---
    get:
      summary: Referrals, decisions, enrolments and families served against target; no personal data
      security: [{bearer: []}]
      parameters:
        - {in: query, name: year, schema: {type: integer}}
        - {in: query, name: from_month, schema: {type: integer, minimum: 1, maximum: 12}}
        - {in: query, name: to_month, schema: {type: integer, minimum: 1, maximum: 12}}
      responses:
        200: {description: The figures, content: {application/json: {schema: Coverage}}}
        401: {$ref: '#/components/responses/Error401'}
        403: {$ref: '#/components/responses/Error403'}
        404: {$ref: '#/components/responses/Error404'}
    """
    first, last, year = period_from_request()
    data = figures.coverage(first=first, last=last)
    delivered = outcomes.delivery(first=first, last=last)
    body = {"first": first.isoformat(), "last": last.isoformat(), "national": data["national"].public(),
            "regions": [r.public() for r in data["regions"]], "centers": [c.public() for c in data["centers"]],
            "outcomes": {area: {"children": figures.suppress(v["children"]), "ss1": v["ss1"], "ss2": v["ss2"]}
                         for area, v in outcomes.progress(first=first, last=last).items()},
            "settings_mix": {k: figures.suppress(v) for k, v in delivered["settings"].items()},
            "caregiver_support": {"sessions": figures.suppress(delivered["support_sessions"]),
                                  "families": figures.suppress(delivered["support_families"]),
                                  "peer_groups": figures.suppress(delivered["peer_groups"])},
            "discharges": {k: figures.suppress(v) for k, v in delivered["discharges"].items()},
            "satisfaction": delivered["satisfaction"],
            "coverage_of_need": {key: round(share, 4) if share is not None else None
                                 for key, share in figures.public_need_coverage(data["regions"], year=year).items()},
            "months": [m.public() for m in figures.monthly(first=first, last=last)],
            "timeliness": {key: {name: figures.public_spread(spread) for name, spread in values.items()}
                           for key, values in figures.timeliness(first=first, last=last).items()}}
    return jsonify(body)
