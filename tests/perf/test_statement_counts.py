"""SQL statements per page, counted (not timed): the ministry's coverage page, a center's capacity page and the
referral POST make the same number of statements however much data there is, and no more than their budget. A
change that brings back a query per month, per center or per row fails here (docs/PERFORMANCE.md)."""
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import event

from eic.core.roles import Role
from eic.extensions import db
from eic.referrals.status import Status
from tests.factories.centers import center
from tests.factories.referrals import ReferralFactory, payload
from tests.factories.therapy import TherapySessionFactory

YEAR = 2025
# Statements per request as measured when the per-month and per-center loops were replaced by grouped queries
# (coverage 241 -> 40, capacity 47 -> 18), then when a period's figures were put together from its months
# (coverage 40 -> 30) and booked hours were added up in one query for the week and the month (capacity 18 -> 15), and
# when the referral POST lost its savepoints, read its token and user in one query and kept the reference lists per
# process (19 -> 10 on PostgreSQL, 13 on SQLite, which inserts the four consents one by one): the ceiling a change
# may not pass without saying why.
BUDGET = {"/coverage/": 30, "/capacity/": 15, "referral POST": 13}


@contextmanager
def counted(engine):
    statements = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def grow(scale: int):
    """Children enrolled and attending at two centers, every month of the year: ``scale`` times as many."""
    for code in ("aktobe", "oral"):
        for n in range(2 * scale):
            referral = ReferralFactory(center=center(code), status=Status.ENROLLED, referred_on=date(YEAR, 1, 10),
                                       accepted_on=date(YEAR, 1, 12), first_contact_on=date(YEAR, 1, 14),
                                       enrolled_on=date(YEAR, 2, 1))
            for month in range(2, 13):
                starts = datetime(YEAR, month, 5 + n % 20, 4, tzinfo=timezone.utc)
                TherapySessionFactory(center_id=referral.center_id, room__center_id=referral.center_id,
                                      child_id=referral.child_id, referral_id=referral.id, starts_at=starts,
                                      ends_at=starts + timedelta(minutes=45), attendance="attended")
    db.session.commit()


def page_statements(client, engine, path):
    client.get(path)  # warm: the first request of a process reads reference data it then keeps
    with counted(engine) as statements:
        assert client.get(path).status_code == 200
    return len(statements)


@pytest.mark.parametrize("role, path", [(Role.MINISTRY, f"/coverage/?year={YEAR}"),
                                        (Role.COORDINATOR, f"/capacity/?year={YEAR}")])
def test_a_page_makes_as_many_statements_for_more_data(client, login_as, engine, role, path):
    login_as(role)
    grow(1)
    small = page_statements(client, engine, path)
    grow(3)
    large = page_statements(client, engine, path)
    assert large == small <= BUDGET[path.split("?")[0]], (small, large)


def test_the_referral_post_makes_the_same_statements_with_more_referrals(api, engine):
    from tests.factories.accounts import user_for_role
    from tests.factories.referrals import unique_iin

    api.as_user(user_for_role(Role.PEDIATRICIAN))
    born = date(2025, 6, 1)

    def post(serial):
        body = payload(**{"child.iin": unique_iin(born, "M", serial), "child.birth_date": born.isoformat()})
        with counted(engine) as statements:
            assert api.post("/api/v1/referrals", json=body).status_code == 201
        return len(statements)

    post(1)
    small = post(2)
    for serial in range(3, 13):
        post(serial)
    assert post(13) == small <= BUDGET["referral POST"], small
