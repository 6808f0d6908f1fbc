"""Booking, moving and cancelling therapy sessions; a series is saved whole or not at all."""
from datetime import date, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from eic.core.errors import Conflict, ValidationFailed
from eic.core.locking import lock_for_change
from eic.core.roles import Role
from eic.core.settings import get_setting
from eic.core.text import clean_text
from eic.core.timeutil import ALMATY, add_working_days, utc_now
from eic.extensions import db
from eic.referrals.consent import in_force as consent_in_force
from eic.referrals.status import Status

from .. import settings
from ..calendar import Calendar, Clash, Occurrence, child_sessions, occurrences
from ..models import ABSENCE_REASONS, SETTINGS, RosterEntry, SessionSeries, TherapySession
from ..permissions import can_book, can_record, can_write_note, require

MAX_OCCURRENCES = 60
NOTE_LIMIT = 4000  # characters per part of a session note: a page of text, not a 2 MB paste
HOME_SETTINGS = ("home",)
NO_ROOM_SETTINGS = ("home", "remote")


class BookingClash(Conflict):
    """Some occurrences clash; ``conflicts`` lists each date and why. Nothing was saved."""

    code = "booking_clash"
    default_message = _l("Some dates clash: nothing was booked. Skip them or choose other times.")

    def __init__(self, clashes, message=None):
        super().__init__(message, conflicts=[c.as_dict() for c in clashes])
        self.clashes = clashes


def _check_parties(*, center, specialist, room, referral, setting, minutes, errors):
    if specialist is None or specialist.role is not Role.SPECIALIST or specialist.center_id != center.id \
            or not specialist.is_active:
        errors["specialist"] = [_l("Choose a specialist of this center.")]
    if setting not in SETTINGS:
        errors["setting"] = [_l("Choose where the session takes place.")]
    elif setting in NO_ROOM_SETTINGS:
        room = None
    elif room is None or room.center_id != center.id:
        errors["room"] = [_l("Choose a room of this center.")]
    elif not room.is_active:
        errors["room"] = [_l("This room is retired: choose another.")]
    if referral is not None and (referral.center_id != center.id or referral.status is not Status.ENROLLED):
        errors["referral"] = [_l("Sessions can be booked only for a child enrolled at this center.")]
    if not isinstance(minutes, int) or not 10 <= minutes <= 240:
        errors["minutes"] = [_l("A session lasts from 10 to 240 minutes.")]
    return room


def book_series(*, center, specialist, referral, room=None, setting="center", start_on: date, at: time,
                minutes: int, weekdays=None, until_on: date | None = None, count: int | None = None,
                skip_dates=(), travel_minutes: int | None = None, address: str | None = None,
                capacity: int | None = None, audience: str = "child", plan_service=None, actor,
                now=None) -> list[TherapySession]:
    """Book one session (``count=1``, or no weekdays, end or count at all) or a weekly series on ``weekdays``
    (0 = Monday) at ``at`` Almaty time.

    Every occurrence is checked against the specialist, the room and the child, opening and working hours,
    absences, public holidays and closures before anything is saved. With ``capacity`` it is a group session
    (no child; ``audience`` child or caregiver) whose roster is filled with ``add_to_roster``.
    Raises ValidationFailed (bad input), Forbidden (not this center's coordinator), BookingClash (listing every
    clashing date; nothing saved).
    """
    require(can_book(actor, center.id))
    count = _one_unless_repeated(weekdays, until_on, count)
    errors = {}
    room = _check_parties(center=center, specialist=specialist, room=room, referral=referral, setting=setting,
                          minutes=minutes, errors=errors)
    _check_repetition(weekdays, start_on, until_on, count, errors)
    _check_group(capacity, audience, errors)
    if capacity is None and referral is None:
        errors["referral"] = [_l("Choose the child.")]
    if capacity is not None:
        referral = None
    if plan_service is not None and (referral is None or not _service_of_current_plan(plan_service, referral)):
        errors["plan_service"] = [_l("Choose a service of the child's current plan.")]
    if errors:
        raise ValidationFailed(fields=errors)
    skip = set(skip_dates)
    planned = [o for o in occurrences(start_on=start_on, at=at, minutes=minutes, weekdays=weekdays,
                                      until_on=until_on, count=count) if o.day not in skip]
    if not planned:
        raise ValidationFailed(fields={"start_on": [_l("No session falls in these dates.")]})
    if len(planned) > MAX_OCCURRENCES:
        raise ValidationFailed(fields={"until_on": [_l("Book from 1 to %(n)s sessions at once.",
                                                       n=MAX_OCCURRENCES)]})
    if travel_minutes is None:
        travel_minutes = get_setting(settings.TRAVEL_MINUTES.key)
    travel = timedelta(minutes=travel_minutes if setting in HOME_SETTINGS else 0)
    child_id = referral.child_id if referral is not None else None
    calendar = Calendar(center_id=center.id, specialist_id=specialist.id, room_id=room.id if room else None,
                        child_id=child_id, first=planned[0].starts_at - travel, last=planned[-1].ends_at + travel)
    now = now or utc_now()
    clashes = [c for o in planned for c in calendar.clashes(o, busy_from=o.starts_at - travel,
                                                            busy_until=o.ends_at + travel, now=now,
                                                            at_center=setting not in NO_ROOM_SETTINGS)]
    if clashes:
        raise BookingClash(clashes)
    if setting in HOME_SETTINGS and not address:
        address = referral.child.address if referral is not None else ""
    series = SessionSeries(center_id=center.id, created_by_id=actor.id) if len(planned) > 1 else None
    sessions = [TherapySession(center_id=center.id, specialist_id=specialist.id, room_id=room.id if room else None,
                               referral_id=referral.id if referral else None, child_id=child_id, series=series,
                               plan_service_id=plan_service.id if plan_service is not None else None,
                               setting=setting, address=address or "", capacity=capacity, audience=audience,
                               starts_at=o.starts_at, ends_at=o.ends_at,
                               busy_from=o.starts_at - travel, busy_until=o.ends_at + travel,
                               created_by_id=actor.id) for o in planned]
    _save(sessions, planned)
    return sessions


def _one_unless_repeated(weekdays, until_on, count):
    """No weekdays, end or count asked for: the one session on the start date."""
    return 1 if not weekdays and until_on is None and count is None else count


def _check_repetition(weekdays, start_on, until_on, count, errors: dict) -> None:
    """Messages for a series' days, end and length."""
    if weekdays is not None and (not weekdays or any(d not in range(7) for d in weekdays)):
        errors["weekdays"] = [_l("Choose the days of the week.")]
    if until_on is None and count is None:
        errors["until_on"] = [_l("Give an end date or a number of sessions.")]
    elif until_on is not None and until_on < start_on:
        errors["until_on"] = [_l("The end date is before the start date.")]
    if count is not None and not 1 <= count <= MAX_OCCURRENCES:
        errors["count"] = [_l("Book from 1 to %(n)s sessions at once.", n=MAX_OCCURRENCES)]


def _check_group(capacity, audience, errors: dict) -> None:
    """Messages for a group session's places and audience."""
    if capacity is not None and (not isinstance(capacity, int) or not 2 <= capacity <= 30):
        errors["capacity"] = [_l("A group has from 2 to 30 places.")]
    if audience not in ("child", "caregiver"):
        errors["audience"] = [_l("Choose children or caregivers.")]


def _service_of_current_plan(plan_service, referral) -> bool:
    from ..models import Plan

    plan = db.session.get(Plan, plan_service.plan_id)
    return plan is not None and plan.is_current and plan.referral_id == referral.id


def _save(sessions, planned):
    """Insert or update inside a savepoint; the database's guards turn a lost race into a clean refusal."""
    try:
        with db.session.begin_nested():
            db.session.add_all(sessions)
            db.session.flush()
    except IntegrityError:
        raise BookingClash([], message=_l("Someone booked an overlapping time a moment ago: nothing was saved. "
                                          "Check the calendar and try again."))


def _lock(session: TherapySession) -> None:
    """One change to a session at a time: a move, cancellation or attendance made on what another has just
    changed is refused (ChangedMeanwhile), so two people never both act on the same booking."""
    lock_for_change(session, _l("The session was changed by someone else meanwhile (now: %(status)s). Nothing was "
                                "saved."), status_of=lambda s: s.starts_at.astimezone(ALMATY).strftime("%d.%m.%Y %H:%M")
                    if s.is_active else str(_l("cancelled")),
                    state=lambda s: (s.is_active, s.starts_at, s.specialist_id, s.attendance))


def cancel_session(session: TherapySession, *, reason: str, actor, tell_family: bool = True) -> None:
    """Cancel a session; its slot can be booked again, and the family is told by text message in their
    language. Raises Forbidden, ValidationFailed, Conflict (already cancelled)."""
    require(can_book(actor, session.center_id))
    if not (reason or "").strip():
        raise ValidationFailed(fields={"reason": [_l("Give a reason.")]})
    _lock(session)
    if not session.is_active:
        raise Conflict(_l("The session is already cancelled."))
    session.is_active = False
    session.cancelled_at = utc_now()
    session.cancel_reason = reason.strip()
    db.session.flush()
    if tell_family:
        tell_families(session, "session_cancelled")


def cancel_series_from(session: TherapySession, *, reason: str, actor) -> list[TherapySession]:
    """Cancel this session and every later active one of its series (all or nothing); each family is told once
    per session. A session that is not part of a series is cancelled alone. Raises as ``cancel_session``."""
    if session.series_id is None:
        cancel_session(session, reason=reason, actor=actor)
        return [session]
    later = db.session.scalars(select(TherapySession).where(
        TherapySession.series_id == session.series_id, TherapySession.is_active.is_(True),
        TherapySession.starts_at >= session.starts_at).order_by(TherapySession.starts_at)).all()
    if session not in later:
        raise Conflict(_l("The session is already cancelled."))
    for row in later:
        cancel_session(row, reason=reason, actor=actor)
    return later


def tell_families(session: TherapySession, kind: str, **extra) -> int:
    """Queue a text message of ``kind`` to the family of each child of the session (the child of an individual
    session, each child on a group's roster), in the family's language; returns how many were queued."""
    from eic.notifications.services import queue_family_message

    local = session.starts_at.astimezone(ALMATY)
    referrals = [session.referral] if session.referral is not None else [e.referral for e in session.roster]
    queued = 0
    for referral in referrals:
        caregiver = referral.caregiver
        if caregiver is None or not caregiver.phone or not consent_in_force(referral.child_id, "sms"):
            continue  # no number, or no agreement to text messages
        # What the family needs: when. Not the child's name: a phone number is not always the family's alone.
        params = {"date": local.strftime("%d.%m.%Y"), "time": local.strftime("%H:%M")} | extra
        key = f"{kind}:s{session.id}:r{referral.id}:{local:%Y%m%d%H%M}"
        if queue_family_message(kind=kind, phone=caregiver.phone, language=caregiver.preferred_language,
                                params=params, dedupe_key=key):
            queued += 1
    return queued


def move_session(session: TherapySession, *, on: date, at: time, minutes: int | None = None, room=None,
                 specialist=None, actor, now=None, tell_family: bool = True) -> TherapySession:
    """Move a session to another time (and room, or specialist of the same center) with the same checks as
    booking; the family is told the new time in their language. Raises Forbidden, Conflict (cancelled),
    ValidationFailed, BookingClash."""
    require(can_book(actor, session.center_id))
    _lock(session)
    if not session.is_active:
        raise Conflict(_l("A cancelled session cannot be moved."))
    if specialist is not None and (specialist.center_id != session.center_id or specialist.role is not Role.SPECIALIST):
        raise ValidationFailed(fields={"specialist": [_l("Choose a specialist of this center.")]})
    specialist_id = specialist.id if specialist is not None else session.specialist_id
    old = session.starts_at.astimezone(ALMATY)
    minutes = minutes or int((session.ends_at - session.starts_at).total_seconds() // 60)
    travel = session.starts_at - session.busy_from
    room = room if room is not None else session.room
    if session.setting not in NO_ROOM_SETTINGS and (room is None or room.center_id != session.center_id):
        raise ValidationFailed(fields={"room": [_l("Choose a room of this center.")]})
    [occ] = occurrences(start_on=on, at=at, minutes=minutes, count=1)
    calendar = Calendar(center_id=session.center_id, specialist_id=specialist_id,
                        room_id=room.id if room else None, child_id=session.child_id, first=occ.starts_at - travel,
                        last=occ.ends_at + travel, exclude_ids=[session.id])
    clashes = calendar.clashes(occ, busy_from=occ.starts_at - travel, busy_until=occ.ends_at + travel,
                               now=now or utc_now(), at_center=session.setting not in NO_ROOM_SETTINGS)
    if clashes:
        raise BookingClash(clashes)
    session.starts_at, session.ends_at = occ.starts_at, occ.ends_at
    session.busy_from, session.busy_until = occ.starts_at - travel, occ.ends_at + travel
    session.room_id = room.id if room else None
    session.specialist_id = specialist_id
    _save([session], [occ])
    if tell_family and occ.starts_at != old:
        tell_families(session, "session_moved", old=old.strftime("%d.%m.%Y %H:%M"))
    return session


def add_to_roster(session: TherapySession, *, referral, actor) -> RosterEntry:
    """Put an enrolled child (or, for a caregivers' group, the family) on a group session's roster.

    Refused when the group is full, the child is already on it, or the child (caregiver) is busy then.
    Raises Forbidden, Conflict, ValidationFailed.
    """
    require(can_book(actor, session.center_id))
    if not session.is_group or not session.is_active:
        raise Conflict(_l("This is not an open group session."))
    if referral.center_id != session.center_id or referral.status is not Status.ENROLLED:
        raise ValidationFailed(fields={"referral": [_l("Sessions can be booked only for a child enrolled at this "
                                                       "center.")]})
    # Serialise additions to this group: a row lock on PostgreSQL, the write lock on SQLite (BEGIN IMMEDIATE).
    db.session.execute(select(TherapySession.id).where(TherapySession.id == session.id).with_for_update())
    taken = db.session.scalar(select(func.count()).select_from(RosterEntry).where(
        RosterEntry.session_id == session.id))
    if taken >= session.capacity:
        raise Conflict(_l("The group is full (%(n)s places).", n=session.capacity))
    if any(entry.referral_id == referral.id for entry in session.roster):
        raise Conflict(_l("Already on the roster."))
    busy = child_sessions(referral.child_id, session.starts_at, session.ends_at, audience=session.audience)
    if any(other.id != session.id and other.starts_at < session.ends_at and session.starts_at < other.ends_at
           for other in busy):
        code = "child_busy" if session.audience == "child" else "caregiver_busy"
        raise BookingClash([Clash(Occurrence(session.starts_at, session.ends_at), code)])
    entry = RosterEntry(session_id=session.id, referral_id=referral.id)
    session.roster.append(entry)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Conflict(_l("Already on the roster."))
    return entry


def _series_from(session: TherapySession) -> list[TherapySession]:
    """This session and the later active ones of its series (just this one outside a series)."""
    if session.series_id is None:
        return [session]
    return list(db.session.scalars(select(TherapySession).where(
        TherapySession.series_id == session.series_id, TherapySession.is_active.is_(True),
        TherapySession.starts_at >= session.starts_at).order_by(TherapySession.starts_at)))


def move_series_from(session: TherapySession, *, weekday: int, at: time, specialist=None, room=None, actor,
                     now=None) -> list[TherapySession]:
    """Move this session and the later ones of its series to another weekday of the same week and time (and
    specialist or room), with the same checks as booking. All or nothing: every clash is listed in one
    BookingClash and the caller rolls back. Raises Forbidden, ValidationFailed, BookingClash."""
    require(can_book(actor, session.center_id))
    if weekday not in range(7):
        raise ValidationFailed(fields={"weekday": [_l("Choose the day of the week.")]})
    if at is None:
        raise ValidationFailed(fields={"at": [_l("Enter a time as HH:MM.")]})
    clashes, moved = [], []
    for row in _series_from(session):
        old_day = row.starts_at.astimezone(ALMATY).date()
        new_day = old_day + timedelta(days=weekday - old_day.weekday())
        try:
            moved.append(move_session(row, on=new_day, at=at, specialist=specialist, room=room, actor=actor, now=now))
        except BookingClash as exc:
            clashes.extend(exc.clashes)
    if clashes:
        raise BookingClash(clashes)
    return moved


def join_group(session: TherapySession, *, referral, actor) -> list[RosterEntry]:
    """Put a child (or, for a caregivers' group, the family) on the group's roster from this session on: the
    roster belongs to the series. All or nothing: if any later session is full or the child is busy then, the
    caller's transaction is rolled back with that Conflict or BookingClash. Sessions the child is already on are
    kept as they are."""
    entries = []
    for row in _series_from(session):
        if row is not session and any(e.referral_id == referral.id for e in row.roster):
            continue
        entries.append(add_to_roster(row, referral=referral, actor=actor))
    return entries


def leave_group(session: TherapySession, *, referral, actor) -> int:
    """Take a child off the group from this session on (sessions with their attendance recorded keep it);
    returns how many places were freed. Raises Forbidden, Conflict (not on the roster)."""
    require(can_book(actor, session.center_id))
    removed = 0
    for row in _series_from(session):
        for entry in list(row.roster):
            if entry.referral_id == referral.id and entry.attendance is None:
                row.roster.remove(entry)
                removed += 1
    if not removed:
        raise Conflict(_l("The child is not on this group's roster from this date."))
    db.session.flush()
    return removed


def record_group_attendance(session: TherapySession, *, marks: dict, actor, now=None) -> None:
    """Each child's attendance and note in a group session: ``{referral id: (attended, reason, note)}`` where
    ``attended`` is True, False (then a reason is needed) or None (not recorded yet). Raises Forbidden, Conflict,
    ValidationFailed (keyed ``attendance-<referral id>``; nothing is saved)."""
    _require_session_staff(actor, session)
    now = now or utc_now()
    if not session.is_group or not session.is_active:
        raise Conflict(_l("This is not an open group session."))
    if session.starts_at > now:
        raise Conflict(_l("Attendance can be recorded once the session has started."))
    errors = {}
    for entry in session.roster:
        attended, reason, note = marks.get(entry.referral_id, (None, None, ""))
        note = clean_text(note)
        if len(note) > NOTE_LIMIT:
            errors[f"attendance-{entry.referral_id}"] = [_l("At most %(n)s characters.", n=NOTE_LIMIT)]
            continue
        if attended is False and reason not in ABSENCE_REASONS:
            errors[f"attendance-{entry.referral_id}"] = [_l("Choose why %(name)s did not come.",
                                                            name=entry.referral.child.first_name)]
            continue
        entry.attendance = None if attended is None else ("attended" if attended else "absent")
        entry.absence_reason = reason if attended is False else None
        entry.note = note
        entry.attendance_recorded_at = now if attended is not None else None
    if errors:
        raise ValidationFailed(fields=errors)
    db.session.flush()


def _require_session_staff(actor, session):
    """The session's specialist or the center's coordinator."""
    require(can_record(actor, session))


def record_attendance(session: TherapySession, *, attended: bool, reason: str | None = None, actor,
                      now=None) -> TherapySession:
    """Record whether the child came; a missed session needs a reason. Raises Forbidden, Conflict,
    ValidationFailed."""
    _require_session_staff(actor, session)
    now = now or utc_now()
    if not session.is_active:
        raise Conflict(_l("The session is cancelled."))
    if session.is_group:
        raise Conflict(_l("In a group, each child's attendance is recorded on its own."))
    if session.starts_at > now:
        raise Conflict(_l("Attendance can be recorded once the session has started."))
    if not attended and reason not in ABSENCE_REASONS:
        raise ValidationFailed(fields={"reason": [_l("Choose why the session did not take place.")]})
    session.attendance = "attended" if attended else "absent"
    session.absence_reason = None if attended else reason
    session.attendance_recorded_at = now
    db.session.flush()
    return session


def record_note(session: TherapySession, *, done: str, progress: str = "", family_plan: str = "", goal_ids=(),
                actor, now=None) -> TherapySession:
    """Write the session note (the specialist of the session): what was done, the plan goals it worked on, the
    progress seen and the family's plan. Raises Forbidden, Conflict, ValidationFailed."""
    require(can_write_note(actor, session))
    if session.attendance != "attended":
        raise Conflict(_l("Record the child's attendance before the note."))
    done, progress, family_plan = clean_text(done), clean_text(progress), clean_text(family_plan)
    if not done:
        raise ValidationFailed(fields={"done": [_l("Describe what was done.")]})
    too_long = {name: [_l("At most %(n)s characters.", n=NOTE_LIMIT)] for name, text in (
        ("done", done), ("progress", progress), ("family_plan", family_plan)) if len(text) > NOTE_LIMIT}
    if too_long:
        raise ValidationFailed(fields=too_long)
    from .plans import current_plan

    plan = current_plan(session.referral_id) if session.referral_id else None
    allowed = {g.id for g in plan.goals} if plan else set()
    goal_ids = [int(g) for g in goal_ids or []]
    if not set(goal_ids) <= allowed:
        raise ValidationFailed(fields={"goal_ids": [_l("Choose goals of the child's current plan.")]})
    session.note_goal_ids = goal_ids
    session.note_done, session.note_progress, session.note_family_plan = done, progress, family_plan
    session.note_recorded_at = now or utc_now()
    session.note_by_id = actor.id
    db.session.flush()
    return session


def note_due_on(session: TherapySession) -> date:
    """The last day a note is on time: a setting's number of working days (2) after the session."""
    return add_working_days(session.ends_at.astimezone(ALMATY).date(), get_setting(settings.NOTE_DUE_DAYS.key))


def is_note_late(session: TherapySession, *, today: date) -> bool:
    """Whether an attended session's note was written (or, still missing, is) after its due date."""
    if session.attendance != "attended":
        return False
    written = session.note_recorded_at.astimezone(ALMATY).date() if session.note_recorded_at else today
    return written > note_due_on(session)


__all__ = ["BookingClash", "Occurrence", "book_series", "cancel_session", "move_session", "record_attendance",
           "record_note", "is_note_late", "add_to_roster"]
