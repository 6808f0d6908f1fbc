"""Language choice and locale-aware formatting for pages."""
from flask import current_app, has_request_context, request, session
from flask_babel import format_date, format_datetime, format_decimal
from flask_babel import lazy_gettext as _l
from flask_login import current_user

# Each language named in itself: the language switch, where a reader looks for their own language.
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
# Each language named in the page's language: a family's or a specialist's languages.
LANGUAGE_LABELS = {"kk": _l("Kazakh"), "ru": _l("Russian"), "en": _l("English")}


def language_list(codes: str | None) -> str:
    """``"kk,ru"`` as the languages' names in the page's language: "Kazakh, Russian"."""
    names = [str(LANGUAGE_LABELS[c.strip()]) for c in (codes or "").split(",") if c.strip() in LANGUAGE_LABELS]
    return ", ".join(names) or "—"


def select_locale() -> str:
    """The user's saved choice, then the session's, then Accept-Language among kk/ru/en, then Kazakh."""
    languages = current_app.config["EIC_LANGUAGES"]
    if not has_request_context():
        # CLI, scheduler and worker threads: the default language.
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    user_locale = getattr(current_user, "locale", None) if current_user else None
    for choice in (user_locale, session.get("lang")):
        if choice in languages:
            return choice
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return "Asia/Almaty"


def localized(obj, field: str, locale: str | None = None) -> str:
    """Pick ``<field>_<locale>`` from a reference row, falling back to Russian, then English."""
    from flask_babel import get_locale

    locale = locale or str(get_locale() or "kk")
    for lang in (locale, "ru", "en", "kk"):
        value = getattr(obj, f"{field}_{lang}", None)
        if value:
            return value
    return ""


def decimal(value, digits: int = 1) -> str:
    """A number with ``digits`` decimals the page's way: 12,5 in Kazakh and Russian, 12.5 in English."""
    if value is None:
        return "—"
    return format_decimal(round(float(value), digits), format="#,##0." + "0" * digits if digits else "#,##0")


def percent(share, digits: int = 0) -> str:
    """A share (0.125) as a percentage the page's way: 12,5 % or 13%."""
    from flask_babel import format_percent

    if share is None:
        return "—"
    return format_percent(share, format="#,##0." + "0" * digits + "%" if digits else "#,##0%")


def month_name(month: int) -> str:
    """The month's name in the page's language, as it stands alone ("қаңтар", "январь", "January")."""
    from babel.dates import get_month_names
    from flask_babel import get_locale

    return get_month_names("wide", context="stand-alone", locale=str(get_locale() or "kk"))[month]


def init_app(app):
    app.jinja_env.filters["date"] = lambda d, fmt="medium": format_date(d, fmt) if d else ""
    app.jinja_env.filters["datetime"] = lambda d, fmt="medium": format_datetime(d, fmt) if d else ""
    app.jinja_env.filters["number"] = lambda n: format_decimal(n) if n is not None else ""
    app.jinja_env.globals["localized"] = localized
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    app.jinja_env.globals["LANGUAGE_LABELS"] = LANGUAGE_LABELS
    app.jinja_env.filters["languages"] = language_list
    app.jinja_env.globals["month_name"] = month_name
    from .forms import hidden_fields

    app.jinja_env.globals["hidden"] = hidden_fields
    app.jinja_env.filters["decimal"] = decimal
    app.jinja_env.filters["percent"] = percent
    app.jinja_env.add_extension("jinja2.ext.i18n")
