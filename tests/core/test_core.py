from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from eic import create_app
from eic.core.timeutil import ALMATY, add_working_days, add_years, holiday_name, is_working_day, months_between
from eic.core.validation import Errors, parse_date, parse_int, text_field


def test_almaty_is_utc_plus_5_since_march_2024():
    assert datetime(2026, 1, 15, 12, tzinfo=ALMATY).utcoffset() == timedelta(hours=5)
    assert datetime(2024, 3, 1, 12, tzinfo=ALMATY).utcoffset() == timedelta(hours=5)
    # Before the change Almaty was UTC+6: old tz data would give reminders an hour off.
    assert datetime(2024, 2, 1, 12, tzinfo=ALMATY).utcoffset() == timedelta(hours=6)


def test_add_years_and_months():
    from datetime import date

    assert add_years(date(2024, 2, 29), 3) == date(2027, 3, 1)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)
    assert months_between(date(2025, 1, 31), date(2025, 2, 28)) == 0
    assert months_between(date(2025, 1, 15), date(2026, 3, 15)) == 14


@pytest.mark.parametrize("start", [date(2025, 1, 1), date(2025, 1, 2), date(2025, 1, 3), date(2025, 1, 4)])
def test_working_days_follow_the_decree_that_moved_a_day_off(start):
    """Friday 3 January 2025 was a day off moved from Sunday 5 January, which was worked: a count that only
    skipped weekends and holidays said Monday the 6th."""
    assert is_working_day(date(2025, 1, 5)) and not is_working_day(date(2025, 1, 3))
    assert add_working_days(start, 1) == date(2025, 1, 5)
    assert add_working_days(start, 2) == date(2025, 1, 6)
    assert add_working_days(start, 5) == date(2025, 1, 10)  # 7 January, Orthodox Christmas, is skipped


def test_working_days_skip_weekends_and_holidays_and_count_from_the_next_day():
    assert add_working_days(date(2027, 9, 3), 1) == date(2027, 9, 6)  # Friday -> Monday
    assert add_working_days(date(2027, 3, 5), 1) == date(2027, 3, 9)  # 8 March
    assert add_working_days(date(2027, 3, 9), 0) == date(2027, 3, 9)
    assert holiday_name(date(2027, 3, 8), "en") == "International Women's Day"
    assert holiday_name(date(2027, 3, 9)) is None


def test_every_holiday_has_a_russian_and_a_kazakh_name():
    """Russian pages showed "Праздничный день: Independence Day": the package has no Russian, so we name them."""
    import re

    from eic.core.timeutil import kz_holidays

    days = [day for year in range(2020, 2031) for day in kz_holidays().__class__(years=year)]
    assert len(days) > 100
    for day in days:
        for locale in ("ru", "kk"):
            name = holiday_name(day, locale)
            assert name and not re.search(r"[A-Za-z]", name), (day, locale, name)


def test_russian_holiday_names():
    assert holiday_name(date(2026, 12, 16), "ru") == "День Независимости"
    assert holiday_name(date(2025, 1, 3), "ru") == "Выходной день (перенесён с 05.01.2025)"
    assert holiday_name(date(2027, 3, 8), "ru") == "Международный женский день"


def test_lenient_parsing_refuses_what_is_not_plainly_a_number_or_a_date():
    assert parse_int(" 42 ") == 42 and parse_int("-3") == -3 and parse_int(7) == 7
    assert parse_int(True) is None and parse_int("٣") is None and parse_int("4.5") is None and parse_int(None) is None
    assert parse_date("2027-03-10") == date(2027, 3, 10) and parse_date(date(2027, 1, 1)) == date(2027, 1, 1)
    assert parse_date("10.03.2027") is None and parse_date(None) is None


def test_errors_collect_messages_under_dotted_names():
    errors = Errors()
    assert not errors
    assert text_field({"name": "  Әлия  "}, "name", errors, "child.") == "Әлия" and not errors
    text_field({}, "name", errors, "child.")
    text_field({"notes": "x" * 5}, "notes", errors, max_len=4)
    assert set(errors.fields) == {"child.name", "notes"}


def test_datetimes_are_stored_in_utc_and_come_back_aware(session):
    from eic.notifications.models import Notification
    from tests.factories.notifications import NotificationFactory

    almaty_noon = datetime(2026, 6, 1, 12, 0, tzinfo=ALMATY)
    note = NotificationFactory(created_at=almaty_noon)
    session.expire_all()
    stored = session.scalar(select(Notification.created_at).where(Notification.id == note.id))
    assert stored == datetime(2026, 6, 1, 7, 0, tzinfo=timezone.utc)
    assert stored.tzinfo is not None


def test_naive_datetimes_are_refused(session):
    from sqlalchemy.exc import StatementError

    from tests.factories.notifications import NotificationFactory

    with pytest.raises(StatementError):
        NotificationFactory(created_at=datetime(2026, 6, 1, 12, 0))
    session.rollback()


def test_production_refuses_the_default_secret(monkeypatch):
    import config

    monkeypatch.setattr(config.ProductionConfig, "SECRET_KEY", config.DEFAULT_SECRET)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


def test_unknown_config_name_is_refused():
    with pytest.raises(RuntimeError):
        create_app("staging")


def test_postgres_urls_use_psycopg3():
    from config import database_url

    assert database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url(None).startswith("sqlite:///")


def test_language_default_from_accept_language_then_kazakh(client):
    assert "Войти" in client.get("/login", headers={"Accept-Language": "ru-RU,ru;q=0.9"}).get_data(as_text=True)
    assert "Log in" in client.get("/login", headers={"Accept-Language": "en-GB"}).get_data(as_text=True)
    assert "Кіру" in client.get("/login", headers={"Accept-Language": "de-DE"}).get_data(as_text=True)
    assert "Кіру" in client.get("/login").get_data(as_text=True)


def test_language_switch_is_kept_in_the_session(client):
    client.post("/language", data={"lang": "ru"})
    assert "Войти" in client.get("/login").get_data(as_text=True)
    client.post("/language", data={"lang": "xx"})
    assert "Войти" in client.get("/login").get_data(as_text=True)


def test_404_page_is_translated(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "kk"})
    assert response.status_code == 404 and "Бет табылмады." in response.get_data(as_text=True)


def test_csrf_is_enforced_when_enabled(database_url):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post("/login", data={"email": "a@b.c", "password": "x"})
    assert response.status_code == 400
