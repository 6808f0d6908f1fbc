"""Read endpoints of the rollout: equipment lines, budget, training progress (aggregates, no names)."""
from flask import Blueprint, g, jsonify, request
from marshmallow import Schema, fields

from eic.accounts.api_auth import token_required
from eic.centers import queries as center_queries
from eic.core.api import API_PREFIX
from eic.core.roles import Role
from eic.core.timeutil import almaty_today
from eic.core.validation import parse_int
from eic.extensions import csrf

from . import figures, queries
from .permissions import center_filter

bp = Blueprint("rollout_api", __name__, url_prefix=API_PREFIX + "/rollout")
csrf.exempt(bp)


class EquipmentLineSchema(Schema):
    id = fields.Integer()
    center = fields.String(metadata={"description": "Center code"})
    item = fields.String(metadata={"description": "Catalogue code"})
    programme_year = fields.Integer()
    quantity = fields.Integer()
    unit_price = fields.Integer(metadata={"description": "Whole tenge"})
    amount = fields.Integer(metadata={"description": "Whole tenge"})
    source = fields.String(metadata={"enum": ["samruk_kazyna", "kamkorlyk", "akimat", "other"]})
    stage = fields.String(metadata={"enum": ["planned", "ordered", "delivered", "installed", "commissioned"]})
    expected_delivery_on = fields.Date(allow_none=True)
    steps = fields.List(fields.Dict(), metadata={"description": "stage, on, document"})


class RolloutBudgetSchema(Schema):
    year = fields.Integer()
    programme = fields.Dict(metadata={"description": "Programme budget by source, whole tenge"})
    by_source = fields.Dict(metadata={"description": "planned, committed, spent by source"})
    by_center = fields.Dict(metadata={"description": "planned, committed, spent by center code"})
    total = fields.Dict()


class TrainingProgressSchema(Schema):
    target = fields.Integer()
    trained = fields.Integer()
    staff = fields.Integer()
    by_center = fields.Dict(metadata={"description": "center code: trained, staff"})
    by_discipline = fields.Dict(metadata={"description": "discipline code: trained, staff"})


@bp.route("/equipment")
@token_required(Role.FOUNDATION, Role.COORDINATOR)
def equipment():
    """Equipment allocation lines (a coordinator: their own center's).
    ---
    get:
      summary: Equipment lines with their pipeline steps
      security: [{bearer: []}]
      parameters:
        - {in: query, name: year, schema: {type: integer}}
      responses:
        200: {description: The lines, content: {application/json: {schema: {type: array, items: EquipmentLine}}}}
        401: {$ref: '#/components/responses/Error401'}
        403: {$ref: '#/components/responses/Error403'}
    """
    lines = queries.lines_with_steps(g.api_user, year=parse_int(request.args.get("year") or ""))
    body = [{"id": line.id, "center": line.center.code, "item": line.item.code, "programme_year": line.programme_year,
             "quantity": line.quantity, "unit_price": line.unit_price, "amount": line.amount, "source": line.source,
             "stage": line.stage,
             "expected_delivery_on": line.expected_delivery_on.isoformat() if line.expected_delivery_on else None,
             "steps": [{"stage": s.stage, "on": s.on.isoformat(), "document": s.document} for s in line.steps]}
            for line in lines]
    return jsonify(body)


@bp.route("/budget")
@token_required(Role.FOUNDATION, Role.MINISTRY)
def budget():
    """The programme budget of a year against what is planned, committed and spent.
    ---
    get:
      summary: Budget by source and by center, whole tenge
      security: [{bearer: []}]
      parameters:
        - {in: query, name: year, schema: {type: integer}}
      responses:
        200: {description: The sums, content: {application/json: {schema: RolloutBudget}}}
        401: {$ref: '#/components/responses/Error401'}
        403: {$ref: '#/components/responses/Error403'}
    """
    year = parse_int(request.args.get("year") or "") or almaty_today().year
    money = figures.budget(year)
    codes = {c.id: c.code for c in money.centers}

    def as_dict(m):
        return {"planned": m.planned, "committed": m.committed, "spent": m.spent}

    body = {"year": year, "programme": money.programme,
            "by_source": {s: as_dict(m) for s, m in money.by_source.items()},
            "by_center": {codes[cid]: as_dict(m) for cid, m in money.by_center.items() if cid in codes},
            "total": as_dict(money.total)}
    return jsonify(body)


@bp.route("/training")
@token_required(Role.FOUNDATION, Role.MINISTRY, Role.COORDINATOR)
def training():
    """Specialists trained against the target, per center and discipline (a coordinator: their own center).
    ---
    get:
      summary: Training progress (counts only)
      security: [{bearer: []}]
      responses:
        200: {description: The counts, content: {application/json: {schema: TrainingProgress}}}
        401: {$ref: '#/components/responses/Error401'}
        403: {$ref: '#/components/responses/Error403'}
    """
    progress = figures.progress(almaty_today(), center_filter(g.api_user))
    codes = center_queries.center_codes()
    body = {"target": progress.target, "trained": progress.trained, "staff": progress.staff,
            "by_center": {codes[cid]: {"trained": t, "staff": n} for cid, (t, n) in progress.by_center.items()},
            "by_discipline": {code: {"trained": t, "staff": n} for code, (t, n) in progress.by_discipline.items()}}
    return jsonify(body)
