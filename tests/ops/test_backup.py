"""A backup of a database holding the demo data, restored into a new database, gives the same row counts and the
same coverage figures; a restore into a database that already holds data is refused."""
import uuid
from datetime import date

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from tests.conftest import using_postgres


@pytest.fixture
def two_databases(database_url, tmp_path):
    if not using_postgres():
        yield f"sqlite:///{tmp_path / 'source.db'}", f"sqlite:///{tmp_path / 'target.db'}"
        return
    names = [f"eic_ops_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    admin = create_engine(make_url(database_url).set(database="postgres"), poolclass=NullPool,
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield tuple(make_url(database_url).set(database=n).render_as_string(hide_password=False) for n in names)
    finally:
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def snapshot(app):
    """Row counts of every table, and the coverage figures of the demo's months."""
    from eic.coverage import figures
    from eic.extensions import db

    with app.app_context():
        tables = inspect(db.engine).get_table_names()
        counts = {t: db.session.execute(text(f'SELECT count(*) FROM "{t}"')).scalar() for t in tables}
        national = figures.coverage(first=date(2020, 1, 1), last=date(2030, 12, 31))["national"]
        figures_now = (national.referrals, national.accepted, national.enrolled, national.served)
        db.session.remove()
        db.engine.dispose()
    return counts, figures_now


def test_backup_and_restore_give_the_same_records_and_figures(two_databases, tmp_path):
    from flask_migrate import upgrade

    from eic import create_app
    from eic.demo.data import load_demo
    from eic.extensions import db

    source_url, target_url = two_databases
    source = create_app("testing", SQLALCHEMY_DATABASE_URI=source_url)
    with source.app_context():
        upgrade()
        load_demo(referrals_per_center=3)
        db.session.commit()
        db.session.remove()
    before = snapshot(source)
    assert before[0]["referrals"] > 0 and before[1][0] > 0
    dump = tmp_path / "eic.backup"
    result = source.test_cli_runner().invoke(args=["ops", "backup", str(dump)])
    assert result.exit_code == 0, result.output
    target = create_app("testing", SQLALCHEMY_DATABASE_URI=target_url)
    result = target.test_cli_runner().invoke(args=["ops", "restore", str(dump)])
    assert result.exit_code == 0, result.output
    assert snapshot(target) == before
    # The restored database is not empty now: a second restore is refused and changes nothing.
    again = target.test_cli_runner().invoke(args=["ops", "restore", str(dump)])
    assert again.exit_code != 0 and "empty database" in again.output
    assert snapshot(target) == before
