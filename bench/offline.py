"""A specialist's full week for the offline app (issue 17): 40 sessions (8 a day for 5 days, home visits), each
child with a plan of goals and earlier notes. Measured: the time to prepare the week on the server
(``eic.therapy.offline.week``) and its size on the wire (JSON, and gzip as a proxy compresses it)."""
import gzip
import json
import statistics
import time as clock
from datetime import timedelta

SESSIONS, PER_DAY, REPEATS = 40, 8, 20


def build():
    """The specialist and their week, through the factories; returns the specialist."""
    from datetime import time

    from eic.core.roles import Role
    from eic.core.timeutil import almaty_today
    from eic.extensions import db
    from eic.referrals.status import Status
    from eic.therapy.calendar import local_to_utc
    from tests.factories.accounts import user_for_role
    from tests.factories.centers import RoomFactory, center
    from tests.factories.intake import TeamMemberFactory
    from tests.factories.referrals import ReferralFactory
    from tests.factories.therapy import GoalFactory, PlanFactory, TherapySessionFactory

    specialist = user_for_role(Role.SPECIALIST)
    room = RoomFactory(center=center("aktobe"))
    today = almaty_today()
    for n in range(SESSIONS):
        referral = ReferralFactory(center=center("aktobe"), status=Status.ENROLLED)
        TeamMemberFactory(referral_id=referral.id, specialist=specialist)
        plan = PlanFactory(referral_id=referral.id, is_current=True)
        for kind in ("child", "child", "family"):
            GoalFactory(plan_id=plan.id, kind=kind, description="Говорит 20 слов / 20 сөз айтады")
        for back in (7, 14, 21):  # earlier notes, on the same weekday and hour as this week's visit
            at = local_to_utc(today + timedelta(days=n // PER_DAY - back), time(9 + n % PER_DAY))
            TherapySessionFactory(room=room, center_id=room.center_id, specialist_id=specialist.id,
                                  referral_id=referral.id, child_id=referral.child_id, starts_at=at,
                                  ends_at=at + timedelta(minutes=45), attendance="attended",
                                  note_done="Игры с картинками, 10 минут; называли животных",
                                  note_family_plan="Каждый день 10 минут говорите по картинкам",
                                  note_recorded_at=at + timedelta(hours=1))
        at = local_to_utc(today + timedelta(days=n // PER_DAY), time(9 + n % PER_DAY))
        TherapySessionFactory(room=room, center_id=room.center_id, specialist_id=specialist.id,
                              referral_id=referral.id, child_id=referral.child_id, starts_at=at,
                              ends_at=at + timedelta(minutes=45), setting="home",
                              address="Арал ауданы, Абай көшесі 12")
    db.session.commit()
    return specialist


def run(app) -> dict:
    from eic.therapy import offline

    with app.test_request_context():
        specialist = build()
        offline.week(specialist)  # warm
        times = []
        for _ in range(REPEATS):
            started = clock.perf_counter()
            data = offline.week(specialist)
            times.append((clock.perf_counter() - started) * 1000)
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return {"sessions": len(data["sessions"]), "median_ms": statistics.median(times), "max_ms": max(times),
            "bytes": len(body), "gzip_bytes": len(gzip.compress(body))}


def section(r: dict) -> str:
    return f"""## A specialist's week for the offline app

The data a specialist's phone keeps for their next days (`GET /api/v1/sync/week`): {r['sessions']} home visits
(8 a day for 5 days), each with the child, the caregiver's phone and language, 3 plan goals and the last 3
notes, and each session's versions. {REPEATS} repeats after one warm-up.

| measure | figure |
| --- | --- |
| prepare the week on the server, median | {r['median_ms']:.1f} ms |
| prepare the week, worst | {r['max_ms']:.1f} ms |
| size on the wire, JSON | {r['bytes'] / 1024:.1f} KiB |
| size on the wire, gzip (the shipped nginx site compresses this answer) | {r['gzip_bytes'] / 1024:.1f} KiB |
"""
