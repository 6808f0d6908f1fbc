"""Everything the platform holds about a child and the child's family, section by section, worded in the current
language: the family's copy (Law No. 94-V: the subject's access to their data). Each section is (title, headers,
rows), for the printable page and the workbook alike."""
from flask_babel import gettext as _
from sqlalchemy import select

from eic.core.i18n import LANGUAGE_LABELS, localized
from eic.core.timeutil import ALMATY
from eic.extensions import db
from eic.intake.forms import CONTACT_METHOD_LABELS
from eic.intake.models import Assessment, InitialContact, TeamMember
from eic.referrals.forms import CONSENT_LABELS, RELATION_LABELS
from eic.referrals.models import Caregiver, Consent, Referral, StatusChange
from eic.referrals.status import STATUS_LABELS
from eic.therapy.forms import DISCHARGE_LABELS, SERVICE_KIND_LABELS, SETTING_LABELS
from eic.therapy.models import Discharge, Goal, Plan, PlanService, TherapySession


def _label(labels, code):
    return str(labels.get(code, code)) if code else ""


def sections(child) -> list[tuple]:
    """The family's copy of ``child``'s records."""
    referrals = db.session.scalars(select(Referral).where(Referral.child_id == child.id)
                                   .order_by(Referral.referred_on, Referral.id)).all()
    ids = [r.id for r in referrals]
    return [s for s in (
        _child(child), _caregivers(child), _referrals(referrals), _history(ids), _consents(child),
        _contacts(ids), _assessments(ids), _team(ids), _plans(ids), _sessions(ids), _discharges(ids),
        _practice(ids), _checkins(ids), _surveys(ids), _recommended(ids), _group_requests(ids)) if s[2]]


def _child(child):
    sex = {"M": _("boy"), "F": _("girl")}.get(child.sex, child.sex)
    return (_("Child"), [_("Field"), _("Value")],
            [[_("Full name"), child.full_name], [_("IIN"), child.iin], [_("Date of birth"), child.birth_on],
             [_("Sex"), sex], [_("Address"), child.address], [_("District"), child.district]])


def _caregivers(child):
    rows = db.session.scalars(select(Caregiver).where(Caregiver.child_id == child.id)).all()
    return (_("Caregivers"), [_("Name"), _("Relation"), _("Phone"), _("Language")],
            [[c.full_name, _label(RELATION_LABELS, c.relation), c.phone,
              _label(LANGUAGE_LABELS, c.preferred_language)] for c in rows])


def _referrals(referrals):
    return (_("Referrals"), [_("Referred on"), _("Center"), _("Status"), _("Diagnoses (ICD-10)"), _("Ended on")],
            [[r.referred_on, localized(r.center, "city"), _label(STATUS_LABELS, r.status),
              ", ".join(d.code for d in r.diagnoses), r.ended_on or ""] for r in referrals])


def _history(ids):
    rows = db.session.scalars(select(StatusChange).where(StatusChange.referral_id.in_(ids))
                              .order_by(StatusChange.at)).all()
    return (_("History"), [_("Date"), _("From"), _("To"), _("Reason")],
            [[c.on, _label(STATUS_LABELS, c.from_status), _label(STATUS_LABELS, c.to_status), c.reason]
             for c in rows])


def _consents(child):
    rows = db.session.scalars(select(Consent).where(Consent.child_id == child.id).order_by(Consent.id)).all()
    return (_("Consents"), [_("What"), _("Given"), _("By"), _("On"), _("Form and version"), _("Withdrawn on")],
            [[_label(CONSENT_LABELS, c.kind), _("yes") if c.given else _("no"), c.given_by, c.given_on,
              c.form_version, c.withdrawn_on or ""] for c in rows])


def _contacts(ids):
    rows = db.session.scalars(select(InitialContact).where(InitialContact.referral_id.in_(ids))
                              .order_by(InitialContact.contacted_on)).all()
    return (_("Contacts with the center"), [_("Date"), _("How"), _("Who was reached"), _("Notes")],
            [[c.contacted_on, _label(CONTACT_METHOD_LABELS, c.method), c.person_reached, c.notes] for c in rows])


def _assessments(ids):
    rows = db.session.scalars(select(Assessment).where(Assessment.referral_id.in_(ids))
                              .order_by(Assessment.assessed_on)).all()
    headers = [_("Date"), _("Movement"), _("Communication"), _("Thinking"), _("Social and emotional"),
               _("Self-care"), _("Caregiver's check-in (PHQ-4)"), _("Notes")]
    return (_("Assessments"), headers,
            [[a.assessed_on, a.motor, a.communication, a.cognitive, a.social_emotional, a.adaptive,
              a.phq4_1 + a.phq4_2 + a.phq4_3 + a.phq4_4, a.notes] for a in rows])


def _team(ids):
    rows = db.session.scalars(select(TeamMember).where(TeamMember.referral_id.in_(ids))
                              .order_by(TeamMember.assigned_on)).all()
    return (_("Team"), [_("Discipline"), _("Specialist"), _("From"), _("Until")],
            [[localized(m.discipline, "name"), m.specialist.full_name, m.assigned_on, m.ended_on or ""]
             for m in rows])


def _plans(ids):
    plans = {p.id: p for p in db.session.scalars(select(Plan).where(Plan.referral_id.in_(ids)))}
    goals = db.session.scalars(select(Goal).where(Goal.plan_id.in_(plans)).order_by(Goal.plan_id, Goal.id)).all()
    services = db.session.scalars(select(PlanService).where(PlanService.plan_id.in_(plans))).all()
    rows = [[plans[g.plan_id].version, plans[g.plan_id].starts_on, _("Goal"), g.description, g.criterion, g.target_on]
            for g in goals]
    rows += [[plans[s.plan_id].version, plans[s.plan_id].starts_on, _("Service"),
              _label(SERVICE_KIND_LABELS, s.kind), _label(SETTING_LABELS, s.setting), s.ends_on] for s in services]
    return (_("Plans"), [_("Version"), _("From"), _("Kind"), _("What"), _("How it is checked / where"), _("Until")],
            rows)


def _sessions(ids):
    rows = db.session.scalars(select(TherapySession).where(TherapySession.referral_id.in_(ids))
                              .order_by(TherapySession.starts_at)).all()
    attendance = {"attended": _("Attended"), "absent": _("Did not attend")}

    def state(s):
        return attendance.get(s.attendance, "" if s.is_active else _("Cancelled"))

    return (_("Sessions"), [_("When"), _("Specialist"), _("Where"), _("Attendance"), _("What was done"),
                            _("Progress"), _("Family plan until the next session")],
            [[s.starts_at.astimezone(ALMATY).replace(tzinfo=None), s.specialist.full_name,
              _label(SETTING_LABELS, s.setting), state(s), s.note_done, s.note_progress, s.note_family_plan]
             for s in rows])


def _discharges(ids):
    rows = db.session.scalars(select(Discharge).where(Discharge.referral_id.in_(ids))).all()
    return (_("Discharge"), [_("Date"), _("Reason"), _("Where next"), _("Summary")],
            [[d.discharged_on, _label(DISCHARGE_LABELS, d.reason), d.destination, d.handover_summary] for d in rows])


def _practice(ids):
    from eic.family.models import HomePractice

    rows = db.session.execute(select(HomePractice, TherapySession.note_family_plan).join(
        TherapySession, TherapySession.id == HomePractice.session_id).where(TherapySession.referral_id.in_(ids))
        .order_by(HomePractice.practised_on)).all()
    return (_("Practice at home"), [_("Date"), _("Family plan until the next session"), _("Comment")],
            [[t.practised_on, plan, t.comment] for t, plan in rows])


def _checkins(ids):
    from eic.family.models import WellbeingCheckin

    rows = db.session.scalars(select(WellbeingCheckin).where(WellbeingCheckin.referral_id.in_(ids))
                              .order_by(WellbeingCheckin.created_at)).all()
    headers = [_("Date"), _("Caregiver's check-in (PHQ-4)"), _("Support offered")]
    return (_("Caregiver's wellbeing check-ins"), headers,
            [[c.created_at.date(), c.score, c.done_note] for c in rows])


def _surveys(ids):
    from eic.family.models import FamilySurvey
    from eic.family.surveys import OCCASION_LABELS, OUTCOME_QUESTIONS, SATISFACTION_QUESTIONS

    questions = OUTCOME_QUESTIONS + SATISFACTION_QUESTIONS
    rows = db.session.scalars(select(FamilySurvey).where(FamilySurvey.referral_id.in_(ids))
                              .order_by(FamilySurvey.created_at)).all()
    return (_("The family's opinion"), [_("Date"), _("When")] + [str(q) for _n, q in questions] + [_("Comment")],
            [[r.created_at.date(), _label(OCCASION_LABELS, r.occasion)] + [getattr(r, n) for n, _q in questions]
             + [r.comment] for r in rows])


def _recommended(ids):
    from eic.support.models import Recommendation

    rows = db.session.scalars(select(Recommendation).where(Recommendation.referral_id.in_(ids))
                              .order_by(Recommendation.id)).all()
    return (_("Support recommended to the family"), [_("Date"), _("Name"), _("Contacts (phone, address, website)")],
            [[r.created_at.date(), localized(r.entry, "name"), r.entry.contacts] for r in rows])


def _group_requests(ids):
    from eic.family.models import PeerGroupRequest

    states = {"asked": _("Asked"), "accepted": _("Accepted"), "declined": _("Declined")}
    rows = db.session.scalars(select(PeerGroupRequest).where(PeerGroupRequest.referral_id.in_(ids))
                              .order_by(PeerGroupRequest.asked_at)).all()
    return (_("Requests to join a parents' group"), [_("Date"), _("When"), _("Status")],
            [[r.asked_at.date(), r.session.starts_at.astimezone(ALMATY).replace(tzinfo=None), _label(states, r.status)]
             for r in rows])
