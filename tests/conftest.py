"""Test set-up: one database per run (SQLite file, or PostgreSQL with EIC_TEST_DB=postgresql), built by the
migrations; each test runs inside a transaction that is rolled back."""
import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import scoped_session, sessionmaker

from eic import create_app
from eic.core.roles import Role
from eic.core.timeutil import utc_now
from eic.extensions import db

PG_ADMIN_URL = os.environ.get("EIC_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def using_postgres() -> bool:
    return os.environ.get("EIC_TEST_DB") == "postgresql"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if not using_postgres():
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        conn = admin.connect()
    except OperationalError as exc:
        if os.environ.get("CI"):
            pytest.exit(f"PostgreSQL is required in CI and is not reachable: {exc}", returncode=1)
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    name = f"eic_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.close()
        admin.dispose()


@pytest.fixture(scope="session")
def app(database_url):
    from flask_migrate import upgrade

    from eic.centers.services import load_reference

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        upgrade()
        load_reference()
        db.session.commit()
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def engine(app):
    with app.app_context():
        return db.engine


@pytest.fixture
def session(app, engine):
    """A session inside a transaction rolled back after the test; commits become savepoints."""
    connection = engine.connect()
    outer = connection.begin()
    scoped = scoped_session(sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
                            scopefunc=lambda: "test")
    real_remove = scoped.remove
    # Flask-SQLAlchemy removes the session when a request's app context ends; keep it for the test.
    scoped.remove = lambda: None
    original, db.session = db.session, scoped
    try:
        yield scoped
    finally:
        real_remove()
        db.session = original
        if outer.is_active:
            outer.rollback()
        connection.close()


@pytest.fixture
def ctx(app, session):
    """An app and request context for service tests (translations resolve to English)."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


@pytest.fixture
def client(app, session):
    return app.test_client()


@pytest.fixture
def login_as(app, client, session):
    """Log ``client`` in as a user (created for the role if a role is given); returns the user."""
    from tests.factories import accounts as f

    def _login(who, **kwargs):
        user = who if not isinstance(who, (Role, str)) else f.user_for_role(Role(who), **kwargs)
        session.commit()
        with client.session_transaction() as s:
            s["_user_id"] = user.get_id()
            s["_fresh"] = True
            s["login_at"] = s["last_seen"] = utc_now().timestamp()
        return user

    return _login


@pytest.fixture
def api(client, session):
    """Call the API with a bearer token for a user."""
    from eic.accounts.services import issue_token

    class Api:
        def __init__(self):
            self.token = None

        def as_user(self, user):
            self.token = issue_token(user)
            session.commit()
            return self

        def _headers(self, lang="en"):
            headers = {"Accept-Language": lang}
            if self.token:
                headers["Authorization"] = f"Bearer {self.token}"
            return headers

        def get(self, path, lang="en"):
            return client.get(path, headers=self._headers(lang))

        def post(self, path, json=None, lang="en"):
            return client.post(path, json=json, headers=self._headers(lang))

    return Api()


@pytest.fixture
def almaty_today():
    from eic.core.timeutil import almaty_today as today

    return today()


def totp_code(email: str) -> str:
    """The current authenticator code of the user with ``email`` (factories set one up for the roles that must
    use a second factor)."""
    import pyotp
    from sqlalchemy import func, select

    from eic.accounts.models import User

    secret = db.session.scalar(select(User.totp_secret).where(func.lower(User.email) == email.strip().lower()))
    return pyotp.TOTP(secret).now()


def form_login(client, email, password, *, address="/login", **headers):
    """Log in through the form as a person does: the password, then the code when the account has a second
    factor (the code step keeps ``next``). Returns the last answer."""
    answer = client.post(address, data={"email": email, "password": password}, headers=headers)
    if answer.status_code == 302 and answer.location.startswith("/login/code"):
        answer = client.post(answer.location, data={"code": totp_code(email)}, headers=headers)
    return answer
