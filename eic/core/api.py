"""The JSON API's one error shape and its OpenAPI document."""
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec_webframeworks.flask import FlaskPlugin
from flask import current_app, jsonify, request
from flask_babel import gettext as _
from marshmallow import Schema
from marshmallow import fields as ma
from werkzeug.exceptions import HTTPException

from eic.extensions import db

from .errors import DomainError

API_PREFIX = "/api/v1"

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
}


class ErrorBodySchema(Schema):
    code = ma.String(required=True, metadata={"description": "Stable machine-readable code"})
    message = ma.String(required=True, metadata={"description": "Message in the caller's language"})
    fields = ma.Dict(
        keys=ma.String(),
        values=ma.List(ma.String()),
        metadata={"description": "Dotted field name (e.g. child.iin) to its messages"},
    )
    existing_id = ma.Integer(metadata={"description": "For duplicate_referral: the open referral"})
    conflicts = ma.List(ma.Dict(), metadata={"description": "For clashes: what clashed"})
    request_id = ma.String(metadata={"description": "For internal_error and unavailable: the id in the logs"})


class ErrorSchema(Schema):
    error = ma.Nested(ErrorBodySchema, required=True)


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX + "/") or request.path == API_PREFIX


def api_error(status: int, message, *, code=None, fields=None, **extra):
    """A JSON error response in the one shape every API failure uses."""
    body = {"code": code or HTTP_CODES.get(status, "error"), "message": str(message)}
    if fields:
        body["fields"] = {name: [str(m) for m in msgs] for name, msgs in fields.items()}
    body.update({k: v for k, v in extra.items() if v is not None})
    return jsonify({"error": body}), status


def domain_error(exc):
    """Roll back and answer a service's DomainError in the one error shape."""
    db.session.rollback()
    return api_error(exc.status, exc.message, code=exc.code, fields=exc.fields, **exc.extra)


def run_and_respond(action, status=200):
    """The API's twin of ``core.forms.run_and_commit``: run ``action`` (a service call that returns the JSON
    body), commit and answer ``status`` (or what ``status()`` says once the action ran); a DomainError rolls
    everything back and answers its status and fields.
    The body is built before the commit, while the records it describes are still loaded."""
    try:
        body = action()
    except DomainError as exc:
        return domain_error(exc)
    db.session.commit()
    return jsonify(body), status() if callable(status) else status


def http_error_messages():
    return {
        400: _("The request is malformed."),
        401: _("Authentication is required: send a valid bearer token."),
        403: _("You do not have permission to do this."),
        404: _("Not found."),
        405: _("This method is not allowed here."),
        413: _("The request is too large."),
        415: _("Send JSON with Content-Type: application/json."),
    }


def api_http_error(exc: HTTPException):
    message = http_error_messages().get(exc.code, exc.description)
    return api_error(exc.code or 500, message)


def json_body() -> dict:
    """The request's JSON object, or a 400/415 in the API's shape via ``abort``."""
    from flask import abort

    if not request.is_json:
        abort(415)
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(400)
    return data


ERROR_RESPONSES = {
    "401": {"description": "No or invalid bearer token", "content": {"application/json": {"schema": "ErrorSchema"}}},
    "403": {"description": "Role not allowed", "content": {"application/json": {"schema": "ErrorSchema"}}},
    "400": {"description": "A request that cannot be answered as asked", "content": {"application/json": {
        "schema": "ErrorSchema"}}},
    "404": {"description": "Missing or outside your scope", "content": {"application/json": {"schema": "ErrorSchema"}}},
    "409": {"description": "Conflicts with current state", "content": {"application/json": {"schema": "ErrorSchema"}}},
    "422": {"description": "Invalid fields", "content": {"application/json": {"schema": "ErrorSchema"}}},
}


def build_openapi(app) -> dict:
    """Generate the OpenAPI 3 document from the API views' docstrings and the marshmallow schemas."""
    spec = APISpec(
        title="EIC platform API",
        version="1.0.0",
        openapi_version="3.0.3",
        plugins=[FlaskPlugin(), MarshmallowPlugin()],
        info={"description": "Referrals and reference data of Kazakhstan's early intervention centers."},
        servers=[{"url": "/"}],
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("ErrorSchema", schema=ErrorSchema)
    for name, response in ERROR_RESPONSES.items():
        spec.components.response(f"Error{name}", response)
    for schema_name, schema in app.extensions.get("eic_api_schemas", {}).items():
        if schema_name not in spec.components.schemas:
            spec.components.schema(schema_name, schema=schema)
    with app.test_request_context():
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if not rule.rule.startswith(API_PREFIX) or rule.endpoint == "core.openapi":
                continue
            view = app.view_functions[rule.endpoint]
            spec.path(view=view, app=app)
    return spec.to_dict()


def register_schemas(app, **schemas):
    """Let a domain add its marshmallow schemas to the OpenAPI components."""
    app.extensions.setdefault("eic_api_schemas", {}).update(schemas)


def openapi_document():
    if "eic_openapi" not in current_app.extensions:
        current_app.extensions["eic_openapi"] = build_openapi(current_app)
    return current_app.extensions["eic_openapi"]
