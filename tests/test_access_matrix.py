"""Every role (and anonymous) against every endpoint: the expected status, for pages and the API.

A new endpoint without a row here fails ``test_every_endpoint_is_in_the_matrix``.
"""
from datetime import datetime, timedelta, timezone

import pytest

from eic.core.roles import STAFF_ROLES, Role
from eic.referrals.status import Status
from tests.factories.accounts import user_for_role
from tests.factories.centers import RoomFactory, center
from tests.factories.intake import TeamMemberFactory
from tests.factories.referrals import ReferralFactory
from tests.factories.therapy import TherapySessionFactory

ALL = STAFF_ROLES  # every role that works in the platform; the caregiver is its own column (FAMILY_PAGES)
EVERY_ROLE = tuple(Role)
STAFF = (Role.COORDINATOR, Role.SPECIALIST)
CHILD = (Role.PEDIATRICIAN, Role.COORDINATOR, Role.SPECIALIST)
ROLLOUT_READERS = (Role.FOUNDATION, Role.COORDINATOR)
SUPPORT_EDITORS = (Role.COORDINATOR, Role.FOUNDATION)

# endpoint: (method, url template, roles allowed, status when allowed)
MATRIX = {
    "core.index": ("GET", "/", ALL, 302),
    "core.set_language": ("POST", "/language", None, 302),
    "core.healthz": ("GET", "/healthz", None, 200),
    "core.readyz": ("GET", "/readyz", None, 200),
    "core.metrics": ("GET", "/metrics", None, 404),  # no token configured: the address does not exist
    "core.openapi": ("GET", "/api/v1/openapi.json", None, 200),
    "capacity.index": ("GET", "/capacity/", (Role.COORDINATOR, Role.ADMIN), 200),
    "capacity.served": ("GET", "/capacity/served", (Role.COORDINATOR,), 200),
    "capacity.timeliness_children": ("GET", "/capacity/timeliness/plan", (Role.COORDINATOR,), 200),
    "capacity.report_export": ("GET", "/capacity/report.xlsx", (Role.COORDINATOR, Role.ADMIN), 200),
    "capacity_api.center_capacity": ("GET", "/api/v1/centers/aktobe/capacity", (Role.COORDINATOR, Role.ADMIN), 200),
    "coverage.index": ("GET", "/coverage/", (Role.MINISTRY, Role.ADMIN), 200),
    "coverage_api.coverage": ("GET", "/api/v1/coverage", (Role.MINISTRY, Role.ADMIN), 200),
    "coverage.export": ("GET", "/coverage/export.xlsx", (Role.MINISTRY, Role.ADMIN), 200),
    "referrals.export": ("GET", "/referrals/export.xlsx", CHILD, 200),
    "capacity.waitlist_export": ("GET", "/capacity/waitlist.xlsx", (Role.COORDINATOR,), 200),
    "capacity.sessions_export": ("GET", "/capacity/sessions.xlsx", STAFF, 200),
    "rollout.index": ("GET", "/rollout/", (Role.FOUNDATION, Role.COORDINATOR, Role.MINISTRY), 200),
    "rollout.equipment": ("GET", "/rollout/equipment", ROLLOUT_READERS, 200),
    "rollout.line": ("GET", "/rollout/equipment/{line}", ROLLOUT_READERS, 200),
    "rollout.catalogue": ("GET", "/rollout/catalogue", (Role.FOUNDATION,), 200),
    "rollout.budget": ("GET", "/rollout/budget", (Role.FOUNDATION,), 200),
    "rollout.training": ("GET", "/rollout/training", ROLLOUT_READERS, 200),
    "rollout.courses": ("GET", "/rollout/training/courses", (Role.FOUNDATION,), 200),
    "rollout.cohort": ("GET", "/rollout/training/cohorts/{cohort}", (Role.FOUNDATION,), 200),
    "rollout.visits": ("GET", "/rollout/visits", (Role.FOUNDATION,), 200),
    "rollout.finish_action": ("POST", "/rollout/visits/actions/{action}/done", (Role.FOUNDATION,), 302),
    "rollout.import_file": ("POST", "/rollout/import/roster", (Role.FOUNDATION,), 302),
    "rollout.import_template": ("GET", "/rollout/import/equipment/template.xlsx", (Role.FOUNDATION,), 200),
    "rollout.equipment_export": ("GET", "/rollout/equipment.xlsx", ROLLOUT_READERS, 200),
    "rollout.budget_export": ("GET", "/rollout/budget.xlsx", (Role.FOUNDATION,), 200),
    "rollout.training_export": ("GET", "/rollout/training.xlsx", ROLLOUT_READERS, 200),
    "rollout_api.equipment": ("GET", "/api/v1/rollout/equipment", ROLLOUT_READERS, 200),
    "rollout_api.budget": ("GET", "/api/v1/rollout/budget", (Role.FOUNDATION, Role.MINISTRY), 200),
    "rollout_api.training": ("GET", "/api/v1/rollout/training", (Role.FOUNDATION, Role.MINISTRY, Role.COORDINATOR),
                             200),
    "jobs.index": ("GET", "/admin/jobs", (Role.ADMIN,), 200),
    "audit.index": ("GET", "/admin/audit/", (Role.ADMIN,), 200),
    "centers.polyclinics": ("GET", "/centers/polyclinics", (Role.ADMIN,), 200),
    "tokens.everyone": ("GET", "/admin/tokens", (Role.ADMIN,), 200),
    "tokens.mine": ("GET", "/account/tokens", ALL, 200),
    "tokens.revoke": ("POST", "/account/tokens/999999/revoke", ALL, 404),
    "intake.emergency_accesses": ("GET", "/intake/emergency-access", (Role.COORDINATOR,), 200),
    # On the team already: straight to the case.
    "referrals.emergency_access": ("GET", "/referrals/{referral}/emergency-access", (Role.SPECIALIST,), 302),
    "audit.export": ("GET", "/admin/audit/export.xlsx", (Role.ADMIN,), 200),
    "jobs.run_now": ("POST", "/admin/jobs/notifications.deliver_outbox/run", (Role.ADMIN,), 302),
    "jobs.outbox": ("GET", "/admin/outbox", (Role.ADMIN,), 200),
    "notifications.email_preferences": ("POST", "/notifications/email", ALL, 302),
    "coverage.weekly": ("GET", "/coverage/weekly/coverage-2000-W01.xlsx", (Role.MINISTRY, Role.ADMIN), 404),
    "core.settings_page": ("GET", "/admin/settings", (Role.ADMIN,), 200),
    "accounts.login": ("GET", "/login", None, 200),  # a logged-in user is sent home: see PUBLIC_WHEN_LOGGED_IN
    "accounts.logout": ("POST", "/logout", ALL, 302),
    "accounts.password": ("GET", "/password", ALL, 200),
    "accounts.second_factor": ("GET", "/account/second-factor", ALL, 200),
    # Without a password step first, the code page sends the browser back to log in.
    "accounts.second_factor_code": ("GET", "/login/code", None, 302),
    "accounts.users": ("GET", "/admin/users", (Role.ADMIN,), 200),
    "accounts.create_user": ("GET", "/admin/users/new", (Role.ADMIN,), 200),
    "accounts.toggle_active": ("POST", "/admin/users/{other_user}/active", (Role.ADMIN,), 302),
    "accounts.edit_user": ("GET", "/admin/users/{other_user}", (Role.ADMIN,), 200),
    "accounts.send_reset": ("POST", "/admin/users/{other_user}/reset", (Role.ADMIN,), 302),
    "accounts.unlock": ("POST", "/admin/users/{other_user}/unlock", (Role.ADMIN,), 302),
    # An unknown link answers 404 to everyone, logged in or not.
    "accounts.reset_password": ("GET", "/password/reset/no-such-link", None, 404),
    "centers.index": ("GET", "/centers", ALL, 200),
    "centers.births": ("GET", "/centers/births", (Role.ADMIN,), 200),
    "centers.rooms": ("GET", "/centers/rooms", (Role.ADMIN, Role.COORDINATOR), 200),
    "centers.births_import": ("POST", "/centers/births/import", (Role.ADMIN,), 422),
    "centers.births_template": ("GET", "/centers/births/template.xlsx", (Role.ADMIN,), 200),
    "centers.edit": ("GET", "/centers/{center}/edit", (Role.ADMIN,), 200),
    "centers_api.list_centers": ("GET", "/api/v1/centers", ALL, 200),
    "notifications.index": ("GET", "/notifications", ALL, 200),
    "notifications.mark_read": ("POST", "/notifications/read", ALL, 302),
    "referrals.new": ("GET", "/referrals/new", (Role.PEDIATRICIAN,), 200),
    "referrals.mine": ("GET", "/referrals/mine", (Role.PEDIATRICIAN,), 200),
    "referrals.index": ("GET", "/referrals", STAFF, 200),
    "referrals.detail": ("GET", "/referrals/{referral}", CHILD, 200),
    "referrals.letter": ("GET", "/referrals/{referral}/letter/ru", CHILD, 200),
    "referrals.change_iin": ("POST", "/referrals/{referral}/iin", (Role.COORDINATOR,), 422),
    "family.copy_page": ("GET", "/family/copy/{referral}", (Role.COORDINATOR,), 200),
    "family_door.login": ("GET", "/family/login", None, 200),  # a logged-in user is sent home
    "family_door.code": ("GET", "/family/code", None, 302),  # no number asked for yet: back to the phone form
    "family_door.home": ("GET", "/family/", (Role.CAREGIVER,), 200),
    # The world's session is another family's child: not there for this caregiver.
    "family_door.confirm": ("POST", "/family/sessions/{session}/confirm", (Role.CAREGIVER,), 404),
    "family_door.cancel": ("POST", "/family/sessions/{session}/cancel", (Role.CAREGIVER,), 404),
    "family_door.practised": ("POST", "/family/practice/{session}", (Role.CAREGIVER,), 404),
    "family_door.checkin": ("GET", "/family/checkin", (Role.CAREGIVER,), 404),  # no child enrolled: nothing to ask
    "family_door.survey": ("GET", "/family/survey/{referral}/six_months", (Role.CAREGIVER,), 404),
    "family_door.ask_to_join": ("POST", "/family/groups/{session}/ask", (Role.CAREGIVER,), 404),
    "family_door.support": ("GET", "/family/support", (Role.CAREGIVER,), 200),
    "family.center": ("GET", "/family/center", (Role.COORDINATOR,), 200),
    # Without a note: the page says what is missing.
    "family.checkin_done": ("POST", "/family/center/checkins/{checkin}/done", (Role.COORDINATOR,), 302),
    "family.group_request": ("POST", "/family/center/requests/{request}/decline", (Role.COORDINATOR,), 302),
    "family.recommend": ("POST", "/family/cases/{referral}/recommend", (Role.COORDINATOR,), 302),
    "family.withdraw": ("POST", "/family/cases/{referral}/recommendations/{recommendation}/withdraw",
                        (Role.COORDINATOR,), 302),
    "support.index": ("GET", "/support/", SUPPORT_EDITORS, 200),
    "support.new": ("GET", "/support/new", SUPPORT_EDITORS, 200),
    "support.edit": ("GET", "/support/{entry}/edit", SUPPORT_EDITORS, 200),
    "support.checked": ("POST", "/support/{entry}/checked", SUPPORT_EDITORS, 302),
    "support.set_active": ("POST", "/support/{entry}/active", SUPPORT_EDITORS, 302),
    "support.leaflet": ("GET", "/support/leaflet?region={region}", SUPPORT_EDITORS, 200),
    "family.copy_workbook": ("GET", "/family/copy/{referral}.xlsx", (Role.COORDINATOR,), 200),
    "referrals.record_consent": ("POST", "/referrals/{referral}/consents", (Role.COORDINATOR,), 422),
    "referrals.withdraw_consent": ("POST", "/referrals/{referral}/consents/withdraw", (Role.COORDINATOR,), 422),
    "referrals.withdraw": ("POST", "/referrals/{referral}/withdraw", (Role.PEDIATRICIAN, Role.COORDINATOR), 422),
    "referrals_api.create": ("POST", "/api/v1/referrals", (Role.PEDIATRICIAN,), 422),
    "referrals_api.read": ("GET", "/api/v1/referrals/{referral}", CHILD, 200),
    "referrals_api.list_referrals": ("GET", "/api/v1/referrals", CHILD, 200),
    "referrals_api.transition": ("POST", "/api/v1/referrals/{referral}/transitions", CHILD, 422),
    "intake.queue": ("GET", "/intake/queue", (Role.COORDINATOR,), 200),
    "intake.waitlist": ("GET", "/intake/waitlist", (Role.COORDINATOR,), 200),
    "intake.caseload": ("GET", "/intake/caseload", STAFF, 200),
    "intake.case": ("GET", "/intake/cases/{referral}", STAFF, 200),
    "intake.decide": ("POST", "/intake/cases/{referral}/decide", (Role.COORDINATOR,), 302),
    "intake.contact": ("POST", "/intake/cases/{referral}/contact", (Role.COORDINATOR,), 422),
    "intake.assessment": ("POST", "/intake/cases/{referral}/assessment", (Role.COORDINATOR,), 422),
    "intake.team": ("POST", "/intake/cases/{referral}/team", (Role.COORDINATOR,), 409),
    "intake.add_to_waitlist": ("POST", "/intake/cases/{referral}/waitlist", (Role.COORDINATOR,), 302),
    "therapy.book": ("GET", "/therapy/cases/{referral}/book", (Role.COORDINATOR,), 200),
    "therapy.week": ("GET", "/therapy/week", STAFF, 200),
    "therapy.my_day": ("GET", "/therapy/my-day", (Role.SPECIALIST,), 200),
    "therapy.session_detail": ("GET", "/therapy/sessions/{session}", STAFF, 200),
    "therapy.cancel": ("POST", "/therapy/sessions/{session}/cancel", (Role.COORDINATOR,), 302),
    "therapy.move": ("POST", "/therapy/sessions/{session}/move", (Role.COORDINATOR,), 302),
    "therapy.move_series": ("POST", "/therapy/sessions/{session}/move-series", (Role.COORDINATOR,), 302),
    "therapy.attendance": ("POST", "/therapy/sessions/{session}/attendance", STAFF, 302),
    "therapy.note": ("POST", "/therapy/sessions/{session}/note", (Role.SPECIALIST,), 302),
    "therapy.plan": ("GET", "/therapy/cases/{referral}/plan", STAFF, 200),
    "therapy.create_plan": ("POST", "/therapy/cases/{referral}/plan", (Role.COORDINATOR,), 422),
    "therapy.review": ("POST", "/therapy/cases/{referral}/review", (Role.COORDINATOR,), 404),
    "therapy.outcomes": ("POST", "/therapy/cases/{referral}/outcomes", (Role.COORDINATOR,), 302),
    "therapy.plans_due": ("GET", "/therapy/plans", (Role.COORDINATOR,), 200),
    "therapy.discharge": ("GET", "/therapy/cases/{referral}/discharge", (Role.COORDINATOR,), 200),
    "therapy.discharge_summary": ("GET", "/therapy/cases/{referral}/summary", STAFF, 404),
    "therapy.follow_ups": ("GET", "/therapy/follow-ups", (Role.COORDINATOR,), 200),
    "therapy.book_group": ("GET", "/therapy/groups/book", (Role.COORDINATOR,), 200),
    "therapy.add_to_roster": ("POST", "/therapy/sessions/{session}/roster", (Role.COORDINATOR,), 302),
    "therapy.leave_group": ("POST", "/therapy/sessions/{session}/roster/{referral}/leave", (Role.COORDINATOR,), 302),
    "therapy.group_attendance": ("POST", "/therapy/sessions/{session}/group-attendance", STAFF, 302),
    "therapy.offline_app": ("GET", "/therapy/offline/", (Role.SPECIALIST,), 200),
    "therapy.offline_worker": ("GET", "/therapy/offline/sw.js", None, 200),  # holds no data
    "therapy.offline_manifest": ("GET", "/therapy/offline/manifest.webmanifest", None, 200),
    "therapy.offline_token": ("POST", "/therapy/offline/token", (Role.SPECIALIST,), 200),
    "therapy_api.sync_week": ("GET", "/api/v1/sync/week", (Role.SPECIALIST,), 200),
    "therapy_api.sync": ("POST", "/api/v1/sync", (Role.SPECIALIST,), 422),  # an empty batch
    "therapy.hours": ("GET", "/therapy/hours", (Role.COORDINATOR,), 200),
    "therapy.save_opening_hours": ("POST", "/therapy/hours/opening", (Role.COORDINATOR,), 302),
    "therapy.save_working_hours": ("POST", "/therapy/hours/specialists/{other_user}", (Role.COORDINATOR,), 404),
    "therapy.add_closure": ("POST", "/therapy/hours/closures", (Role.COORDINATOR,), 302),
    "therapy.add_absence": ("POST", "/therapy/hours/absences", (Role.COORDINATOR,), 302),
    "therapy_api.read_plan": ("GET", "/api/v1/referrals/{referral}/plan", STAFF, 404),
    "therapy_api.list_sessions": ("GET", "/api/v1/sessions", STAFF, 200),
    "therapy_api.book": ("POST", "/api/v1/sessions", (Role.COORDINATOR,), 422),
    "therapy_api.move": ("POST", "/api/v1/sessions/{session}/move", (Role.COORDINATOR,), 422),
    "therapy_api.cancel": ("POST", "/api/v1/sessions/{session}/cancel", (Role.COORDINATOR,), 422),
    "therapy_api.attendance": ("POST", "/api/v1/sessions/{session}/attendance", STAFF, 422),
}
EXEMPT = {"static", "core.static"}
PUBLIC_WHEN_LOGGED_IN = {"accounts.login": 302, "family_door.login": 302}
# The caregiver's column: a caregiver reaches the family's pages and the way out; every other page answers 404 (what
# is there is not theirs), and the API takes no caregiver's token (401).
FAMILY_PAGES = {"core.index", "core.set_language", "core.healthz", "core.readyz", "accounts.logout",
                "family_door.login", "family_door.code", "family_door.home", "family_door.confirm",
                "family_door.cancel", "family_door.practised", "family_door.checkin", "family_door.survey",
                "family_door.ask_to_join", "family_door.support"}
# Staff asking for the family's own pages get 404 too: they are nobody's but the family's.
DENIED = {endpoint: 404 for endpoint in FAMILY_PAGES if endpoint.startswith("family_door.")
          and endpoint not in ("family_door.login", "family_door.code")}


def test_every_endpoint_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - EXEMPT == set(MATRIX)


@pytest.fixture
def world(session):
    """One referral in Aktobe that every Aktobe role may reach where its role allows."""
    pediatrician = user_for_role(Role.PEDIATRICIAN)
    referral = ReferralFactory(pediatrician=pediatrician, center=center("aktobe"), status=Status.SUBMITTED)
    users = {Role.PEDIATRICIAN: pediatrician}
    for role in EVERY_ROLE:
        users.setdefault(role, user_for_role(role))
    session.commit()
    # A Wednesday at 10:00 in Almaty, years ahead and no holiday: inside the default hours whatever the sequence.
    start = datetime(2030, 1, 9, 5, tzinfo=timezone.utc)
    session_row = TherapySessionFactory(room=RoomFactory(center=referral.center), center_id=referral.center_id,
                                        starts_at=start, ends_at=start + timedelta(minutes=45),
                                        referral_id=referral.id, child_id=referral.child_id)
    # The specialist works with the child (need to know: a specialist sees the children of their own team).
    TeamMemberFactory(referral_id=referral.id, specialist=users[Role.SPECIALIST])
    from tests.factories.family import PeerGroupRequestFactory, WellbeingCheckinFactory
    from tests.factories.rollout import AllocationLineFactory, CohortFactory, VisitActionFactory, VisitFactory
    from tests.factories.support import RecommendationFactory, SupportEntryFactory

    line = AllocationLineFactory(center_id=referral.center_id)
    action = VisitActionFactory(visit=VisitFactory(center_id=referral.center_id))
    group = TherapySessionFactory(room=RoomFactory(center=referral.center), center_id=referral.center_id,
                                  starts_at=start + timedelta(days=1), ends_at=start + timedelta(days=1, hours=1),
                                  capacity=8, audience="caregiver")
    entry = SupportEntryFactory(region_id=referral.center.region_id)
    return {"users": users, "referral": referral.id, "center": referral.center_id,
            "other_user": user_for_role(Role.MINISTRY).id, "session": session_row.id, "line": line.id,
            "cohort": CohortFactory().id, "action": action.id, "entry": entry.id,
            "region": referral.center.region_id,
            "checkin": WellbeingCheckinFactory(referral=referral).id,
            "request": PeerGroupRequestFactory(session=group, referral_id=referral.id).id,
            "recommendation": RecommendationFactory(entry=entry, referral_id=referral.id).id}


def call(client, api, method, url, user):
    is_api = url.startswith("/api/")
    if is_api and user is not None:
        api.as_user(user)
        return api.post(url, json={}) if method == "POST" else api.get(url)
    if is_api:
        return client.open(url, method=method, json={} if method == "POST" else None)
    return client.open(url, method=method)


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
@pytest.mark.parametrize("role", [None, *EVERY_ROLE], ids=lambda r: r.value if r else "anonymous")
def test_access(client, api, login_as, world, endpoint, role):
    method, template, allowed, ok = MATRIX[endpoint]
    url = template.format(**world)
    user = world["users"][role] if role else None
    if user is not None and not url.startswith("/api/"):
        login_as(user)
    response = call(client, api, method, url, user)
    if role is Role.CAREGIVER and endpoint in FAMILY_PAGES:
        expected = PUBLIC_WHEN_LOGGED_IN.get(endpoint, ok) if allowed is None else ok
    elif role is Role.CAREGIVER:
        expected = (ok if allowed is None else 401) if url.startswith("/api/") else 404
    elif allowed is None:
        expected = PUBLIC_WHEN_LOGGED_IN.get(endpoint, ok) if role else ok
    elif role in allowed:
        expected = ok
    elif role is None:
        expected = 401 if url.startswith("/api/") else 302
    else:
        expected = DENIED.get(endpoint, 403)
    assert response.status_code == expected, (endpoint, role, response.status_code)
    if role is None and expected == 302 and allowed is not None and endpoint != "core.index":
        assert "/login" in response.location


# The "other center" column: a record-bearing endpoint, asked by a user whose role may use it but who works at
# another center (a pediatrician: one who did not write the referral), answers 404, as if the record did not
# exist.
RECORDS = ("{referral}", "{session}", "{line}", "{checkin}", "{request}", "{entry}")
OUTSIDERS = (Role.PEDIATRICIAN, Role.COORDINATOR, Role.SPECIALIST)


def outsider_cases():
    for endpoint, (_method, template, allowed, _ok) in sorted(MATRIX.items()):
        if allowed is None or not any(placeholder in template for placeholder in RECORDS):
            continue
        for role in OUTSIDERS:
            if role in allowed:
                yield endpoint, role


@pytest.mark.parametrize("endpoint,role", list(outsider_cases()), ids=lambda v: getattr(v, "value", v))
def test_another_centers_record_is_not_found(client, api, login_as, world, endpoint, role):
    method, template, _allowed, _ok = MATRIX[endpoint]
    url = template.format(**world)
    outsider = user_for_role(role, center_code="shymkent")
    if not url.startswith("/api/"):
        login_as(outsider)
    response = call(client, api, method, url, outsider)
    assert response.status_code == 404, (endpoint, role, response.status_code)


def test_the_other_center_column_covers_every_record_endpoint():
    covered = {endpoint for endpoint, _role in outsider_cases()}
    assert {"referrals.detail", "referrals_api.read", "intake.case", "therapy.session_detail", "therapy_api.move",
            "therapy.plan", "rollout.line"} <= covered


# The "own center, not on the team" column: a specialist of the same center who does not work with the child gets
# 404 from every endpoint that shows or changes the child's record or sessions, pages and API alike; breaking the
# glass is the one way in (tests/referrals/test_need_to_know.py).
TEAM_EXCEPTIONS = {"referrals.emergency_access"}


def off_team_cases():
    for endpoint, (_method, template, allowed, _ok) in sorted(MATRIX.items()):
        if allowed and Role.SPECIALIST in allowed and any(p in template for p in ("{referral}", "{session}")) \
                and endpoint not in TEAM_EXCEPTIONS:
            yield endpoint


@pytest.mark.parametrize("endpoint", list(off_team_cases()))
def test_a_specialist_off_the_team_does_not_find_the_child(client, api, login_as, world, endpoint):
    method, template, _allowed, _ok = MATRIX[endpoint]
    url = template.format(**world)
    colleague = user_for_role(Role.SPECIALIST)  # same center, another team
    if not url.startswith("/api/"):
        login_as(colleague)
    response = call(client, api, method, url, colleague)
    assert response.status_code == 404, (endpoint, response.status_code)


def test_the_off_team_column_covers_the_child_endpoints():
    assert {"referrals.detail", "referrals_api.read", "intake.case", "therapy.session_detail",
            "therapy.plan"} <= set(off_team_cases())
