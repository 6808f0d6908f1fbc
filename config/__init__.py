"""Configuration classes, chosen by ``EIC_CONFIG``; secrets and the database come from the environment.

One way in for every entry point (the web app under gunicorn, ``flask`` commands, the scheduler): the process's
environment, completed by a ``.env`` file found from the working directory upwards (``EIC_ENV_FILE`` names
another). A variable already set in the environment wins over the file."""
import os
from datetime import timedelta
from pathlib import Path

from dotenv import find_dotenv, load_dotenv

load_dotenv(os.environ.get("EIC_ENV_FILE") or find_dotenv(usecwd=True), override=False)

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_SECRET = "development-only-secret-do-not-deploy"


def database_url(url: str | None) -> str:
    """Return a SQLAlchemy URL; ``postgresql://`` URLs are pointed at psycopg 3."""
    if not url:
        return f"sqlite:///{BASE_DIR / 'instance' / 'eic.db'}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET)
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL"))
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # Pitfall 9: a therapist writing for over an hour must not lose the text to an expired token;
    # the token is bound to the session instead, which ends on logout or idle timeout.
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = 5 * 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=0)
    EIC_IDLE_TIMEOUT = timedelta(minutes=int(os.environ.get("EIC_IDLE_MINUTES", "60")))
    EIC_ABSOLUTE_TIMEOUT = timedelta(hours=int(os.environ.get("EIC_ABSOLUTE_HOURS", "12")))
    # A caregiver's session (a log-in by text-message code, on their own phone) lasts a day.
    EIC_FAMILY_SESSION = timedelta(hours=int(os.environ.get("EIC_FAMILY_SESSION_HOURS", "24")))
    BABEL_DEFAULT_LOCALE = "kk"
    BABEL_DEFAULT_TIMEZONE = "Asia/Almaty"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "eic" / "translations")
    EIC_LANGUAGES = ("kk", "ru", "en")
    EIC_PAGE_SIZE = 25
    TESTING = False
    # Outbox delivery (eic.notifications.senders): outbox (kept for administrators), console or smtp.
    EIC_EMAIL_SENDER = os.environ.get("EIC_EMAIL_SENDER", "outbox")
    EIC_SMS_SENDER = os.environ.get("EIC_SMS_SENDER", "outbox")
    # The text-message provider when EIC_SMS_SENDER=http (eic/notifications/senders.py).
    EIC_SMS_GATEWAY = os.environ.get("EIC_SMS_GATEWAY", "mobizon")
    EIC_SMS_GATEWAY_URL = os.environ.get("EIC_SMS_GATEWAY_URL", "https://api.mobizon.kz/service/message/sendsmsmessage")
    EIC_SMS_GATEWAY_KEY = os.environ.get("EIC_SMS_GATEWAY_KEY", "")
    EIC_SMS_GATEWAY_LOGIN = os.environ.get("EIC_SMS_GATEWAY_LOGIN", "")
    EIC_SMS_GATEWAY_PASSWORD = os.environ.get("EIC_SMS_GATEWAY_PASSWORD", "")
    EIC_SMS_FROM = os.environ.get("EIC_SMS_FROM", "")
    EIC_SMTP_HOST = os.environ.get("EIC_SMTP_HOST", "")
    EIC_SMTP_PORT = os.environ.get("EIC_SMTP_PORT", "587")
    EIC_SMTP_USER = os.environ.get("EIC_SMTP_USER", "")
    EIC_SMTP_PASSWORD = os.environ.get("EIC_SMTP_PASSWORD", "")
    EIC_MAIL_FROM = os.environ.get("EIC_MAIL_FROM", "eic@localhost")
    # The scheduler (flask scheduler run): how often a waiting process tries to become the runner, in seconds.
    EIC_SCHEDULER_POLL_SECONDS = int(os.environ.get("EIC_SCHEDULER_POLL_SECONDS", "10"))
    # Log-in attempts per client address (Flask-Limiter): memory:// counts per process; redis://... shares them.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    # Several installations (or test runs) on one Redis keep their counts apart by this prefix.
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "eic")
    # How many reverse proxies (nginx, a load balancer) stand in front and set X-Forwarded-For/-Proto/-Host: 0
    # trusts none (the default: a client could forge them), 1 trusts the nearest, and so on.
    EIC_TRUSTED_PROXIES = int(os.environ.get("EIC_TRUSTED_PROXIES", "0") or 0)
    # /readyz fails when no scheduled job has started for this long (0: do not check the scheduler).
    EIC_SCHEDULER_STALE_MINUTES = int(os.environ.get("EIC_SCHEDULER_STALE_MINUTES", "0") or 0)
    # JSON log lines (one per request, core.observe): on in production, or with EIC_LOG_JSON=1.
    EIC_LOG_JSON = os.environ.get("EIC_LOG_JSON", "") == "1"
    # The bearer token the monitoring system sends to /metrics; without one, /metrics does not exist.
    EIC_METRICS_TOKEN = os.environ.get("EIC_METRICS_TOKEN", "")
    RATELIMIT_HEADERS_ENABLED = True
    EIC_LOGIN_LIMIT = os.environ.get("EIC_LOGIN_LIMIT", "10 per minute; 60 per hour")
    # Asking for and entering family log-in codes, per client address (beside 3 codes an hour per number).
    EIC_FAMILY_CODE_LIMIT = os.environ.get("EIC_FAMILY_CODE_LIMIT", "10 per 10 minutes; 30 per hour")
    # With SQLite: the lock file that makes one scheduler per host (default: instance/scheduler.lock).
    EIC_SCHEDULER_LOCK_FILE = os.environ.get("EIC_SCHEDULER_LOCK_FILE", "")


class DevelopmentConfig(Config):
    DEBUG = False


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = os.environ.get("SECRET_KEY", "testing-secret")
    WTF_CSRF_ENABLED = False
    EIC_LOGIN_LIMIT = "100000 per minute"  # the tests log in hundreds of times; one test sets the real limit
    EIC_FAMILY_CODE_LIMIT = "100000 per minute"
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("TEST_DATABASE_URL", "sqlite://"))


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    # __Host-: the browser accepts the cookie only from this host, over HTTPS, for the whole site (no Domain).
    SESSION_COOKIE_NAME = "__Host-session"
    SESSION_COOKIE_PATH = "/"
    PREFERRED_URL_SCHEME = "https"
    # HSTS for a year and a CSP with base-uri 'none' (eic.core.security_headers).
    EIC_STRICT_TRANSPORT = True
    EIC_LOG_JSON = os.environ.get("EIC_LOG_JSON", "1") == "1"


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
