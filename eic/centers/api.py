"""``GET /api/v1/centers``."""
from flask import Blueprint, jsonify
from marshmallow import Schema, fields

from eic.accounts.api_auth import token_required
from eic.core.api import API_PREFIX
from eic.core.roles import Role
from eic.extensions import csrf

from . import queries

bp = Blueprint("centers_api", __name__, url_prefix=API_PREFIX)
csrf.exempt(bp)


class CenterSchema(Schema):
    code = fields.String(metadata={"description": "Center code, e.g. aktobe"})
    city = fields.Dict(keys=fields.String(), values=fields.String(),
                       metadata={"description": "City name by language: kk, ru, en"})
    region_iso = fields.String(metadata={"description": "ISO 3166-2 code of the region, e.g. KZ-15"})
    annual_target_families = fields.Integer()


def center_json(center):
    return {
        "code": center.code,
        "city": {"kk": center.city_kk, "ru": center.city_ru, "en": center.city_en},
        "region_iso": center.region.iso_code,
        "annual_target_families": center.annual_target_families,
    }


@bp.route("/centers")
@token_required(*Role)
def list_centers():
    """List the active centers.
    ---
    get:
      summary: List centers
      security: [{bearer: []}]
      responses:
        200:
          description: The active centers
          content:
            application/json:
              schema:
                type: object
                properties:
                  items: {type: array, items: CenterSchema}
        401: {$ref: '#/components/responses/Error401'}
    """
    items = [center_json(c) for c in queries.centers()]
    return jsonify({"items": items})
