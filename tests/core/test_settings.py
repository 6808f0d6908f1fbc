from datetime import date, timedelta

import pytest

from eic.core import settings
from eic.core.errors import Forbidden, ValidationFailed
from eic.core.roles import Role
from eic.referrals.status import Status
from eic.therapy import settings as therapy_settings
from eic.therapy.services import plans
from tests.factories.accounts import user_for_role
from tests.factories.referrals import ReferralFactory


def test_defaults_and_admin_changes_drive_the_rules(ctx):
    referral = ReferralFactory(status=Status.ENROLLED, referred_on=date(2027, 1, 1))
    assert plans.plan_due_on(referral) == date(2027, 1, 1) + timedelta(days=45)
    admin = user_for_role(Role.ADMIN)
    settings.set_setting(therapy_settings.PLAN_DUE_DAYS.key, 30, actor=admin)
    assert plans.plan_due_on(referral) == date(2027, 1, 31)
    with pytest.raises(ValidationFailed):
        settings.set_setting(therapy_settings.REVIEW_MONTHS.key, 7, actor=admin)  # never longer than 6
    with pytest.raises(Forbidden):
        settings.set_setting(therapy_settings.REVIEW_MONTHS.key, 4, actor=user_for_role(Role.COORDINATOR))


def test_settings_page(client, login_as):
    login_as(Role.ADMIN)
    page = client.get("/admin/settings", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Plan reviews: every how many months" in page
    values = settings.current_values()
    bad = client.post("/admin/settings", data=values | {"therapy.review_interval_months": "9"},
                      headers={"Accept-Language": "ru"})
    assert bad.status_code == 422 and "Введите целое число от 1 до 6." in bad.get_data(as_text=True)
    assert settings.current_values() == values
    ok = client.post("/admin/settings", data=values | {"therapy.home_travel_minutes": "20"})
    assert ok.status_code == 302 and settings.current_values()["therapy.home_travel_minutes"] == 20
