"""A live server on a SQLite file and Debian's Chromium driven by Playwright."""
import os
import socket
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from eic import create_app
from eic.extensions import db

SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM = os.environ.get("EIC_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic"]


LIVE = {}  # the module's live app, for the second step of a log-in


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    from flask_migrate import upgrade

    url = f"sqlite:///{tmp_path_factory.mktemp('live') / 'live.db'}"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, WTF_CSRF_ENABLED=True)
    with app.app_context():
        upgrade()
    LIVE["app"] = app
    return app


def buffered(app):
    """The app with each response read whole and closed before it is sent. Werkzeug's development server skips
    closing a response when the browser drops the connection early (a page left while its CSS loads), and the
    file left open warns later, in whichever test is running then."""

    def wsgi(environ, start_response):
        result = app(environ, start_response)
        try:
            return [b"".join(result)]
        finally:
            if hasattr(result, "close"):
                result.close()

    return wsgi


@pytest.fixture(scope="module")
def live_server(live_app):
    port = _free_port()
    server = make_server("127.0.0.1", port, buffered(live_app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    thread.join(timeout=5)
    with live_app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is required in CI and is missing at {CHROMIUM}")
        pytest.skip(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def shot():
    def _shot(page, name):
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return _shot


def log_in(page, base, email, password, lang):
    """Open the login page, choose the language, and log in."""
    page.goto(f"{base}/login")
    page.click(f"button.lang[value={lang}]")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_load_state()
    if "/login/code" in page.url:
        # The account has a second factor: type the code its authenticator app would show now.
        from tests.conftest import totp_code

        with LIVE["app"].app_context():
            code = totp_code(email)
        page.fill("input[name=code]", code)
        page.click("form:has(input[name=code]) button[type=submit]")
        page.wait_for_load_state()
