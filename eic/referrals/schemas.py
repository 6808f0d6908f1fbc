"""The API's shapes: marshmallow schemas that serialise responses and document requests (OpenAPI)."""
from marshmallow import Schema, fields, validate

from .status import DeclineReason, Status
from .validation import LANGUAGES, RELATIONS


class ChildSchema(Schema):
    iin = fields.String(required=True, metadata={
        "description": "12-digit IIN with a valid check digit", "example": "230415600127"})
    last_name = fields.String(required=True)
    first_name = fields.String(required=True)
    patronymic = fields.String(load_default="")
    birth_date = fields.Date(required=True, attribute="birth_on", data_key="birth_date",
                             metadata={"description": "YYYY-MM-DD; the child is under 3 on the referral date"})
    sex = fields.String(required=True, validate=validate.OneOf(["F", "M"]))
    gestational_age_weeks = fields.Integer(allow_none=True, validate=validate.Range(22, 44))
    birth_weight_g = fields.Integer(allow_none=True, validate=validate.Range(300, 6000))
    address = fields.String(required=True)
    district = fields.String(load_default="")


class CaregiverSchema(Schema):
    full_name = fields.String(required=True)
    relation = fields.String(required=True, validate=validate.OneOf(RELATIONS))
    phone = fields.String(required=True, metadata={"description": "A Kazakhstan number; stored as +7XXXXXXXXXX"})
    preferred_language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))


class ConsentSchema(Schema):
    given_by = fields.String(required=True, attribute="consent_given_by", data_key="given_by")
    given_on = fields.Date(required=True, attribute="consent_given_on", data_key="given_on")
    sms = fields.Boolean(load_default=False, metadata={"description": "Text-message reminders agreed (optional)"})
    statistics = fields.Boolean(load_default=False,
                                metadata={"description": "Use in anonymised statistics agreed (optional)"})
    form = fields.String(metadata={"description": "The consent form's version (default: the platform's)"})


class ReferralCreateSchema(Schema):
    child = fields.Nested(ChildSchema, required=True)
    caregiver = fields.Nested(CaregiverSchema, required=True)
    center_code = fields.String(metadata={"description": "Defaults to the center of the pediatrician's region"})
    icd10_codes = fields.List(fields.String(), metadata={
        "description": "WHO ICD-10 2019 codes in the eligibility categories; with risk_factors, at least one"})
    risk_factors = fields.List(fields.String(), metadata={"description": "Codes of the risk-factor list"})
    notes = fields.String()
    consent = fields.Nested(ConsentSchema, required=True)


class WarningSchema(Schema):
    field = fields.String()
    code = fields.String(validate=validate.OneOf(["iin_birth_date_mismatch", "iin_sex_mismatch"]))
    message = fields.String()


class HistorySchema(Schema):
    from_status = fields.String(attribute="from_status.value", data_key="from", allow_none=True)
    to_status = fields.String(attribute="to_status.value", data_key="to")
    on = fields.Date()
    at = fields.DateTime()
    reason_code = fields.String(allow_none=True)
    reason = fields.String()


class TimelineSchema(Schema):
    referred_on = fields.Date()
    accepted_on = fields.Date(allow_none=True)
    first_contact_on = fields.Date(allow_none=True)
    assessed_on = fields.Date(allow_none=True)
    enrolled_on = fields.Date(allow_none=True)
    ended_on = fields.Date(allow_none=True)


class ReferralSchema(Schema):
    id = fields.Integer()
    status = fields.String(attribute="status.value", validate=validate.OneOf([s.value for s in Status]))
    center_code = fields.String(attribute="center.code")
    referred_on = fields.Date(metadata={"description": "Starts the child's clock; kept across redirects"})
    child = fields.Nested(ChildSchema)
    caregiver = fields.Nested(CaregiverSchema)
    icd10_codes = fields.Method("_codes")
    risk_factors = fields.Method("_factors")
    notes = fields.String()
    consent = fields.Function(lambda r: ConsentSchema().dump(r))
    timeline = fields.Function(lambda r: TimelineSchema().dump(r))
    decision_reason_code = fields.String(allow_none=True)
    decision_reason = fields.String()
    redirected_from_id = fields.Integer(allow_none=True)
    redirected_to_id = fields.Method("_redirected_to", allow_none=True)
    history = fields.List(fields.Nested(HistorySchema))
    warnings = fields.List(fields.Nested(WarningSchema), metadata={
        "description": "On creation: IIN mismatches a person would confirm on the form; never blocking"})

    def _codes(self, referral):
        return [d.code for d in referral.diagnoses]

    def _factors(self, referral):
        return [r.risk_factor.code for r in referral.risk_factors]

    def _redirected_to(self, referral):
        return next((h.new_referral_id for h in referral.history if h.new_referral_id), None)


class ReferralPageSchema(Schema):
    items = fields.List(fields.Nested(ReferralSchema))
    page = fields.Integer()
    pages = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


class TransitionSchema(Schema):
    to = fields.String(required=True, validate=validate.OneOf(
        [Status.ACCEPTED.value, Status.DECLINED.value, Status.REDIRECTED.value, Status.WITHDRAWN.value,
         Status.CLOSED.value]))
    reason = fields.String(metadata={"description": "Required to decline or redirect"})
    reason_code = fields.String(validate=validate.OneOf([r.value for r in DeclineReason]),
                                metadata={"description": "For a decline; default other"})
    center_code = fields.String(metadata={"description": "For a redirect: the center it goes to"})


OPENAPI_SCHEMAS = {
    "ReferralCreate": ReferralCreateSchema,
    "Referral": ReferralSchema,
    "ReferralPage": ReferralPageSchema,
    "Transition": TransitionSchema,
}


def referral_json(referral, warnings=None) -> dict:
    data = ReferralSchema().dump(referral)
    data["warnings"] = [{"field": w["field"], "code": w["code"], "message": str(w["message"])}
                        for w in (warnings or [])]
    return data
