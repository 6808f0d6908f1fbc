"""Unbound extensions; ``create_app`` binds them."""
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION))
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# Per client address; storage from RATELIMIT_STORAGE_URI (memory:// per process by default, redis:// shared).
limiter = Limiter(key_func=get_remote_address, default_limits=[])


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, connection_record):
    """Make SQLite behave: foreign keys on, wait for locks, and let SQLAlchemy own BEGIN.

    Python's sqlite3 otherwise opens transactions lazily and runs SELECTs outside them
    (docs/PITFALLS.md #1), which breaks savepoints and serialised writes.
    """
    if type(dbapi_connection).__module__.startswith("psycopg"):
        # Timestamps come back in UTC as datetime.timezone.utc, which UTCDateTime passes on as they are, rather
        # than in the server's zone (a ZoneInfo that every value is converted from: 23 us a value, a fifth of the
        # ministry's coverage page). The same on every server, whatever its own setting.
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'UTC'")
        dbapi_connection.commit()
        return
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(conn):
    # Take the write lock at the start (docs/PITFALLS.md #1): a transaction that reads and then writes can
    # otherwise fail with "database is locked" instead of waiting its turn.
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")
