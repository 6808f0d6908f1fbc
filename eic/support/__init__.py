"""The support directory: what helps families in each region, kept by coordinators and foundation staff, read by
families in their language and printed as a one-page leaflet."""
import re

from markupsafe import Markup, escape

# A phone number in free text: +7 or 8, then 10 digits with spaces, dashes or brackets between; or a short number
# standing alone: 3 digits from 100 to 199 (111, 150) or 4 from 1000 to 1499 (1414), never a year.
PHONE = re.compile(r"(?<![\w+])(?:(?:\+7|8)[\s\-()]*\d(?:[\s\-()]*\d){9}|1[0-4]\d\d|1\d\d)(?![\w])")


def phone_links(text: str) -> Markup:
    """``text`` escaped, with each phone number a tel: link (a phone dials it with one tap) and line breaks kept."""
    parts = []
    last = 0
    raw = text or ""
    for match in PHONE.finditer(raw):
        number = "".join(c for c in match.group(0) if c.isdigit() or c == "+")
        parts.append(escape(raw[last:match.start()]))
        parts.append(Markup('<a class="tel" href="tel:{}">{}</a>').format(number, match.group(0)))
        last = match.end()
    parts.append(escape(raw[last:]))
    return Markup("").join(parts).replace("\n", Markup("<br>"))


def init_app(app):
    from . import views

    app.register_blueprint(views.bp)
    app.jinja_env.filters["phone_links"] = phone_links
