"""``/api/v1/sessions``: list, book, move, cancel, and record attendance."""
from datetime import timedelta

from flask import Blueprint, g, jsonify, request
from flask_babel import gettext as _

from eic.accounts.api_auth import token_required
from eic.centers.permissions import colleagues_visible_to, rooms_visible_to
from eic.core.api import API_PREFIX, api_error, json_body, run_and_respond
from eic.core.errors import ValidationFailed
from eic.core.permissions import get_visible, get_visible_or_404
from eic.core.roles import Role
from eic.core.timeutil import almaty_today
from eic.core.validation import parse_date, parse_int
from eic.extensions import csrf, db
from eic.referrals import queries as referral_queries
from eic.referrals.permissions import referrals_visible_to

from . import offline, queries, services
from .parsing import booking_arguments, parse_time
from .permissions import sessions_visible_to
from .schemas import PlanSchema, session_json
from .services import plans

bp = Blueprint("therapy_api", __name__, url_prefix=API_PREFIX)
csrf.exempt(bp)
STAFF = (Role.COORDINATOR, Role.SPECIALIST)


@bp.route("/sessions")
@token_required(*STAFF)
def list_sessions():
    """List sessions of your center.
    ---
    get:
      summary: Sessions of your center in a date range (default this week), by specialist, room or child
      description: A specialist gets the sessions of children not on their team as busy blocks (busy true; id,
        specialist, room and times only, nothing about the child).
      security: [{bearer: []}]
      parameters:
        - {in: query, name: from, schema: {type: string, format: date}}
        - {in: query, name: to, schema: {type: string, format: date}}
        - {in: query, name: specialist_id, schema: {type: integer}}
        - {in: query, name: room_id, schema: {type: integer}}
        - {in: query, name: referral_id, schema: {type: integer}}
      responses:
        200: {description: Sessions in time order, content: {application/json: {schema: SessionPage}}}
        401: {$ref: '#/components/responses/Error401'}
        403: {$ref: '#/components/responses/Error403'}
        422: {$ref: '#/components/responses/Error422'}
    """
    today = almaty_today()
    first = parse_date(request.args.get("from")) if request.args.get("from") else today - timedelta(today.weekday())
    last = parse_date(request.args.get("to")) if request.args.get("to") else first + timedelta(days=6)
    if first is None or last is None or last < first or (last - first).days > 92:
        return api_error(422, _("Give a range of at most 92 days as YYYY-MM-DD."),
                         fields={"from": [_("Enter a date as YYYY-MM-DD.")]})
    filters = {k: parse_int(request.args.get(k)) for k in ("specialist_id", "room_id", "referral_id")
               if request.args.get(k)}
    rows = db.session.scalars(queries.sessions_between(center_id=g.api_user.center_id, first=first, last=last,
                                                       **filters)).all()
    from .permissions import sessions_open_to
    from .schemas import busy_json

    openable = sessions_open_to(g.api_user, rows)
    body = {"items": [session_json(s) if s.id in openable else busy_json(s) for s in rows]}
    return jsonify(body)


@bp.route("/sessions", methods=["POST"])
@token_required(Role.COORDINATOR)
def book():
    """Book a session or a weekly series.
    ---
    post:
      summary: Book one session or a weekly series; saved whole or not at all
      security: [{bearer: []}]
      requestBody: {required: true, content: {application/json: {schema: Booking}}}
      responses:
        201: {description: The booked sessions, content: {application/json: {schema: SessionPage}}}
        401: {$ref: '#/components/responses/Error401'}
        403: {$ref: '#/components/responses/Error403'}
        409:
          description: "booking_clash: conflicts lists each clashing date and why; nothing was saved"
          content: {application/json: {schema: ErrorSchema}}
        422: {$ref: '#/components/responses/Error422'}
    """
    user = g.api_user
    data = json_body()

    def book_from_json():
        args = booking_arguments(data)
        referral = get_visible(referrals_visible_to(user), args.pop("referral_id"))
        specialist = get_visible(colleagues_visible_to(user), args.pop("specialist_id"))
        room_id = args.pop("room_id")
        room = get_visible(rooms_visible_to(user), room_id) if room_id is not None else None
        if referral is None:
            raise ValidationFailed(fields={"referral_id": [_("Choose the child.")]})
        sessions = services.book_series(center=user.center, specialist=specialist, referral=referral, room=room,
                                        actor=user, **args)
        return {"items": [session_json(s) for s in sessions]}

    return run_and_respond(book_from_json, 201)


def _apply(session_id, action):
    """Load a session of the caller's center (else 404), run ``action(session, json)``, answer the session."""
    from flask import abort

    from .permissions import can_open_session

    session = get_visible_or_404(sessions_visible_to(g.api_user), session_id)
    if not can_open_session(g.api_user, session):
        abort(404)
    data = json_body()

    def apply():
        action(session, data)
        return session_json(session)

    return run_and_respond(apply)


@bp.route("/sessions/<int:session_id>/move", methods=["POST"])
@token_required(Role.COORDINATOR)
def move(session_id):
    """Move a session.
    ---
    post:
      summary: Move a session to another time (and room), with the booking checks
      security: [{bearer: []}]
      parameters: [{in: path, name: session_id, required: true, schema: {type: integer}}]
      requestBody: {required: true, content: {application/json: {schema: Move}}}
      responses:
        200: {description: The moved session, content: {application/json: {schema: Session}}}
        401: {$ref: '#/components/responses/Error401'}
        403: {$ref: '#/components/responses/Error403'}
        404: {$ref: '#/components/responses/Error404'}
        409: {$ref: '#/components/responses/Error409'}
        422: {$ref: '#/components/responses/Error422'}
    """
    def move_it(session, data):
        on, at = parse_date(data.get("on")), parse_time(data.get("at"))
        if on is None or at is None:
            raise ValidationFailed(fields={"on": [_("Enter a date as YYYY-MM-DD.")]} if on is None else
                                   {"at": [_("Enter a time as HH:MM.")]})
        room = get_visible(rooms_visible_to(g.api_user), data["room_id"]) if data.get("room_id") else None
        services.move_session(session, on=on, at=at, minutes=parse_int(data.get("minutes")) or None, room=room,
                              actor=g.api_user)

    return _apply(session_id, move_it)


@bp.route("/sessions/<int:session_id>/cancel", methods=["POST"])
@token_required(Role.COORDINATOR)
def cancel(session_id):
    """Cancel a session.
    ---
    post:
      summary: Cancel a session; its slot can be booked again
      security: [{bearer: []}]
      parameters: [{in: path, name: session_id, required: true, schema: {type: integer}}]
      requestBody: {required: true, content: {application/json: {schema: Cancel}}}
      responses:
        200: {description: The cancelled session, content: {application/json: {schema: Session}}}
        401: {$ref: '#/components/responses/Error401'}
        403: {$ref: '#/components/responses/Error403'}
        404: {$ref: '#/components/responses/Error404'}
        409: {$ref: '#/components/responses/Error409'}
        422: {$ref: '#/components/responses/Error422'}
    """
    return _apply(session_id, lambda session, data: services.cancel_session(
        session, reason=str(data.get("reason") or ""), actor=g.api_user))


@bp.route("/sessions/<int:session_id>/attendance", methods=["POST"])
@token_required(*STAFF)
def attendance(session_id):
    """Record attendance.
    ---
    post:
      summary: Record whether the child attended (a reason when not)
      security: [{bearer: []}]
      parameters: [{in: path, name: session_id, required: true, schema: {type: integer}}]
      requestBody: {required: true, content: {application/json: {schema: Attendance}}}
      responses:
        200: {description: The session, content: {application/json: {schema: Session}}}
        401: {$ref: '#/components/responses/Error401'}
        403: {$ref: '#/components/responses/Error403'}
        404: {$ref: '#/components/responses/Error404'}
        409: {$ref: '#/components/responses/Error409'}
        422: {$ref: '#/components/responses/Error422'}
    """
    def record(session, data):
        if not isinstance(data.get("attended"), bool):
            raise ValidationFailed(fields={"attended": [_("Give true or false.")]})
        services.record_attendance(session, attended=data["attended"], reason=data.get("reason"), actor=g.api_user)

    return _apply(session_id, record)


@bp.route("/referrals/<int:referral_id>/plan")
@token_required(*STAFF)
def read_plan(referral_id):
    """Read a child's current plan.
    ---
    get:
      summary: The current individual plan of a child of your center
      security: [{bearer: []}]
      parameters: [{in: path, name: referral_id, required: true, schema: {type: integer}}]
      responses:
        200: {description: The current plan, content: {application/json: {schema: Plan}}}
        401: {$ref: '#/components/responses/Error401'}
        403: {$ref: '#/components/responses/Error403'}
        404: {$ref: '#/components/responses/Error404'}
    """
    referral = referral_queries.open_case(g.api_user, referral_id)
    plan = plans.current_plan(referral.id)
    if plan is None:
        return api_error(404, _("Not found."))
    body = PlanSchema().dump(plan)
    return jsonify(body)


@bp.route("/sync/week")
@token_required(Role.SPECIALIST)
def sync_week():
    """The specialist's coming week, for their device.
    ---
    get:
      summary: Your sessions from today for 7 days, with what a visit needs offline
      description: Each session has its versions (schedule, attendance, note, checklist), the child's current
        plan goals, the last notes, the address and the caregiver's phone and language; a group has its roster.
        Cancelled sessions are included (active false) so that a device learns of them.
      security: [{bearer: []}]
      responses:
        200: {description: The week, content: {application/json: {schema: {type: object}}}}
        401: {$ref: '#/components/responses/Error401'}
        403: {$ref: '#/components/responses/Error403'}
    """
    return jsonify(offline.week(g.api_user))


@bp.route("/sync", methods=["POST"])
@token_required(Role.SPECIALIST)
def sync():
    """Send the changes a device queued.
    ---
    post:
      summary: Apply queued changes (attendance, notes, home-visit checklists) in order, each exactly once
      description: 'Body: {"changes": [{"client_id", "kind": attendance|note|checklist, "session_id", "base":
        {"schedule", <kind>}, "data"}]}. Each answer is applied (with the new versions), conflict (the session
        changed meanwhile: the server''s version is returned and nothing is written) or refused (with the reason).
        A change sent again with the same client_id gets its first answer (repeat true) and is not applied twice.
        A batch that cannot be read is answered 422 and nothing of it is applied.'
      security: [{bearer: []}]
      requestBody: {required: true, content: {application/json: {schema: {type: object}}}}
      responses:
        200: {description: 'One answer per change, in order', content: {application/json: {schema: {type: object}}}}
        401: {$ref: '#/components/responses/Error401'}
        403: {$ref: '#/components/responses/Error403'}
        422: {$ref: '#/components/responses/Error422'}
    """
    body = json_body()
    try:
        answers = offline.apply(g.api_user, body.get("changes"))
    except offline.BadChanges as exc:
        db.session.rollback()
        return api_error(422, exc.message, code=exc.code, fields=exc.fields)
    return jsonify({"answers": answers})
