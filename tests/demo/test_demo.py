from sqlalchemy import func, select

from eic.demo.data import load_demo
from eic.extensions import db
from eic.referrals.models import Referral
from eic.referrals.validation import iin_error
from eic.therapy.models import Plan, TherapySession


def test_demo_data_covers_every_status_and_role(ctx, session):
    logins = load_demo(referrals_per_center=15)
    roles = {role for role, _email, _where in logins}
    assert roles == {"admin", "foundation", "ministry", "coordinator", "specialist", "pediatrician", "caregiver"}
    statuses = dict(db.session.execute(select(Referral.status, func.count()).group_by(Referral.status)).all())
    assert {s.value for s in statuses} == {"submitted", "accepted", "waitlisted", "enrolled", "declined",
                                           "redirected", "withdrawn", "closed"}
    assert sum(statuses.values()) >= 195
    assert all(iin_error(r.child.iin) is None for r in db.session.scalars(select(Referral)).all()[:50])
    assert db.session.scalar(select(func.count()).select_from(Plan)) > 0
    assert db.session.scalar(select(func.count()).select_from(TherapySession)) > 0


def test_the_demo_family_has_something_to_do_and_the_coordinator_something_to_follow(ctx, session):
    from eic.family import access, groups, practice, wellbeing
    from eic.family.demo import DEMO_PHONE
    from eic.support.models import SupportEntry

    load_demo(referrals_per_center=15)
    user = access._account_for(DEMO_PHONE)
    children = access.children_of(user)
    assert children and any(practice.plans_to_practise(children).values())
    assert wellbeing.is_due(user) and groups.groups_for(user)
    center_id = access.latest_referrals(children)[children[0].id].center_id
    assert wellbeing.open_tasks(center_id) and groups.open_requests(center_id)
    assert db.session.scalar(select(func.count()).select_from(SupportEntry)) >= 8 * 13
