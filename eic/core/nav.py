"""The main menu: which pages each role starts from, declared once per role.

Templates do not test roles: ``base.html`` draws ``main_menu`` from this table, and a domain with a menu of its
own (the rollout's) declares it the same way with ``Menu``. An entry whose ``own_id`` is set links to the
user's own view of the page (a specialist's calendar is their own week).
"""
from dataclasses import dataclass

from flask import url_for
from flask_babel import lazy_gettext as _l

from .roles import Role


@dataclass(frozen=True)
class Entry:
    endpoint: str
    label: object
    own_id: str | None = None


class Menu:
    """Entries per role; ``links(user)`` gives the (url, label) pairs that user sees, in order."""

    def __init__(self, entries_by_role: dict):
        self.entries_by_role = entries_by_role

    def links(self, user) -> list[tuple[str, str]]:
        if user is None or not getattr(user, "is_authenticated", False):
            return []
        links = []
        for entry in self.entries_by_role.get(user.role, ()):
            args = {entry.own_id: user.id} if entry.own_id else {}
            links.append((url_for(entry.endpoint, **args), str(entry.label)))
        return links


CENTERS = Entry("centers.index", _l("Centers"))
CAPACITY = Entry("capacity.index", _l("Capacity"))
SUPPORT = Entry("support.index", _l("Support directory"))

MAIN_MENU = Menu({
    Role.PEDIATRICIAN: (Entry("referrals.mine", _l("My referrals")), Entry("referrals.new", _l("New referral"))),
    Role.COORDINATOR: (
        Entry("intake.queue", _l("Intake queue")), Entry("intake.waitlist", _l("Waitlist")),
        Entry("referrals.index", _l("Referrals")), Entry("intake.caseload", _l("Team caseloads")),
        Entry("therapy.week", _l("Calendar")), Entry("therapy.plans_due", _l("Plans")),
        Entry("therapy.follow_ups", _l("Follow-up")), Entry("therapy.hours", _l("Hours and absences")),
        CAPACITY, Entry("centers.rooms", _l("Rooms")), Entry("rollout.index", _l("Equipment and training")),
        Entry("family.center", _l("Families")), SUPPORT, Entry("intake.emergency_accesses", _l("Emergency access")),
    ),
    Role.SPECIALIST: (Entry("therapy.my_day", _l("My day")), Entry("intake.caseload", _l("My cases")),
                      Entry("therapy.week", _l("Calendar"), own_id="specialist_id"),
                      Entry("therapy.offline_app", _l("My week (offline)"))),
    Role.ADMIN: (
        Entry("accounts.users", _l("Users")), CENTERS, Entry("centers.rooms", _l("Rooms")),
        Entry("core.settings_page", _l("Settings")),
        Entry("centers.births", _l("Births per region")), Entry("centers.polyclinics", _l("Polyclinics")),
        Entry("jobs.index", _l("Scheduled jobs")), CAPACITY,
        Entry("audit.index", _l("Audit log")), Entry("tokens.everyone", _l("API tokens")),
    ),
    Role.MINISTRY: (Entry("coverage.index", _l("Coverage")), Entry("rollout.index", _l("Rollout")), CENTERS),
    Role.FOUNDATION: (Entry("rollout.index", _l("Rollout")), Entry("rollout.equipment", _l("Equipment")),
                      Entry("rollout.training", _l("Training")), SUPPORT, CENTERS),
    Role.CAREGIVER: (Entry("family_door.home", _l("My family")),),
})


def inject_main_menu():
    """Context processor: the signed-in user's main menu."""
    from flask_login import current_user

    return {"main_menu": MAIN_MENU.links(current_user)}
