"""Intake: contact, assessment, the proposed team, assignment (which enrols) and the waitlist."""
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from eic.centers import queries as center_queries
from eic.core.errors import Forbidden, InvalidTransition, ValidationFailed
from eic.core.timeutil import almaty_today
from eic.extensions import db
from eic.referrals import permissions as referral_permissions
from eic.referrals import services as referral_services
from eic.referrals.status import Status

from . import queries
from .models import DOMAINS, NEEDS, Assessment, InitialContact, ScreeningResult, TeamMember, WaitlistEntry

CONTACT_METHODS = ("phone", "visit", "center", "message")
WORKING_STATUSES = (Status.ACCEPTED, Status.WAITLISTED, Status.ENROLLED)


def _require_coordinator(actor, referral):
    if not referral_permissions.can_coordinate(actor, referral):
        raise Forbidden()


def _require_status(referral, statuses):
    if referral.status not in statuses:
        raise InvalidTransition(_l("Accept the referral first."))


def _check_day(name, on, referral, today, errors):
    if on is None:
        errors[name] = [_l("Enter a date as YYYY-MM-DD.")]
    elif on > today:
        errors[name] = [_l("The date cannot be in the future.")]
    elif on < referral.referred_on:
        errors[name] = [_l("The date cannot be before the referral date.")]


def record_contact(referral, *, contacted_on: date, method: str, person_reached: str, notes: str = "",
                   actor, today: date | None = None) -> InitialContact:
    """Record a contact with the family. Raises Forbidden, InvalidTransition, ValidationFailed."""
    _require_coordinator(actor, referral)
    _require_status(referral, WORKING_STATUSES)
    today = today or almaty_today()
    errors = {}
    _check_day("contacted_on", contacted_on, referral, today, errors)
    if method not in CONTACT_METHODS:
        errors["method"] = [_l("Choose how the family was reached.")]
    if not (person_reached or "").strip():
        errors["person_reached"] = [_l("This field is required.")]
    if errors:
        raise ValidationFailed(fields=errors)
    contact = InitialContact(referral_id=referral.id, contacted_on=contacted_on, method=method,
                             person_reached=person_reached.strip(), notes=(notes or "").strip(), actor_id=actor.id)
    db.session.add(contact)
    referral_services.mark_step(referral, step="first_contact", on=contacted_on)
    return contact


def record_assessment(referral, *, assessed_on: date, levels: dict, needs: set, phq4: list, urgency: int,
                      complexity: int, severity: int, screenings=(), notes: str = "", actor,
                      today: date | None = None) -> Assessment:
    """Record an assessment; it sets the case's priority. ``screenings``: dicts of instrument, taken_on,
    score, band. Raises Forbidden, InvalidTransition, ValidationFailed.
    """
    _require_coordinator(actor, referral)
    _require_status(referral, WORKING_STATUSES)
    today = today or almaty_today()
    errors = {}
    _check_day("assessed_on", assessed_on, referral, today, errors)
    for domain in DOMAINS:
        if levels.get(domain) not in (0, 1, 2, 3):
            errors[domain] = [_l("Choose a level of concern.")]
    if len(phq4) != 4 or any(item not in (0, 1, 2, 3) for item in phq4):
        errors["phq4"] = [_l("Answer each PHQ-4 question with a score from 0 to 3.")]
    for name, value in (("urgency", urgency), ("complexity", complexity), ("severity", severity)):
        if value not in (1, 2, 3):
            errors[name] = [_l("Choose low, medium or high.")]
    rows = []
    for i, s in enumerate(screenings):
        if not (s.get("instrument") or "").strip():
            continue
        if s.get("taken_on") is None or s["taken_on"] > today:
            errors[f"screenings-{i}-taken_on"] = [_l("Enter the date the screening was done (not in the future).")]
        rows.append(ScreeningResult(instrument=s["instrument"].strip()[:80], taken_on=s.get("taken_on"),
                                    score=str(s.get("score") or "").strip()[:20],
                                    band=str(s.get("band") or "").strip()[:40]))
    if errors:
        raise ValidationFailed(fields=errors)
    assessment = Assessment(referral_id=referral.id, assessed_on=assessed_on, urgency=urgency,
                            complexity=complexity, severity=severity, notes=(notes or "").strip(),
                            assessor_id=actor.id, screenings=rows,
                            **{d: levels[d] for d in DOMAINS}, **{f"need_{n}": n in needs for n in NEEDS},
                            **{f"phq4_{i + 1}": v for i, v in enumerate(phq4)})
    db.session.add(assessment)
    referral.priority = assessment.priority
    referral_services.mark_step(referral, step="assessment", on=assessed_on)
    return assessment


def needed_domains(assessment: Assessment, has_diagnosis: bool) -> set[str]:
    """The domains and needs that call for a discipline (the mapping is in disciplines.csv)."""
    needed = {d for d in DOMAINS if getattr(assessment, d) > 0}
    if any(getattr(assessment, f"need_{n}") for n in NEEDS):
        needed.add("family_social")
    if assessment.caregiver_needs_support:
        needed.add("caregiver")
    # A diagnosed condition needs a physician on the team.
    if has_diagnosis:
        needed.add("medical")
    return needed


@dataclass
class Proposal:
    """One discipline of a proposed team: the suggested specialist, their free places, the other candidates,
    and whether the assessment asks for the discipline."""
    discipline: object
    specialist: object | None
    free: int
    candidates: list
    is_needed: bool


def propose_team(referral, assessment: Assessment) -> list[Proposal]:
    """For each needed discipline, the center's specialist with the most free caseload, preferring one who
    speaks the family's language; ``specialist`` is None when nobody has room. Disciplines the assessment
    does not call for are listed too, not needed, so the coordinator can add them."""
    needed = needed_domains(assessment, bool(referral.diagnoses))
    loads = queries.active_caseloads(referral.center_id)
    staff = queries.specialists(referral.center_id)
    language = referral.caregiver.preferred_language
    proposals = []
    for discipline in center_queries.disciplines():
        candidates = []
        for person in staff:
            if person.discipline_id != discipline.id:
                continue
            free = person.effective_caseload_limit - loads.get(person.id, 0)
            candidates.append((person, free))
        candidates.sort(key=lambda c: (c[1] > 0, language in c[0].language_list, c[1]), reverse=True)
        best = candidates[0] if candidates and candidates[0][1] > 0 else None
        proposals.append(Proposal(discipline=discipline, specialist=best[0] if best else None,
                                  free=best[1] if best else 0, candidates=candidates,
                                  is_needed=bool(discipline.domains & needed)))
    return proposals


def assign_team(referral, *, members: dict, lead_discipline_id: int, actor, today: date | None = None):
    """Assign the team and enrol the child. ``members`` maps discipline id to specialist id.

    Raises Forbidden, InvalidTransition (not accepted/waitlisted or not assessed), ValidationFailed
    (a specialist at their limit, of another center or discipline; no lead; empty team).
    """
    from eic.accounts.models import User

    _require_coordinator(actor, referral)
    if referral.status not in (Status.ACCEPTED, Status.WAITLISTED):
        raise InvalidTransition(_l("A team can be assigned only to an accepted or waitlisted referral."))
    if queries.latest_assessment(referral.id) is None:
        raise InvalidTransition(_l("Record the assessment before assigning a team."))
    today = today or almaty_today()
    errors = {}
    if not members:
        errors["team"] = [_l("Choose at least one specialist.")]
    if lead_discipline_id not in members:
        errors["lead"] = [_l("Name one member of the team as lead.")]
    loads = queries.active_caseloads(referral.center_id)
    rows = []
    for discipline_id, specialist_id in members.items():
        person = db.session.get(User, specialist_id) if specialist_id else None
        if (person is None or person.center_id != referral.center_id or person.discipline_id != discipline_id
                or not person.is_active):
            errors[f"specialist_{discipline_id}"] = [_l("Choose a specialist of this discipline at the center.")]
            continue
        if loads.get(person.id, 0) >= person.effective_caseload_limit:
            errors[f"specialist_{discipline_id}"] = [_l("%(name)s has no free places (limit %(limit)s).",
                                                        name=person.full_name,
                                                        limit=person.effective_caseload_limit)]
            continue
        rows.append(TeamMember(referral_id=referral.id, discipline_id=discipline_id, specialist_id=person.id,
                               is_lead=discipline_id == lead_discipline_id, assigned_on=today))
    if errors:
        raise ValidationFailed(fields=errors)
    db.session.add_all(rows)
    for entry in queries.open_waitlist_entries([referral.id]).get(referral.id, []):
        entry.removed_on = today
    referral_services.transition(referral, to=Status.ENROLLED, actor=actor, today=today)
    return rows


def put_on_waitlist(referral, *, discipline_ids: list[int], reason: str, actor, today: date | None = None):
    """Waitlist an accepted referral: the disciplines without room and why."""
    _require_coordinator(actor, referral)
    if not (reason or "").strip():
        raise ValidationFailed(fields={"reason": [_l("Give a reason.")]})
    today = today or almaty_today()
    referral_services.transition(referral, to=Status.WAITLISTED, actor=actor, reason=reason, today=today)
    for discipline_id in discipline_ids or [None]:
        db.session.add(WaitlistEntry(referral_id=referral.id, discipline_id=discipline_id, reason=reason.strip(),
                                     added_on=today))
