"""Backups of the whole database, and restoring one into an empty database.

PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore`` (the server's own tools, consistent while the platform
runs; point-in-time recovery is described in docs/OPERATIONS.md). SQLite: the online backup API (a consistent copy
while the platform runs), and restoring copies the file back. A restore refuses a database that already holds
users: it is meant for an empty, freshly created database, so that nothing is mixed."""
import os
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url


class RestoreRefused(Exception):
    pass


def _pg_args(url):
    """The libpq connection options of a SQLAlchemy URL, and the password for the environment."""
    u = make_url(url)
    args = ["--host", u.host or "127.0.0.1", "--port", str(u.port or 5432), "--username", u.username or "postgres",
            "--dbname", u.database]
    env = dict(os.environ, PGPASSWORD=u.password or "")
    return args, env


def backup(url: str, target: Path) -> Path:
    """Write a backup of the database at ``url`` to ``target``; returns it."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("sqlite"):
        source = sqlite3.connect(make_url(url).database)
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        return target
    args, env = _pg_args(url)
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target), *args], env=env, check=True,
                   capture_output=True)
    return target


def restore(url: str, source: Path) -> None:
    """Restore ``source`` into the empty database at ``url``. Raises RestoreRefused if it already holds data."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            if "users" in inspect(conn).get_table_names() and conn.execute(text("SELECT count(*) FROM users")).scalar():
                raise RestoreRefused("the target database already holds users; restore into an empty database")
    finally:
        engine.dispose()
    if url.startswith("sqlite"):
        backup_copy = sqlite3.connect(Path(source))
        target = sqlite3.connect(make_url(url).database)
        try:
            backup_copy.backup(target)
        finally:
            target.close()
            backup_copy.close()
        return
    args, env = _pg_args(url)
    subprocess.run(["pg_restore", "--no-owner", "--clean", "--if-exists", "--exit-on-error", *args, str(source)],
                   env=env, check=True, capture_output=True)
