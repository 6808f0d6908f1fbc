from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from eic import create_app
from eic.core.timeutil import ALMATY, add_years, months_between


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


def test_datetimes_are_stored_in_utc_and_come_back_aware(session):
    from tests.factories.notifications import NotificationFactory
    from eic.notifications.models import Notification

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
