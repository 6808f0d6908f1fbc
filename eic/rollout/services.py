"""Every change to the rollout goes through here (pages, imports and the CLI alike). Foundation staff only.

Each function validates all of its input and raises ``ValidationFailed`` with every message at once, keyed by the
form field, before it writes anything.
"""

from dateutil.relativedelta import relativedelta
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from eic.core.errors import Forbidden, InvalidTransition, ValidationFailed
from eic.core.i18n import localized
from eic.core.locking import CHANGED_MEANWHILE, lock_for_change
from eic.core.roles import Role
from eic.core.text import search_key
from eic.core.timeutil import almaty_today
from eic.core.validation import REQUIRED
from eic.extensions import db

from .models import (ACTION_STATUSES, BUDGET_SOURCES, CATEGORIES, CHECKLIST, COURSE_MODES, ISSUE_KINDS, SOURCES, STAGES,
                     VISIT_KINDS, AllocationLine, AllocationStep, Cohort, Course, Enrolment, EquipmentItem, LineIssue,
                     ProgrammeBudget, Trainee, TrainingDay, Visit, VisitAction)

MAX_TENGE = 10 ** 13  # ten trillion: far above any programme, far below BigInteger's limit
# Steps that need a document number: the contract when ordered, the delivery note when delivered.
DOCUMENT_REQUIRED = {"ordered": _l("Give the contract number."), "delivered": _l("Give the delivery note number.")}


def require_foundation(actor) -> None:
    """Raise Forbidden unless ``actor`` is foundation staff (the only ones who record the rollout)."""
    if actor is None or actor.role is not Role.FOUNDATION:
        raise Forbidden()


def _text(value, errors, name, *, required=True, limit=200):
    value = (value or "").strip()
    if required and not value:
        errors.setdefault(name, []).append(REQUIRED)
    elif len(value) > limit:
        errors.setdefault(name, []).append(_l("At most %(n)s characters.", n=limit))
    return value


def _whole(value, errors, name, *, minimum, maximum, message):
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        errors.setdefault(name, []).append(message)
        return None
    return value


def _choice(value, choices, errors, name, message):
    if value not in choices:
        errors.setdefault(name, []).append(message)
        return None
    return value


def _date(value, errors, name, *, required=True, not_future=False, today=None):
    if value is None:
        if required:
            errors.setdefault(name, []).append(_l("Enter a date as YYYY-MM-DD."))
        return None
    if not_future and value > (today or almaty_today()):
        errors.setdefault(name, []).append(_l("The date cannot be in the future."))
    return value


def _year(value, errors, name="programme_year"):
    return _whole(value, errors, name, minimum=2020, maximum=2100, message=_l("Enter a year from 2020 to 2100."))


def _tenge(value, errors, name):
    return _whole(value, errors, name, minimum=0, maximum=MAX_TENGE,
                  message=_l("Enter a whole number of tenge from 0."))


# --- equipment ---------------------------------------------------------------------------------------------------

def create_item(*, code, name_kk, name_ru, name_en, category, manufacturer="", model="", unit_price, actor):
    """Add an item to the equipment catalogue. Raises ValidationFailed for a missing or bad field or a code
    already in use."""
    require_foundation(actor)
    errors = {}
    code = _text(code, errors, "code", limit=40)
    names = {k: _text(v, errors, k) for k, v in (("name_kk", name_kk), ("name_ru", name_ru), ("name_en", name_en))}
    _choice(category, CATEGORIES, errors, "category", _l("Choose a category."))
    manufacturer, model = _text(manufacturer, errors, "manufacturer", required=False, limit=120), \
        _text(model, errors, "model", required=False, limit=120)
    _tenge(unit_price, errors, "unit_price")
    if code and db.session.scalar(select(EquipmentItem.id).where(EquipmentItem.code == code)):
        errors.setdefault("code", []).append(_l("An item with this code exists."))
    if errors:
        raise ValidationFailed(fields=errors)
    item = EquipmentItem(code=code, category=category, manufacturer=manufacturer, model=model,
                         unit_price=unit_price, **names)
    db.session.add(item)
    db.session.flush()
    return item


def plan_line(*, center, item, programme_year, quantity, source, expected_delivery_on=None, unit_price=None,
              notes="", actor, today=None):
    """A new allocation line at "planned", priced from the catalogue unless a price is agreed."""
    require_foundation(actor)
    errors = {}
    if center is None:
        errors.setdefault("center", []).append(_l("Choose a center."))
    if item is None:
        errors.setdefault("item", []).append(_l("Choose an item from the catalogue."))
    _year(programme_year, errors)
    _whole(quantity, errors, "quantity", minimum=1, maximum=100000, message=_l("Enter a quantity from 1."))
    _choice(source, SOURCES, errors, "source", _l("Choose a funding source."))
    if unit_price is not None:
        _tenge(unit_price, errors, "unit_price")
    notes = _text(notes, errors, "notes", required=False, limit=2000)
    if errors:
        raise ValidationFailed(fields=errors)
    line = AllocationLine(center_id=center.id, item_id=item.id, programme_year=programme_year, quantity=quantity,
                          unit_price=item.unit_price if unit_price is None else unit_price, source=source,
                          stage="planned", expected_delivery_on=expected_delivery_on, notes=notes)
    line.steps.append(AllocationStep(stage="planned", on=today or almaty_today(), by_id=actor.id))
    db.session.add(line)
    db.session.flush()
    return line


def next_stage(stage: str) -> str | None:
    """The stage after ``stage`` in the delivery sequence, or None after the last."""
    index = STAGES.index(stage)
    return STAGES[index + 1] if index + 1 < len(STAGES) else None


def advance(line, *, to_stage, on, document="", expected_delivery_on=None, actor, today=None):
    """Move a line one step along the pipeline, with the step's date and document. Raises Forbidden,
    ChangedMeanwhile (another step was recorded at the same time), InvalidTransition, ValidationFailed."""
    require_foundation(actor)
    lock_for_change(line, CHANGED_MEANWHILE, status_of=lambda r: stage_label(r.stage),
                    state=lambda r: r.stage)
    if to_stage != next_stage(line.stage):
        raise InvalidTransition(_l("A line moves one step at a time: from %(current)s only to %(next)s.",
                                   current=stage_label(line.stage),
                                   next=stage_label(next_stage(line.stage)) if next_stage(line.stage) else "—"))
    errors = {}
    _date(on, errors, "on", not_future=True, today=today)
    document = _text(document, errors, "document", required=False, limit=120)
    if to_stage in DOCUMENT_REQUIRED and not document:
        errors.setdefault("document", []).append(DOCUMENT_REQUIRED[to_stage])
    # Steps are in order; "planned" is the day the line was recorded (often after the fact), so it does not count.
    previous = max((s.on for s in line.steps if s.stage != "planned"), default=None)
    if on is not None and previous is not None and on < previous:
        errors.setdefault("on", []).append(_l("The date is before the previous step (%(day)s).",
                                              day=format_date(previous, "long")))
    if to_stage == "ordered" and expected_delivery_on is None and line.expected_delivery_on is None:
        errors.setdefault("expected_delivery_on", []).append(_l("Give the expected delivery date."))
    if errors:
        raise ValidationFailed(fields=errors)
    if expected_delivery_on is not None:
        line.expected_delivery_on = expected_delivery_on
    line.steps.append(AllocationStep(stage=to_stage, on=on, document=document, by_id=actor.id))
    line.stage = to_stage
    db.session.flush()
    return line


def report_issue(line, *, kind, reported_on, description, actor, today=None):
    """Record a defect or warranty claim on a delivered line. Raises ValidationFailed for a bad field or a line
    not yet delivered."""
    require_foundation(actor)
    errors = {}
    _choice(kind, ISSUE_KINDS, errors, "kind", _l("Choose defect or warranty claim."))
    _date(reported_on, errors, "reported_on", not_future=True, today=today)
    description = _text(description, errors, "description", limit=2000)
    if STAGES.index(line.stage) < STAGES.index("delivered"):
        errors.setdefault("kind", []).append(_l("Defects and warranty claims are recorded once the item is delivered."))
    if errors:
        raise ValidationFailed(fields=errors)
    issue = LineIssue(line_id=line.id, kind=kind, reported_on=reported_on, description=description)
    db.session.add(issue)
    db.session.flush()
    return issue


def resolve_issue(issue, *, on, actor, today=None):
    """Mark an issue resolved on ``on``. Raises ValidationFailed for a future date or one before the report."""
    require_foundation(actor)
    errors = {}
    _date(on, errors, "on", not_future=True, today=today)
    if on is not None and on < issue.reported_on:
        errors.setdefault("on", []).append(_l("The date is before the issue was reported."))
    if errors:
        raise ValidationFailed(fields=errors)
    issue.resolved_on = on
    db.session.flush()


def set_programme_budget(*, year, source, amount, actor):
    """Set (or replace) a year's programme budget from one funding source. Raises ValidationFailed."""
    require_foundation(actor)
    errors = {}
    _year(year, errors, "year")
    _choice(source, BUDGET_SOURCES, errors, "source", _l("Choose a funding source."))
    _tenge(amount, errors, "amount")
    if errors:
        raise ValidationFailed(fields=errors)
    row = db.session.scalar(select(ProgrammeBudget).where(ProgrammeBudget.year == year,
                                                          ProgrammeBudget.source == source))
    if row is None:
        row = ProgrammeBudget(year=year, source=source, amount=amount)
        db.session.add(row)
    else:
        row.amount = amount
    db.session.flush()
    return row


# --- training ----------------------------------------------------------------------------------------------------

def create_course(*, code, title, provider="", hours, mode, counts_toward_target=True, refresher_months=None,
                  required_for="", actor):
    """Add a training course. Raises ValidationFailed for a bad field or a code already in use."""
    require_foundation(actor)
    from eic.centers.queries import disciplines

    errors = {}
    code = _text(code, errors, "code", limit=40)
    title = _text(title, errors, "title")
    provider = _text(provider, errors, "provider", required=False)
    _whole(hours, errors, "hours", minimum=1, maximum=2000, message=_l("Enter the hours, from 1 to 2000."))
    _choice(mode, COURSE_MODES, errors, "mode", _l("Choose how the course is taught."))
    if refresher_months is not None:
        _whole(refresher_months, errors, "refresher_months", minimum=1, maximum=120,
               message=_l("Enter the months until a refresher, from 1 to 120, or leave it empty."))
    codes = [c.strip() for c in (required_for or "").split(",") if c.strip()]
    known = {d.code for d in disciplines()}
    if any(c not in known for c in codes):
        errors.setdefault("required_for", []).append(_l("Unknown discipline: %(codes)s.",
                                                        codes=", ".join(c for c in codes if c not in known)))
    if code and db.session.scalar(select(Course.id).where(Course.code == code)):
        errors.setdefault("code", []).append(_l("A course with this code exists."))
    if errors:
        raise ValidationFailed(fields=errors)
    course = Course(code=code, title=title, provider=provider, hours=hours, mode=mode,
                    counts_toward_target=bool(counts_toward_target), refresher_months=refresher_months,
                    required_for=",".join(codes))
    db.session.add(course)
    db.session.flush()
    return course


def create_cohort(*, course, name, starts_on, ends_on, location="", actor):
    """Start a cohort of a course. Raises ValidationFailed for bad dates or a name the course already has."""
    require_foundation(actor)
    errors = {}
    if course is None:
        errors.setdefault("course", []).append(_l("Choose a course."))
    name = _text(name, errors, "name", limit=120)
    _date(starts_on, errors, "starts_on")
    _date(ends_on, errors, "ends_on")
    if starts_on and ends_on and ends_on < starts_on:
        errors.setdefault("ends_on", []).append(_l("The end date is before the start date."))
    location = _text(location, errors, "location", required=False)
    if course is not None and name and db.session.scalar(select(Cohort.id).where(Cohort.course_id == course.id,
                                                                                 Cohort.name == name)):
        errors.setdefault("name", []).append(_l("This course already has a cohort with this name."))
    if errors:
        raise ValidationFailed(fields=errors)
    cohort = Cohort(course_id=course.id, name=name, starts_on=starts_on, ends_on=ends_on, location=location)
    db.session.add(cohort)
    db.session.flush()
    return cohort


def find_or_add_trainee(*, center, full_name, discipline, email="", actor) -> Trainee:
    """The center's staff member of that name (compared case- and form-insensitively), or a new one. Raises
    ValidationFailed for a missing field, or when the person is recorded in another discipline."""
    require_foundation(actor)
    errors = {}
    if center is None:
        errors.setdefault("center", []).append(_l("Choose a center."))
    full_name = " ".join(_text(full_name, errors, "full_name").split())
    if discipline is None:
        errors.setdefault("discipline", []).append(_l("Choose a discipline."))
    email = _text(email, errors, "email", required=False, limit=254)
    if email and "@" not in email:
        errors.setdefault("email", []).append(_l("Enter an e-mail address."))
    if errors:
        raise ValidationFailed(fields=errors)
    # One person however the name is typed: case, Unicode form and spaces do not make a second trainee (who would
    # count twice toward the target).
    key = search_key(full_name)
    trainee = next((t for t in db.session.scalars(select(Trainee).where(Trainee.center_id == center.id))
                    if search_key(t.full_name) == key), None)
    if trainee is None:
        from eic.accounts.models import User

        user_id = db.session.scalar(select(User.id).where(User.email == email.lower())) if email else None
        trainee = Trainee(center_id=center.id, full_name=full_name, discipline_id=discipline.id, email=email,
                          user_id=user_id)
        db.session.add(trainee)
        db.session.flush()
    elif trainee.discipline_id != discipline.id:
        raise ValidationFailed(fields={"discipline": [_l("%(name)s is recorded at this center as %(discipline)s.",
                                                         name=full_name,
                                                         discipline=localized(trainee.discipline, "name"))]})
    return trainee


def enrol(*, cohort, trainee, actor) -> Enrolment:
    """Enrol a trainee in a cohort; enrolling twice returns the existing enrolment."""
    require_foundation(actor)
    existing = db.session.scalar(select(Enrolment).where(Enrolment.cohort_id == cohort.id,
                                                         Enrolment.trainee_id == trainee.id))
    if existing is not None:
        return existing
    enrolment = Enrolment(cohort_id=cohort.id, trainee_id=trainee.id, status="enrolled")
    db.session.add(enrolment)
    db.session.flush()
    return enrolment


def enrol_staff_member(*, cohort, center, full_name, discipline, email="", actor) -> Enrolment:
    """Enrol a center's staff member in a cohort, recording them first if they are new (the form and the roster
    import both come here)."""
    trainee = find_or_add_trainee(center=center, full_name=full_name, discipline=discipline, email=email,
                                  actor=actor)
    return enrol(cohort=cohort, trainee=trainee, actor=actor)


def record_day(enrolment, *, on, present, actor, today=None):
    """Record a trainee's presence on one day of the cohort. Raises ValidationFailed for a future day or one
    outside the cohort's dates."""
    require_foundation(actor)
    errors = {}
    _date(on, errors, "on", not_future=True, today=today)
    cohort = enrolment.cohort
    if on is not None and not cohort.starts_on <= on <= cohort.ends_on:
        errors.setdefault("on", []).append(_l("The day is outside the cohort's dates (%(first)s to %(last)s).",
                                              first=format_date(cohort.starts_on, "long"),
                                              last=format_date(cohort.ends_on, "long")))
    if errors:
        raise ValidationFailed(fields=errors)
    row = db.session.scalar(select(TrainingDay).where(TrainingDay.enrolment_id == enrolment.id,
                                                      TrainingDay.on == on))
    if row is None:
        row = TrainingDay(enrolment_id=enrolment.id, on=on)
        db.session.add(row)
    row.present = bool(present)
    db.session.flush()
    return row


def complete(enrolment, *, completed_on, certificate_number, actor, today=None):
    """Completion with a certificate; the refresher date follows from the course."""
    require_foundation(actor)
    errors = {}
    _date(completed_on, errors, "completed_on", not_future=True, today=today)
    certificate_number = _text(certificate_number, errors, "certificate_number", limit=60)
    if completed_on is not None and completed_on < enrolment.cohort.starts_on:
        errors.setdefault("completed_on", []).append(_l("The date is before the cohort started (%(day)s).",
                                                        day=format_date(enrolment.cohort.starts_on, "long")))
    if errors:
        raise ValidationFailed(fields=errors)
    enrolment.status = "completed"
    enrolment.completed_on = completed_on
    enrolment.certificate_number = certificate_number
    months = enrolment.cohort.course.refresher_months
    enrolment.expires_on = completed_on + relativedelta(months=months) if months else None
    db.session.flush()
    return enrolment


# --- mentoring ---------------------------------------------------------------------------------------------------

def record_visit(*, center, kind, visited_on, mentor, scores: dict, findings="", actions=(), actor, today=None):
    """A visit with its checklist scores (0-3 per item; an item may be left unscored) and agreed actions
    (``[{"description", "owner", "due_on"}]``)."""
    require_foundation(actor)
    errors = {}
    if center is None:
        errors.setdefault("center", []).append(_l("Choose a center."))
    _choice(kind, VISIT_KINDS, errors, "kind", _l("Choose the kind of visit."))
    _date(visited_on, errors, "visited_on", not_future=True, today=today)
    mentor = _text(mentor, errors, "mentor")
    clean = {}
    for code, score in (scores or {}).items():
        if code not in CHECKLIST:
            errors.setdefault("scores", []).append(_l("Unknown checklist item."))
        elif score is not None:
            clean[code] = _whole(score, errors, f"score_{code}", minimum=0, maximum=3,
                                 message=_l("Score from 0 to 3."))
    findings = _text(findings, errors, "findings", required=False, limit=5000)
    rows = []
    for position, action in enumerate(actions):
        n = action.get("index", position)  # the row of the form it came from
        description = _text(action.get("description"), errors, f"actions-{n}-description", limit=2000)
        owner = _text(action.get("owner"), errors, f"actions-{n}-owner")
        due_on = _date(action.get("due_on"), errors, f"actions-{n}-due_on")
        if due_on is not None and visited_on is not None and due_on < visited_on:
            errors.setdefault(f"actions-{n}-due_on", []).append(_l("The due date is before the visit."))
        rows.append(VisitAction(description=description, owner=owner, due_on=due_on))
    if errors:
        raise ValidationFailed(fields=errors)
    visit = Visit(center_id=center.id, kind=kind, visited_on=visited_on, mentor=mentor, scores=clean,
                  findings=findings, created_by_id=actor.id)
    visit.actions.extend(rows)
    db.session.add(visit)
    db.session.flush()
    return visit


def finish_action(action, *, on, actor, today=None):
    """Mark a visit's action done on ``on``. Raises InvalidTransition if it is done already and
    ValidationFailed for a future date or one before the visit."""
    require_foundation(actor)
    if action.status not in ACTION_STATUSES or action.status == "done":
        raise InvalidTransition(_l("The action is already done."))
    errors = {}
    _date(on, errors, "on", not_future=True, today=today)
    if on is not None and on < action.visit.visited_on:
        errors.setdefault("on", []).append(_l("The date is before the visit."))
    if errors:
        raise ValidationFailed(fields=errors)
    action.status, action.done_on = "done", on
    db.session.flush()


def stage_label(stage: str) -> str:
    """The stage's name in the current language."""
    from .labels import STAGE_LABELS

    return str(STAGE_LABELS.get(stage, stage))
