"""Every page each role can reach, with the demo data, in Kazakh and Russian, on an office desktop (1366x768) and a
phone (390x844). A page fails when it scrolls sideways, when its visible text shows an ISO date, a decimal point
(Kazakh and Russian write 12,5) or a word of Latin letters that is not on the allow-list (a page speaks one
language), when an id is used twice, or when axe-core reports a serious or critical accessibility violation.
Screenshots of every page go to tests/browser/screenshots/every-page/ (not committed).

The pages are found the way a person finds them: from the role's home page and menu, following the links on each
page (one page per kind of address: /referrals/12 and /referrals/13 are one kind), up to a bound per role.
"""
import re
from collections import deque
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from eic.extensions import db
from tests.browser.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
ROLES = {
    "pediatrician": "pediatrician1.aktobe@eic.demo",
    "coordinator": "coordinator.aktobe@eic.demo",
    "specialist": "speech_therapist1.aktobe@eic.demo",
    "foundation": "foundation@eic.demo",
    "ministry": "ministry@eic.demo",
    "admin": "admin@eic.demo",
}
SIZES = {"desktop": (1366, 768), "phone": (390, 844)}
MAX_PAGES = 40  # per role; more kinds of page than any role has today
# Addresses that are not pages: downloads, the API, the language switch and log-out (both are forms anyway).
NOT_PAGES = re.compile(r"\.(xlsx|csv|json|png|pdf)$|^/api/|^/static/|/template\.xlsx|/export|/logout|/language")
# Latin words a Kazakh or Russian page may show: product and unit names, file kinds, codes of classifications.
ALLOWED_LATIN = {"EIC", "IIN", "ICD", "PHQ", "xlsx", "csv", "ID", "API", "OpenAPI", "Chart", "js", "SMS", "ASQ",
                 "KATO", "ISO", "KZ", "PDF", "Bayley-III",
                 "FreeOTP", "Google", "Authenticator"}
# Codes of records (REH-001, EI-CORE, KMK-0101, a document number): capitals and digits joined by hyphens.
CODE = re.compile(r"^[A-Z0-9]+(?:-[A-Z0-9]+)+$|^[IVX]+$")  # and Roman numerals (Bayley-III)
ICD10 = re.compile(r"^[A-Z]\d{2}(\.\d{1,2})?$")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
EMAIL = re.compile(r"\S+@\S+")
WEB_ADDRESS = re.compile(r"\b(?:https?://)?[\w-]+(?:\.[\w-]+)*\.(?:kz|ru|com|org|net)\b\S*")  # a contact, not a word
POINT_DECIMAL = re.compile(r"(?<![A-Za-z\d.])\d+\.\d+(?![\d.])")  # 12.5; not G80.1, 15.11.2025 or 1.2.3
WORD = re.compile(r"[A-Za-z0-9]*[A-Za-z][A-Za-z0-9'’-]*")


@pytest.fixture(scope="module")
def demo(live_app):
    from eic.demo.data import load_demo

    with live_app.app_context():
        load_demo()  # as `make run` loads it
        db.session.commit()
        db.session.remove()


def kind_of(path: str) -> str:
    """One kind per address shape: numbers become '#', the query's values are dropped."""
    parts = urlsplit(path)
    query = "&".join(sorted(p.split("=")[0] for p in parts.query.split("&") if p))
    return re.sub(r"\d+", "#", parts.path) + ("?" + query if query else "")


def latin_words(text: str) -> set[str]:
    text = WEB_ADDRESS.sub(" ", EMAIL.sub(" ", text))
    found = set()
    for word in WORD.findall(text):
        word = word.strip("-")
        if word in ALLOWED_LATIN or ICD10.match(word) or CODE.match(word) or len(word) <= 1:
            continue
        found.add(word)
    return found


def check_page(page, *, axe: bool) -> list[str]:
    problems = []
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    if width[0] > width[1]:
        problems.append(f"scrolls sideways: {width[0]} > {width[1]}")
    # Text in another language on purpose (the language switch names each language in itself) is marked with
    # its own lang attribute and left out.
    text = page.evaluate("""() => {
        const lang = document.documentElement.lang, other = [];
        document.querySelectorAll('body [lang]').forEach(e => {
            if (e.lang !== lang) { other.push([e, e.style.display]); e.style.display = 'none'; } });
        const text = document.body.innerText;
        other.forEach(([e, display]) => { e.style.display = display; });
        return text; }""")
    if ISO_DATE.search(text):
        problems.append(f"ISO date: {ISO_DATE.search(text).group(0)}")
    duplicates = page.evaluate("""() => {
        const seen = {}, twice = new Set();
        document.querySelectorAll('[id]').forEach(e => { if (seen[e.id]) twice.add(e.id); seen[e.id] = true; });
        return [...twice]; }""")
    if duplicates:
        problems.append(f"ids used twice: {sorted(duplicates)[:8]}")
    if POINT_DECIMAL.search(text):
        problems.append(f"decimal point: {POINT_DECIMAL.search(text).group(0)}")
    latin = latin_words(text)
    if latin:
        problems.append(f"Latin words: {sorted(latin)[:12]}")
    if axe:
        page.add_script_tag(content=AXE)
        result = page.evaluate("""async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
                .map(v => v.id + ' (' + v.nodes.length + '): '
                     + v.nodes.slice(0, 2).map(n => n.target.join(' ')).join(', '));
        }""")
        problems.extend(f"axe {v}" for v in result)
    return problems


def crawl(page, base: str) -> list[str]:
    """The addresses of one page of each kind the logged-in role reaches from its home page."""
    seen, found, queue = set(), [], deque(["/"])
    while queue and len(found) < MAX_PAGES:
        path = queue.popleft()
        if kind_of(path) in seen:
            continue
        seen.add(kind_of(path))
        response = page.goto(base + path)
        if response is None or response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        here = urlsplit(page.url)
        found.append(here.path + ("?" + here.query if here.query else ""))
        seen.add(kind_of(found[-1]))
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            target = urlsplit(href)
            if target.netloc or not target.path.startswith("/") or NOT_PAGES.search(target.path):
                continue
            address = target.path + ("?" + target.query if target.query else "")
            if kind_of(address) not in seen:
                queue.append(address)
    return found


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_fits_speaks_one_language_and_is_accessible(live_server, browser, demo, role):
    from tests.browser.conftest import log_in

    out = SCREENSHOTS / "every-page"
    out.mkdir(parents=True, exist_ok=True)
    failures = []
    pages = None
    for lang in ("kk", "ru"):
        for size, (width, height) in SIZES.items():
            # axe-core is injected into the page, which our Content-Security-Policy (rightly) forbids.
            context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
            page = context.new_page()
            page.set_default_timeout(120_000)
            log_in(page, live_server, ROLES[role], "demo-password-2026", lang)
            page.wait_for_url(re.compile(r"^(?!.*/login)"))
            if pages is None:
                pages = crawl(page, live_server)
                assert len(pages) >= 2, pages
            for path in pages:
                page.goto(live_server + path)
                name = f"{role}-{lang}-{size}-{kind_of(path).strip('/').replace('/', '_').replace('#', 'N')}"
                page.screenshot(path=str(out / f"{name[:120]}.png"), full_page=True)
                # axe once per language, on the desktop: the rules it checks do not depend on the width.
                for problem in check_page(page, axe=size == "desktop"):
                    failures.append(f"{lang} {size} {path}: {problem}")
            context.close()
    assert not failures, f"{len(failures)} problems on {len(pages)} pages:\n" + "\n".join(failures)
