"""The audit trail's cost: what writing the row adds to a page, and the administrators' log over a million rows.

Each page that opens a child's record writes one ``audit_events`` row and commits it. The cost is measured as the
difference between the same page with the trail on and with ``audit.services.record`` replaced by a no-op, median
of many requests through the Flask test client by a logged-in coordinator. The log is then filled to a million
rows (PostgreSQL: ``generate_series``; SQLite: batched inserts) and its pages timed: the newest page, a page a
million rows back (keyset: ``before=<id>``), and pages filtered by user, by case and by action."""
import statistics
import time

from sqlalchemy import text

ROWS = 1_000_000


def _median_ms(fn, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000, max(times) * 1000


def run(app, repeats=60) -> dict:
    from eic.audit import services as audit
    from eic.core.roles import Role
    from eic.extensions import db
    from tests.factories.accounts import user_for_role
    from tests.factories.referrals import ReferralFactory

    with app.app_context():
        coordinator = user_for_role(Role.COORDINATOR)
        admin = user_for_role(Role.ADMIN)
        referral = ReferralFactory(center=coordinator.center)
        db.session.commit()
        ids = {"coordinator": coordinator.get_id(), "admin": admin.get_id(), "referral": referral.id,
               "email": coordinator.email, "coordinator_id": coordinator.id}
    client = _logged_in(app, ids["coordinator"])
    page = f"/referrals/{ids['referral']}"
    for _ in range(5):
        client.get(page)  # warm up
    with_trail = _median_ms(lambda: client.get(page), repeats)
    real = audit.record
    audit.record = lambda *args, **kwargs: None
    try:
        without = _median_ms(lambda: client.get(page), repeats)
    finally:
        audit.record = real
    with app.app_context():
        fill_seconds = _fill(db, ids)
    admin_client = _logged_in(app, ids["admin"])
    with app.app_context():
        oldest = db.session.execute(text("SELECT min(id) + 100 FROM audit_events")).scalar()
    pages = {
        "newest": "/admin/audit/",
        "a million rows back": f"/admin/audit/?before={oldest}",
        "one user": f"/admin/audit/?user={ids['email']}",
        "one case": f"/admin/audit/?case={ids['referral']}",
        "one action": "/admin/audit/?action=export",
    }
    timed = {name: _median_ms(lambda url=url: admin_client.get(url), 15) for name, url in pages.items()}
    return {"with": with_trail, "without": without, "fill_s": fill_seconds, "pages": timed, "rows": ROWS}


def _logged_in(app, user_id):
    from eic.core.timeutil import utc_now

    client = app.test_client()
    with client.session_transaction() as s:
        s["_user_id"], s["_fresh"] = user_id, True
        s["login_at"] = s["last_seen"] = utc_now().timestamp()
    return client


def _fill(db, ids) -> float:
    t0 = time.perf_counter()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(
            "INSERT INTO audit_events (at, actor_id, actor_role, action, outcome, record_type, record_id, "
            "referral_id, via) SELECT now() - (g || ' seconds')::interval, "
            "CASE WHEN g % 97 = 0 THEN :actor ELSE 100000 + g % 500 END, 'specialist', "
            "CASE WHEN g % 50 = 0 THEN 'export' ELSE 'read' END, 'ok', 'referral', g % 40000, "
            "CASE WHEN g % 1000 = 0 THEN :case ELSE g % 40000 END, 'page' FROM generate_series(1, :n) g"),
            {"actor": ids["coordinator_id"], "case": ids["referral"], "n": ROWS})
    else:
        batch = []
        for g in range(1, ROWS + 1):
            batch.append({"actor": ids["coordinator_id"] if g % 97 == 0 else 100000 + g % 500,
                          "action": "export" if g % 50 == 0 else "read",
                          "case": ids["referral"] if g % 1000 == 0 else g % 40000})
            if len(batch) == 20000:
                _insert(db, batch)
                batch = []
        if batch:
            _insert(db, batch)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE audit_events"))
        db.session.commit()
    return time.perf_counter() - t0


def _insert(db, batch):
    db.session.execute(text(
        "INSERT INTO audit_events (at, actor_id, actor_role, action, outcome, record_type, record_id, referral_id, "
        "via) VALUES (datetime('now'), :actor, 'specialist', :action, 'ok', 'referral', :case, :case, 'page')"),
        batch)


def section(r: dict | None) -> str:
    if r is None:
        return ""
    rows = "\n".join(f"| {name} | {ms[0]:,.1f} ms (worst {ms[1]:,.1f} ms) |" for name, ms in r["pages"].items())
    return f"""
## The audit trail

Opening a child's record (`/referrals/<id>`, a coordinator) writes one `audit_events` row and commits it.

| measure | time |
| --- | --- |
| the page with the trail, median | {r['with'][0]:.1f} ms (worst {r['with'][1]:.1f} ms) |
| the same page with the trail switched off, median | {r['without'][0]:.1f} ms (worst {r['without'][1]:.1f} ms) |
| what the trail adds | {r['with'][0] - r['without'][0]:.1f} ms |

The administrators' log over {r['rows']:,} rows (filled in {r['fill_s']:.0f} s). Pages go backwards by id
(keyset) on the indexes `(actor_id, id)`, `(referral_id, id)` and `(action, id)`, so a page costs the same at the
start of the log and a million rows back:

| page of 50 | time |
| --- | --- |
{rows}
"""
