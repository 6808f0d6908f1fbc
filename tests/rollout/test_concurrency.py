"""Six people recording the same step of an equipment line at once: exactly one step is recorded; the others are
told that the line changed meanwhile (or that the step is already past). On SQLite and on PostgreSQL."""
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from sqlalchemy import delete, func, select

from eic.accounts.models import User
from eic.accounts.services import create_user, hash_password
from eic.centers.queries import center_by_code
from eic.core.errors import DomainError
from eic.core.roles import Role
from eic.extensions import db
from eic.rollout import services
from eic.rollout.models import AllocationLine, AllocationStep, EquipmentItem

WORKERS = 6


def test_one_step_is_recorded_when_six_record_it_at_once(app):
    with app.app_context():
        foundation = create_user(email="race-found@test.eic", full_name="Race F", role=Role.FOUNDATION,
                                 password=None, hashed_password=hash_password("not-used-here"))
        item = services.create_item(code="RACE-1", name_kk="Сынақ", name_ru="Тест", name_en="Test",
                                    category="it", unit_price=1000, actor=foundation)
        line = services.plan_line(center=center_by_code("aktobe"), item=item, programme_year=2026, quantity=1,
                                  source="samruk_kazyna", actor=foundation, today=date(2026, 1, 10))
        db.session.commit()
        line_id, user_id, item_id = line.id, foundation.id, item.id
    barrier = threading.Barrier(WORKERS)

    def record(n):
        with app.app_context():
            barrier.wait()
            actor = db.session.get(User, user_id)
            row = db.session.get(AllocationLine, line_id)
            try:
                services.advance(row, to_stage="ordered", on=date(2026, 2, 1), document=f"PO-{n}", actor=actor,
                                 expected_delivery_on=date(2026, 4, 1), today=date(2026, 3, 1))
                db.session.commit()
                return "recorded"
            except DomainError as exc:
                db.session.rollback()
                return exc.code
            finally:
                db.session.remove()

    try:
        with ThreadPoolExecutor(WORKERS) as pool:
            results = list(pool.map(record, range(WORKERS)))
        assert results.count("recorded") == 1, results
        assert set(results) - {"recorded"} <= {"changed_meanwhile", "invalid_transition"}, results
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(AllocationStep).where(
                AllocationStep.line_id == line_id, AllocationStep.stage == "ordered")) == 1
    finally:
        with app.app_context():
            db.session.execute(delete(AllocationStep).where(AllocationStep.line_id == line_id))
            db.session.execute(delete(AllocationLine).where(AllocationLine.id == line_id))
            db.session.execute(delete(EquipmentItem).where(EquipmentItem.id == item_id))
            db.session.execute(delete(User).where(User.id == user_id))
            db.session.commit()
