"""``GET /api/v1/coverage``: the ministry's figures, small counts and the counts that give them away hidden."""
from flask import Blueprint, jsonify
from marshmallow import Schema, fields

from eic.accounts.api_auth import token_required
from eic.core.api import API_PREFIX, api_error
from eic.core.roles import Role
from eic.extensions import csrf

from . import figures, published
from .disclosure import HIDDEN
from .views import publication

bp = Blueprint("coverage_api", __name__, url_prefix=API_PREFIX)
csrf.exempt(bp)


class CoverageSchema(Schema):
    first = fields.Date()
    last = fields.Date()
    hidden_mark = fields.String(metadata={"description": "The value of a hidden count: x"})
    national = fields.Dict(metadata={"description": "Counts; a hidden count (1 to 4, or one that would give such a "
                                                    "count away by subtraction) is the string x"})
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
        - {in: query, name: to_month, schema: {type: integer, minimum: 1, maximum: 12},
           description: "Months that have ended: from January (the year to date), a quarter or one month"}
      responses:
        200: {description: The figures, content: {application/json: {schema: Coverage}}}
        400: {$ref: '#/components/responses/Error400'}
        401: {$ref: '#/components/responses/Error401'}
        403: {$ref: '#/components/responses/Error403'}
        404: {$ref: '#/components/responses/Error404'}
    """
    try:
        pub = publication()
    except published.PeriodNotPublished as exc:
        return api_error(400, exc.message, code="period_not_published")
    data, delivered = pub.data, pub.delivery
    body = {"first": pub.first.isoformat(), "last": pub.last.isoformat(), "hidden_mark": HIDDEN,
            "national": pub.row(data["national"]), "regions": [pub.row(r) for r in data["regions"]],
            "centers": [pub.row(c) for c in data["centers"]],
            "outcomes": {area: {"children": pub.show(f"outcome:{area}"), "ss1": v["ss1"], "ss2": v["ss2"]}
                         for area, v in pub.progress.items()},
            "settings_mix": {k: pub.show(f"setting:{k}") for k in pub.settings},
            "caregiver_support": {"sessions": pub.show("support_sessions"), "families": pub.show("support_families"),
                                  "peer_groups": pub.show("peer_groups")},
            "discharges": {k: pub.show(f"discharge:{k}") for k in pub.discharge_reasons},
            "satisfaction": delivered["satisfaction"],
            "coverage_of_need": {key: round(share, 4) if share is not None else None
                                 for key, share in pub.need_coverage().items()},
            "months": [{"month": f"{pub.year}-{m:02d}", "referrals": pub.show("referrals", period=(m, m2)),
                        "enrolled": pub.show("enrolled", period=(m, m2)),
                        "families_served": pub.show("served", period=(m, m2))} for m, m2 in pub.months()],
            "timeliness": {row.key: {name: figures.public_spread(spread, pub.show(f"timeliness:{name}", row.key))
                                     for name, spread in pub.timeliness[row.key].items()}
                           for row in [data["national"], *data["regions"], *data["centers"]]}}
    return jsonify(body)
