"""Upgrades run on a database that holds data, not only on an empty one: a SQLite batch migration that copies and
drops a table that others reference fails there (the foreign keys refuse the drop) and passes on an empty file."""
from datetime import date, datetime, time, timezone

import sqlalchemy as sa
from flask_migrate import upgrade

from eic import create_app

# The tables a booked session depends on, parents first.
CHAIN = ("regions", "centers", "rooms", "disciplines", "polyclinics", "users", "children", "caregivers",
         "referrals", "therapy_sessions", "roster_entries")


def _value(column):
    if column.foreign_keys:
        return 1
    kind = column.type
    if isinstance(kind, sa.Boolean):
        return True
    if isinstance(kind, sa.Integer):
        return 1
    if isinstance(kind, sa.DateTime):
        return datetime(2030, 1, 9, 5, tzinfo=timezone.utc)
    if isinstance(kind, sa.Date):
        return date(2030, 1, 9)
    if isinstance(kind, sa.Time):
        return time(9)
    if isinstance(kind, sa.JSON):
        return []
    return "x"


def fill(connection, table, filled):
    """One row with every required column given, and every reference to a table already filled (pointing at its
    row 1): a session refers to its room, as on a real center's database."""
    values = {c.name: _value(c) for c in table.columns
              if not c.nullable or any(k.column.table.name in filled for k in c.foreign_keys)}
    values["id"] = 1
    connection.execute(table.insert().values(**values))


def test_the_latest_migrations_upgrade_a_database_with_sessions_in_it(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'old.db'}")
    with app.app_context():
        upgrade(revision="20261122_0014")
        from eic.extensions import db

        engine = db.engine
        metadata = sa.MetaData()
        metadata.reflect(bind=engine)
        with engine.begin() as connection:
            for n, name in enumerate(CHAIN):
                fill(connection, metadata.tables[name], CHAIN[:n])
        upgrade()
        with engine.connect() as connection:
            room = connection.execute(sa.text("select is_active, is_accessible from rooms")).one()
            assert tuple(room) == (1, 0)
            assert connection.execute(sa.text("select room_id from therapy_sessions")).scalar() == 1
        db.engine.dispose()
