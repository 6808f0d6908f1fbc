"""``/api/v1/referrals``: create, read, list and move referrals."""
from flask import Blueprint, current_app, g, jsonify, request
from flask_babel import gettext as _

from eic.accounts.api_auth import token_required
from eic.core.api import API_PREFIX, api_error, json_body, run_and_respond
from eic.core.pagination import page_arg, paginate
from eic.core.roles import CHILD_DATA_ROLES, Role
from eic.extensions import csrf

from . import queries, services
from .schemas import referral_json

bp = Blueprint("referrals_api", __name__, url_prefix=API_PREFIX)
csrf.exempt(bp)


@bp.route("/referrals", methods=["POST"])
@token_required(Role.PEDIATRICIAN)
def create():
    """Submit a referral.
    ---
    post:
      summary: Submit a referral (pediatricians)
      description: >-
        Send an Idempotency-Key (up to 64 characters, e.g. a UUID) to make a repeat safe: when the answer was
        lost and the same key is sent again, the referral made the first time is answered (200) and nothing new
        is stored.
      security: [{bearer: []}]
      parameters:
        - {in: header, name: Idempotency-Key, required: false, schema: {type: string, maxLength: 64}}
      requestBody:
        required: true
        content:
          application/json:
            schema: ReferralCreate
      responses:
        200:
          description: The referral made earlier with this Idempotency-Key
          content:
            application/json:
              schema: Referral
        201:
          description: The stored referral, with warnings
          content:
            application/json:
              schema: Referral
        401: {$ref: '#/components/responses/Error401'}
        403: {$ref: '#/components/responses/Error403'}
        409:
          description: "duplicate_referral: the child has an open referral (existing_id when visible)"
          content:
            application/json:
              schema: ErrorSchema
        422: {$ref: '#/components/responses/Error422'}
    """
    data = json_body()
    made = []

    def submit():
        referral = services.submit_referral(data, actor=g.api_user, confirm_warnings=True,
                                            submission_key=request.headers.get("Idempotency-Key"))
        made.append(referral)
        return referral_json(referral, referral.warnings)

    return run_and_respond(submit, lambda: 200 if made[0].repeated else 201)


@bp.route("/referrals/<int:referral_id>")
@token_required(*CHILD_DATA_ROLES)
def read(referral_id):
    """Read one referral.
    ---
    get:
      summary: Read a referral in your scope
      security: [{bearer: []}]
      parameters:
        - {in: path, name: referral_id, required: true, schema: {type: integer}}
      responses:
        200:
          description: The referral
          content:
            application/json:
              schema: Referral
        401: {$ref: '#/components/responses/Error401'}
        403: {$ref: '#/components/responses/Error403'}
        404: {$ref: '#/components/responses/Error404'}
    """
    referral = queries.open_case(g.api_user, referral_id)
    return jsonify(referral_json(referral))


@bp.route("/referrals")
@token_required(*CHILD_DATA_ROLES)
def list_referrals():
    """List referrals in your scope.
    ---
    get:
      summary: List referrals you may see, newest first
      security: [{bearer: []}]
      parameters:
        - {in: query, name: status, schema: {type: string}}
        - {in: query, name: page, schema: {type: integer, minimum: 1}}
      responses:
        200:
          description: One page of referrals
          content:
            application/json:
              schema: ReferralPage
        401: {$ref: '#/components/responses/Error401'}
        403: {$ref: '#/components/responses/Error403'}
    """
    pagination = paginate(queries.referral_list(g.api_user, status=request.args.get("status")), page=page_arg())
    body = {"items": [referral_json(r) for r in pagination.items], "page": pagination.page,
            "pages": pagination.pages, "per_page": current_app.config["EIC_PAGE_SIZE"], "total": pagination.total}
    return jsonify(body)


@bp.route("/referrals/<int:referral_id>/transitions", methods=["POST"])
@token_required(*CHILD_DATA_ROLES)
def transition(referral_id):
    """Apply a status transition.
    ---
    post:
      summary: Accept, decline, redirect, withdraw or close a referral
      security: [{bearer: []}]
      parameters:
        - {in: path, name: referral_id, required: true, schema: {type: integer}}
      requestBody:
        required: true
        content:
          application/json:
            schema: Transition
      responses:
        200:
          description: The referral after the transition (a redirect names the new one in redirected_to_id)
          content:
            application/json:
              schema: Referral
        401: {$ref: '#/components/responses/Error401'}
        403: {$ref: '#/components/responses/Error403'}
        404: {$ref: '#/components/responses/Error404'}
        409: {$ref: '#/components/responses/Error409'}
        422: {$ref: '#/components/responses/Error422'}
    """
    referral = queries.open_case(g.api_user, referral_id)
    data = json_body()
    target = str(data.get("to") or "")
    if target in ("waitlisted", "enrolled"):
        return api_error(409, _("Enrolment and the waitlist follow from assigning a team at the center."),
                         code="invalid_transition")

    def apply():
        services.transition(referral, to=target, actor=g.api_user, reason=str(data.get("reason") or ""),
                            reason_code=data.get("reason_code"), center_code=data.get("center_code"))
        return referral_json(referral)

    return run_and_respond(apply)
