"""Every model has a factory, and every factory makes a row the database accepts."""
import pytest

from eic.extensions import db
from tests.factories import (accounts, audit, capacity, centers, core, family, intake, jobs, notifications, referrals,
                             rollout, support, therapy)
from tests.factories.base import Factory

MODULES = (accounts, audit, capacity, centers, core, family, intake, jobs, notifications, referrals, rollout, support,
           therapy)
FACTORIES = [obj for module in MODULES for obj in vars(module).values()
             if isinstance(obj, type) and issubclass(obj, Factory) and obj is not Factory
             and not obj._meta.abstract]


def test_every_model_has_a_factory():
    models = {mapper.class_ for mapper in db.Model.registry.mappers}
    assert models <= {f._meta.model for f in FACTORIES}


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_factory_makes_a_valid_row(session, factory):
    row = factory()
    session.flush()
    assert row in session and session.get(type(row), db.inspect(row).identity) is row
