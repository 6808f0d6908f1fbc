"""Every response carries a strict Content-Security-Policy (no inline script anywhere) and the usual headers."""
import re
from pathlib import Path

from eic.core.roles import Role


def test_headers_on_pages(client):
    response = client.get("/login")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_no_template_has_inline_script_or_handlers():
    root = Path(__file__).resolve().parents[2] / "eic"
    offenders = []
    for template in root.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\son[a-z]+=\"", text):
            offenders.append(str(template.relative_to(root)))
    assert offenders == []


def test_title_blocks_are_text_only():
    """A page title holds text; markup there means a block was closed in the wrong place."""
    root = Path(__file__).resolve().parents[2] / "eic"
    for template in root.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for match in re.finditer(r"{% block title %}(.*?){% endblock %}", text, re.S):
            assert "<" not in match.group(1), template


def test_each_page_section_appears_once(client, login_as):
    login_as("coordinator")
    page = client.get("/notifications").get_data(as_text=True)
    assert page.count('data-testid="email-preferences"') == 1


def test_pages_with_personal_data_are_not_kept_in_a_shared_computers_cache(client, login_as):
    """Child pages, lists, exports and API answers carry Cache-Control: no-store; static files may be cached."""
    from tests.factories.referrals import ReferralFactory

    coordinator = login_as(Role.COORDINATOR)
    referral = ReferralFactory(center=coordinator.center)
    for url in (f"/referrals/{referral.id}", "/referrals", "/referrals/export.xlsx", "/intake/queue"):
        assert client.get(url).headers.get("Cache-Control") == "no-store", url
    with client.get("/static/core/css/eic.css") as static:
        assert static.headers.get("Cache-Control") != "no-store"


def test_the_api_answers_are_not_cached(api, session):
    from tests.factories.accounts import user_for_role

    api.as_user(user_for_role(Role.COORDINATOR))
    assert api.get("/api/v1/referrals").headers.get("Cache-Control") == "no-store"


def test_production_sends_hsts_a_host_cookie_and_base_uri_none(tmp_path):
    from eic import create_app

    app = create_app("production", SECRET_KEY="x" * 40, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'p.db'}")
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-session" and app.config["SESSION_COOKIE_SECURE"]
    response = app.test_client().get("/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "base-uri 'none'" in response.headers["Content-Security-Policy"]
