"""The sessions API's shapes (OpenAPI) and serialisation."""
from marshmallow import Schema, fields, validate

from .models import ABSENCE_REASONS, SETTINGS


class SessionSchema(Schema):
    id = fields.Integer()
    center_code = fields.Function(lambda s: s.center_code)
    specialist_id = fields.Integer()
    specialist_name = fields.Function(lambda s: s.specialist.full_name)
    room_id = fields.Integer(allow_none=True)
    referral_id = fields.Integer(allow_none=True)
    series_id = fields.Integer(allow_none=True)
    setting = fields.String(validate=validate.OneOf(SETTINGS))
    address = fields.String()
    starts_at = fields.DateTime(metadata={"description": "UTC"})
    ends_at = fields.DateTime()
    is_active = fields.Boolean()
    cancel_reason = fields.String()
    attendance = fields.String(allow_none=True, validate=validate.OneOf(["attended", "absent"]))
    absence_reason = fields.String(allow_none=True, validate=validate.OneOf(ABSENCE_REASONS))


class SessionPageSchema(Schema):
    items = fields.List(fields.Nested(SessionSchema))


class BookingSchema(Schema):
    specialist_id = fields.Integer(required=True)
    referral_id = fields.Integer(required=True)
    room_id = fields.Integer(metadata={"description": "Not for home visits or remote sessions"})
    setting = fields.String(load_default="center", validate=validate.OneOf(SETTINGS))
    start_on = fields.Date(required=True)
    at = fields.String(required=True, metadata={"description": "HH:MM, Almaty time", "example": "10:00"})
    minutes = fields.Integer(required=True, validate=validate.Range(10, 240))
    weekdays = fields.List(fields.Integer(validate=validate.Range(0, 6)),
                           metadata={"description": "0 = Monday; omit for a single session"})
    until_on = fields.Date()
    count = fields.Integer(metadata={"description": "Number of sessions; 1 for a single session"})
    skip_dates = fields.List(fields.Date())
    travel_minutes = fields.Integer(metadata={"description": "Home visits: travel before and after (default 30)"})


class MoveSchema(Schema):
    on = fields.Date(required=True)
    at = fields.String(required=True, metadata={"example": "11:30"})
    minutes = fields.Integer()
    room_id = fields.Integer()


class CancelSchema(Schema):
    reason = fields.String(required=True)


class AttendanceSchema(Schema):
    attended = fields.Boolean(required=True)
    reason = fields.String(validate=validate.OneOf(ABSENCE_REASONS))


OPENAPI_SCHEMAS = {"Session": SessionSchema, "SessionPage": SessionPageSchema, "Booking": BookingSchema,
                   "Move": MoveSchema, "Cancel": CancelSchema, "Attendance": AttendanceSchema}


def session_json(session) -> dict:
    return SessionSchema().dump(session)


BUSY_FIELDS = ("id", "center_code", "specialist_id", "room_id", "starts_at", "ends_at", "is_active")


def busy_json(session) -> dict:
    """A session the caller may not open (another team's child): when and where someone is busy, nothing about
    the child (no case, no address, no attendance)."""
    body = SessionSchema(only=BUSY_FIELDS).dump(session)
    body["busy"] = True
    return body


class GoalSchema(Schema):
    id = fields.Integer()
    kind = fields.String(validate=validate.OneOf(["child", "family"]))
    domain = fields.String()
    description = fields.String()
    criterion = fields.String()
    target_on = fields.Date()
    baseline_gas = fields.Integer(validate=validate.Range(-2, 2))


class PlanServiceSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    discipline = fields.Function(lambda s: s.discipline.code if s.discipline else None)
    specialist_id = fields.Integer(allow_none=True)
    frequency = fields.Integer()
    per = fields.String(validate=validate.OneOf(["week", "month"]))
    minutes = fields.Integer()
    mode = fields.String()
    setting = fields.String(validate=validate.OneOf(SETTINGS))
    setting_reason = fields.String()
    starts_on = fields.Date()
    ends_on = fields.Date()
    is_refused = fields.Boolean()


class ReviewSchema(Schema):
    reviewed_on = fields.Date()
    notes = fields.String()
    ratings = fields.Function(lambda r: {str(x.goal_id): x.gas for x in r.ratings})


class PlanSchema(Schema):
    id = fields.Integer()
    referral_id = fields.Integer()
    version = fields.Integer()
    starts_on = fields.Date()
    agreed_by = fields.String()
    agreed_on = fields.Date(allow_none=True)
    review_interval_months = fields.Integer()
    next_review_on = fields.Date()
    goals = fields.List(fields.Nested(GoalSchema))
    services = fields.List(fields.Nested(PlanServiceSchema))
    reviews = fields.List(fields.Nested(ReviewSchema))


OPENAPI_SCHEMAS["Plan"] = PlanSchema
