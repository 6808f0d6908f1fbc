"""The reference lists a referral is checked against are kept per process: read once, forgotten at once when this
process changes them (committed or not), and read again after ``REFERENCE_SECONDS`` when another process may have."""
from sqlalchemy import event, text

from eic.centers import reference
from eic.centers.models import RiskFactor
from eic.extensions import db
from tests.factories.centers import Icd10CategoryFactory, RiskFactorFactory


def reads(engine, fn):
    seen = []

    def count(*_args):
        seen.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        result = fn()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return result, len(seen)


def test_the_lists_are_read_once_and_named_without_queries(ctx, engine):
    reference.forget()
    db.session.execute(text("SELECT 1"))  # the test's transaction is open before counting
    first, statements = reads(engine, reference.risk_factors_by_code)
    assert statements == 1 and "preterm_32_36w" in first
    again, statements = reads(engine, reference.risk_factors_by_code)
    assert statements == 0 and again["preterm_32_36w"] in db.session  # a row of this session, merged
    assert again["preterm_32_36w"].name_en  # its columns are there, no lazy load
    _categories, statements = reads(engine, reference.eligible_icd10_categories)
    _categories, again_statements = reads(engine, reference.eligible_icd10_categories)
    assert (statements, again_statements) == (1, 0)


def test_a_change_made_here_is_seen_at_once(ctx):
    reference.eligible_icd10_categories(), reference.risk_factors_by_code()
    factor = RiskFactorFactory(code="new_in_this_process")
    category = Icd10CategoryFactory(category="Z99")
    assert "new_in_this_process" in reference.risk_factors_by_code()
    assert "Z99" in reference.eligible_icd10_categories()
    assert factor.id and category.category


def test_a_change_rolled_back_is_forgotten(ctx):
    nested = db.session.begin_nested()
    db.session.add(RiskFactor(code="rolled_back", name_kk="-", name_ru="-", name_en="-"))
    db.session.flush()
    assert "rolled_back" in reference.risk_factors_by_code()
    nested.rollback()
    assert "rolled_back" not in reference.risk_factors_by_code()


def test_a_change_made_by_another_process_is_seen_after_the_keeping_time(ctx, monkeypatch):
    reference.forget()
    assert "X01" not in reference.eligible_icd10_categories()
    # Written past this process's sessions' flushes, as another host's would be.
    db.session.execute(text('INSERT INTO icd10_categories (category, "group", name_en, name_ru) '
                            "VALUES ('X01', 'test', 'Elsewhere', 'Где-то')"))
    assert "X01" not in reference.eligible_icd10_categories()
    clock = reference.time.monotonic() + reference.REFERENCE_SECONDS + 1
    monkeypatch.setattr(reference.time, "monotonic", lambda: clock)
    assert "X01" in reference.eligible_icd10_categories()
