"""The EIC platform: the application factory."""
import importlib
import os
from pathlib import Path

from flask import Flask

from config import CONFIGS, DEFAULT_SECRET

from .extensions import babel, csrf, db, limiter, login_manager, migrate

# Order matters only for readability: each domain's init_app registers its blueprints, CLI and models.
DOMAINS = ("core", "accounts", "centers", "notifications", "referrals", "intake", "therapy", "capacity", "coverage",
           "rollout", "jobs", "audit", "family", "support", "ops", "demo")


def create_app(config_name: str | None = None, **overrides) -> Flask:
    config_name = config_name or os.environ.get("EIC_CONFIG", "development")
    if config_name not in CONFIGS:
        raise RuntimeError(f"EIC_CONFIG must be one of {', '.join(CONFIGS)}, not {config_name!r}")
    from .core.retry import RetryingFlask

    app = RetryingFlask(__name__, instance_path=str(Path(__file__).resolve().parent.parent / "instance"))
    from .core.inputs import BoundedInt

    # Before any route is added: every <int:...> in a URL is bounded to the database's INTEGER.
    app.url_map.converters["int"] = BoundedInt
    app.config.from_object(CONFIGS[config_name])
    app.config.update(overrides)
    if config_name == "production" and app.config["SECRET_KEY"] in (DEFAULT_SECRET, "", None):
        raise RuntimeError("SECRET_KEY must be set in production")
    from .notifications.senders import configuration_errors

    if errors := configuration_errors(app.config):
        raise RuntimeError("; ".join(errors))
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    if app.config.get("EIC_TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["EIC_TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    db.init_app(app)
    from .core.retry import remove_session_safely

    app.teardown_appcontext(remove_session_safely)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"),
                     render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    if config_name == "production" and app.config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        # Honest about the default: each worker process keeps its own counts, so with N workers (or hosts) an
        # address gets N times the limit. The per-account wait after wrong passwords is in the database and
        # holds everywhere; the per-address limit needs Redis for that.
        app.logger.warning("RATELIMIT_STORAGE_URI is memory://: log-in limits per address are counted in each "
                           "worker process separately; set RATELIMIT_STORAGE_URI=redis://... to share them")
    from .core.i18n import select_locale, select_timezone

    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)

    @app.context_processor
    def inject_locale():
        from flask_babel import get_locale

        return {"current_locale": str(get_locale() or "kk")}

    for name in DOMAINS:
        module = importlib.import_module(f"eic.{name}")
        if hasattr(module, "init_app"):
            module.init_app(app)
    _import_models()
    return app


def _import_models():
    """Import every domain's models so that the metadata (and Alembic) sees all tables."""
    for name in DOMAINS:
        try:
            importlib.import_module(f"eic.{name}.models")
        except ModuleNotFoundError as exc:
            if exc.name != f"eic.{name}.models":
                raise
