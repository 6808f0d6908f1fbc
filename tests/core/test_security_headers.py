"""Every response carries a strict Content-Security-Policy (no inline script anywhere) and the usual headers."""
import re
from pathlib import Path


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
