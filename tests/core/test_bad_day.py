"""A bad day: the database briefly gone or locked answers 503 "not saved, try again" with a request id (JSON on
the API), never an HTML 500 with internals; a 500 carries a request id, also in the log, and nothing else."""
import logging

import pytest
from sqlalchemy.exc import OperationalError

from eic.core.roles import Role


@pytest.fixture
def broken(app, monkeypatch):
    """Make the referral list fail the way a cut connection or a locked SQLite file does."""
    from eic.referrals import queries

    def gone(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("terminating connection due to administrator command"))

    monkeypatch.setattr(queries, "referral_list", gone)


def test_a_database_outage_is_a_503_with_a_request_id_on_pages_and_the_api(client, login_as, api, broken):
    user = login_as(Role.COORDINATOR)
    page = client.get("/referrals", headers={"Accept-Language": "en", "X-Request-ID": "report-12345678"})
    html = page.get_data(as_text=True)
    assert page.status_code == 503 and "briefly unavailable" in html and "report-12345678" in html
    assert page.headers["X-Request-ID"] == "report-12345678" and "terminating" not in html
    api.as_user(user)
    response = api.get("/api/v1/referrals")
    body = response.get_json()
    assert response.status_code == 503 and body["error"]["code"] == "unavailable"
    assert body["error"]["request_id"] == response.headers["X-Request-ID"]
    assert client.get("/intake/queue").status_code == 200  # the next request works


def test_a_500_shows_a_request_id_and_no_internals_and_logs_it(app, client, login_as, monkeypatch, caplog):
    from eic.referrals import queries

    def boom(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(queries, "referral_list", boom)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    login_as(Role.COORDINATOR)
    try:
        with caplog.at_level(logging.ERROR):
            page = client.get("/referrals", headers={"Accept-Language": "en"})
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None
    html = page.get_data(as_text=True)
    request_id = page.headers["X-Request-ID"]
    assert page.status_code == 500 and request_id in html and "secret internal detail" not in html
    assert any(request_id in r.getMessage() for r in caplog.records)


def lost_connection():
    return OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"),
                            connection_invalidated=True)


def test_a_read_that_loses_its_connection_is_read_once_more(client, login_as, api, monkeypatch):
    """Before: a connection cut half-way through a page gave a 503 (or, before that, a 500) although nothing
    was being written; now a GET runs once more on a fresh connection."""
    from eic.referrals import queries

    real, calls = queries.referral_list, []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise lost_connection()
        return real(*args, **kwargs)

    monkeypatch.setattr(queries, "referral_list", flaky)
    user = login_as(Role.COORDINATOR)
    assert client.get("/referrals").status_code == 200 and len(calls) == 2
    calls.clear()
    api.as_user(user)
    assert api.get("/api/v1/referrals").status_code == 200 and len(calls) == 2


def test_a_read_is_retried_once_only_and_a_write_never(client, login_as, monkeypatch):
    from eic.referrals import queries, services

    calls = []

    def gone(*args, **kwargs):
        calls.append(1)
        raise lost_connection()

    monkeypatch.setattr(queries, "referral_list", gone)
    coordinator = login_as(Role.COORDINATOR)
    page = client.get("/referrals", headers={"Accept-Language": "ru"})
    assert page.status_code == 503 and len(calls) == 2
    assert "База данных ненадолго недоступна" in page.get_data(as_text=True)
    calls.clear()
    monkeypatch.setattr(services, "transition", gone)
    from tests.factories.referrals import ReferralFactory

    referral = ReferralFactory(center=coordinator.center)
    answer = client.post(f"/intake/cases/{referral.id}/decide", data={"to": "accepted"},
                         headers={"Accept-Language": "ru"})
    assert answer.status_code == 503 and len(calls) == 1  # a write is never run twice
    assert "Не сохранено" in answer.get_data(as_text=True)
