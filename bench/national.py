"""A national dataset (13 centers, 5 years, about 40,000 children and 3 million sessions) and the time to render
the ministry's coverage page, a center's capacity page, and a 100,000-row session export (time and peak memory).

PostgreSQL only: the sessions are generated inside the database (INSERT ... SELECT), which takes minutes rather
than the hours row-by-row inserts would. Foreign-key triggers are off while loading (session_replication_role),
the exclusion constraints stay on: the schedule is built so that no specialist, room or child is double-booked.
"""
import statistics
import time as clock
import tracemalloc
from datetime import date, timedelta

from sqlalchemy import func, insert, select, text

from eic.accounts.models import User
from eic.centers.models import Center, Room
from eic.core.roles import Role
from eic.extensions import db
from eic.referrals.models import Caregiver, Child, Referral, StatusChange
from eic.referrals.status import Status
from eic.therapy.calendar import holiday_name
from eic.therapy.models import Plan, TherapySession

YEARS = (2022, 2023, 2024, 2025, 2026)
COHORT = 600  # children per center and year
SPECIALISTS = 25  # per center, each with a room of their own
SLOTS = 8  # sessions a day per specialist, 09:00 to 16:45
PASSWORD = "bench-password-2026"


def _working_days(years):
    for year in years:
        day, last = date(year, 1, 1), date(year, 12, 31)
        while day <= last:
            if day.weekday() < 5 and holiday_name(day) is None:
                yield day
            day += timedelta(days=1)


def _bulk(model, rows, chunk=5000):
    for i in range(0, len(rows), chunk):
        db.session.execute(insert(model), rows[i:i + chunk])


def build(years=YEARS) -> dict:
    """Load the cohorts of ``years`` (some of ``YEARS``) into the current migrated, reference-loaded PostgreSQL
    database: first into an empty one, then, for the growth figure, the other years into the same one."""
    centers = db.session.scalars(select(Center).order_by(Center.code)).all()
    db.session.execute(text("SET session_replication_role = replica"))
    if db.session.scalar(select(User.id).where(User.email == "ministry@bench.test")) is None:
        _staff(centers)
    pediatrician_id = db.session.scalar(select(User.id).where(User.email == "pediatrician@bench.test"))
    known_child, known_caregiver, known_referral = (
        db.session.scalar(select(func.coalesce(func.max(m.id), 0))) for m in (Child, Caregiver, Referral))
    n = db.session.scalar(select(func.count()).select_from(Child))
    children = []
    for c in centers:
        for year in years:
            for i in range(COHORT):
                n += 1
                children.append({"iin": f"{n:012d}", "last_name": "Bench", "first_name": f"Child {n}",
                                 "birth_on": date(year - 2, 1, 1) + timedelta(days=i % 365), "sex": "MF"[i % 2],
                                 "address": "Bench street"})
    _bulk(Child, children)
    child_ids = db.session.scalars(select(Child.id).where(Child.id > known_child).order_by(Child.id)).all()
    _bulk(Caregiver, [{"child_id": cid, "full_name": "Bench parent", "relation": "mother", "phone": "+77010000000",
                       "preferred_language": "kk"} for cid in child_ids])
    caregiver_ids = db.session.scalars(select(Caregiver.id).where(Caregiver.id > known_caregiver)
                                       .order_by(Caregiver.id)).all()
    _referrals(centers, years, pediatrician_id, child_ids, caregiver_ids)
    rows = db.session.execute(select(Referral.id, Referral.referred_on).where(Referral.id > known_referral)
                              .order_by(Referral.id)).all()
    _bulk(StatusChange, [{"referral_id": r.id, "from_status": Status.SUBMITTED, "to_status": Status.ACCEPTED,
                          "on": r.referred_on + timedelta(days=1)} for r in rows])
    _bulk(Plan, [{"referral_id": r.id, "starts_on": r.referred_on + timedelta(days=30 + r.id % 25),
                  "next_review_on": r.referred_on + timedelta(days=120)} for r in rows])
    _sessions(years, known_referral)
    db.session.execute(text("SET session_replication_role = DEFAULT"))
    from eic.demo.data import relax_second_factor

    relax_second_factor()  # the bench's users have no authenticator app; they log in with a password
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    return {"centers": len(centers), "children": db.session.scalar(select(func.count()).select_from(Child)),
            "sessions": db.session.scalar(select(func.count()).select_from(TherapySession))}


def _staff(centers):
    from eic.accounts.services import hash_password

    password_hash = hash_password(PASSWORD)
    users = [{"email": f"coordinator.{c.code}@bench.test", "full_name": f"Coordinator {c.code}",
              "role": Role.COORDINATOR, "center_id": c.id, "password_hash": password_hash} for c in centers]
    users += [{"email": "ministry@bench.test", "full_name": "Ministry", "role": Role.MINISTRY,
               "password_hash": password_hash},
              {"email": "pediatrician@bench.test", "full_name": "Pediatrician", "role": Role.PEDIATRICIAN,
               "password_hash": password_hash}]
    users += [{"email": f"s{n}.{c.code}@bench.test", "full_name": f"Specialist {n} {c.code}", "role": Role.SPECIALIST,
               "center_id": c.id, "password_hash": password_hash} for c in centers for n in range(SPECIALISTS)]
    _bulk(User, users)
    _bulk(Room, [{"center_id": c.id, "name": f"Bench {n}", "kind": "therapy", "capacity": 1}
                 for c in centers for n in range(SPECIALISTS)])


def _referrals(centers, years, pediatrician_id, child_ids, caregiver_ids):
    referrals, k = [], 0
    for c in centers:
        for year in years:
            for i in range(COHORT):
                referred = date(year - 1, 11, 1) + timedelta(days=(i * 7) % 60)
                closed = year < YEARS[-1]
                referrals.append({
                    "child_id": child_ids[k], "caregiver_id": caregiver_ids[k], "center_id": c.id,
                    "pediatrician_id": pediatrician_id, "referred_on": referred,
                    "status": Status.CLOSED if closed else Status.ENROLLED, "is_open": not closed,
                    "consent_given_by": "Bench parent", "consent_given_on": referred,
                    "accepted_on": referred + timedelta(days=1 + i % 3),
                    "first_contact_on": referred + timedelta(days=2 + i % 6),
                    "assessed_on": referred + timedelta(days=10 + i % 10),
                    "enrolled_on": referred + timedelta(days=20 + i % 30),
                    "ended_on": date(year, 12, 31) if closed else None})
                k += 1
    _bulk(Referral, referrals)


def _sessions(years, known_referral):
    # The schedule: on every working day each specialist sees a child at each of 8 hourly slots. A child has a
    # fixed weekly slot (Mon+Thu, Tue+Fri or Wed with one specialist), so no child, room or specialist overlaps.
    db.session.execute(text("DROP TABLE IF EXISTS bench_days, bench_staff, bench_cohort"))
    db.session.execute(text("CREATE TEMP TABLE bench_days (day date, year int, dow int, n int)"))
    db.session.execute(text("INSERT INTO bench_days VALUES (:day, :year, :dow, :n)"),
                       [{"day": d, "year": d.year, "dow": d.isoweekday(), "n": n}
                        for n, d in enumerate(_working_days(years))])
    db.session.execute(text("""
        CREATE TEMP TABLE bench_staff AS
        SELECT u.center_id, u.id AS specialist_id, r.id AS room_id,
               row_number() OVER (PARTITION BY u.center_id ORDER BY u.id) - 1 AS s
        FROM users u JOIN rooms r ON r.center_id = u.center_id
             AND r.name = 'Bench ' || split_part(split_part(u.email, '.', 1), 's', 2)
        WHERE u.email LIKE 's%@bench.test'"""))
    db.session.execute(text("""
        CREATE TEMP TABLE bench_cohort AS
        SELECT r.center_id, EXTRACT(YEAR FROM r.referred_on)::int + 1 AS year,
               row_number() OVER (PARTITION BY r.center_id, EXTRACT(YEAR FROM r.referred_on)
                                  ORDER BY r.id) - 1 AS idx, r.id AS referral_id, r.child_id
        FROM referrals r WHERE r.id > :known"""), {"known": known_referral})
    db.session.execute(text("CREATE INDEX ON bench_cohort (center_id, year, idx)"))
    db.session.execute(text("""
        INSERT INTO therapy_sessions (center_id, specialist_id, room_id, referral_id, child_id, setting, address,
            audience, starts_at, ends_at, busy_from, busy_until, is_active, cancel_reason, note_done, note_progress,
            note_family_plan, note_goal_ids, attendance, absence_reason, created_at)
        SELECT st.center_id, st.specialist_id, st.room_id, c.referral_id, c.child_id, 'center', '', 'child',
               t.at, t.at + interval '45 minutes', t.at, t.at + interval '45 minutes', true, '', '', '', '', '[]',
               CASE WHEN t.at > now() THEN NULL
                    WHEN (st.specialist_id * 31 + k * 7 + d.n) % 10 = 0 THEN 'absent' ELSE 'attended' END,
               CASE WHEN t.at <= now() AND (st.specialist_id * 31 + k * 7 + d.n) % 10 = 0 THEN 'child_ill' END,
               now()
        FROM bench_days d
        CROSS JOIN generate_series(0, 7) AS k
        CROSS JOIN bench_staff st
        JOIN bench_cohort c ON c.center_id = st.center_id AND c.year = d.year
             AND c.idx = (st.s * 8 + k + 200 * (d.dow % 3)) % 600
        CROSS JOIN LATERAL (SELECT ((d.day + time '09:00' + k * interval '1 hour')
                                    AT TIME ZONE 'Asia/Almaty') AS at) t"""))


def _timed(fn, repeats):
    times = []
    for _ in range(repeats):
        t0 = clock.perf_counter()
        fn()
        times.append(clock.perf_counter() - t0)
    return statistics.median(times), max(times)


def _client(app, email):
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


def measure(app, repeats=5, export=True, floors=False) -> dict:
    ministry = _client(app, "ministry@bench.test")
    coordinator = _client(app, "coordinator.aktobe@bench.test")

    def get(client, url):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    result = {}
    result["statements"] = {
        "coverage": _statements(app, lambda: get(ministry, "/coverage/?year=2025")),
        "capacity": _statements(app, lambda: get(coordinator, "/capacity/?year=2025"))}
    result["coverage"] = _timed(lambda: get(ministry, "/coverage/?year=2025"), repeats)
    if floors:
        result["coverage_floor"], result["coverage_compared"] = coverage_floor(app, repeats)
        result["capacity_floor"], result["capacity_compared"] = capacity_floor(app, repeats)
    result["coverage_xlsx"] = _timed(lambda: get(ministry, "/coverage/export.xlsx?year=2025").data, 3)
    result["coverage_half"] = _timed(lambda: get(ministry, "/coverage/?year=2026&from_month=1&to_month=6"), repeats)
    result["capacity"] = _timed(lambda: get(coordinator, "/capacity/?year=2025"), repeats)
    if not export:
        return result

    export_url = "/capacity/sessions.xlsx?from=2023-01-01&to=2024-12-31"
    with app.app_context():
        center_id = db.session.scalar(select(Center.id).where(Center.code == "aktobe"))
        from eic.therapy.queries import day_bounds

        start, end = day_bounds(date(2023, 1, 1), date(2024, 12, 31))
        result["export_rows"] = db.session.scalar(select(func.count()).select_from(TherapySession).where(
            TherapySession.center_id == center_id, TherapySession.starts_at >= start, TherapySession.starts_at < end))
    sizes = []

    def export():
        response = coordinator.get(export_url)
        sizes.append(sum(len(chunk) for chunk in response.response))

    result["export"] = _timed(export, 2)
    result["export_bytes"] = sizes[-1]
    result["export_csv"] = _timed(lambda: csv_floor(app, "coordinator.aktobe@bench.test"), 2)
    first_bytes = []

    def first_byte():
        t0 = clock.perf_counter()
        chunks = iter(coordinator.get(export_url, buffered=False).response)
        while not next(chunks):
            pass
        first_bytes.append(clock.perf_counter() - t0)
        for _chunk in chunks:
            pass

    _timed(first_byte, 2)
    result["export_first_byte"] = (statistics.median(first_bytes), max(first_bytes))
    tracemalloc.start()
    export()
    result["export_peak_mib"] = tracemalloc.get_traced_memory()[1] / 2 ** 20
    tracemalloc.stop()
    result["export_rss_mib"] = export_rss(app.config["SQLALCHEMY_DATABASE_URI"], export_url)
    return result


def coverage_floor(app, repeats) -> tuple[tuple[float, float], int]:
    """The coverage figures of 2025 from hand-written SQL (``bench.floors``), checked equal to what the page
    computes, then timed; (median, worst) and the number of figures compared."""
    from eic.capacity.figures import timeliness_targets
    from eic.core.timeutil import almaty_today
    from eic.coverage.published import publish

    from . import floors

    with app.test_request_context():
        targets = timeliness_targets()
        days = floors.deadlines(date(2025, 1, 1), date(2025, 12, 31), targets["contact"])

        def run():
            with db.engine.connect() as conn:
                return floors.coverage(conn, 2025, targets, days)

        compared = floors.check_coverage(run(), publish(2025, 1, 12, today=almaty_today()))
        timed = _timed(run, repeats)
        db.session.remove()
    return timed, compared


def capacity_floor(app, repeats) -> tuple[tuple[float, float], int]:
    """Aktobe's capacity figures of 2025 from hand-written SQL, checked equal to the page's, then timed."""
    from eic.capacity import figures, hours
    from eic.capacity import settings as capacity_settings
    from eic.core.settings import get_setting
    from eic.core.timeutil import almaty_today

    from . import floors

    with app.test_request_context():
        today = almaty_today()
        center = db.session.scalar(select(Center).where(Center.code == "aktobe"))
        targets = figures.timeliness_targets()
        settings = {**targets, "window": get_setting(capacity_settings.PROJECTION_WINDOW_DAYS.key)}
        days = floors.deadlines(date(2025, 1, 1), date(2025, 12, 31), targets["contact"])
        week, month = hours.this_week(today), hours.this_month(today)
        free = floors.holidays(min(week[0], month[0]), max(week[1], month[1]))

        def run():
            with db.engine.connect() as conn:
                return floors.capacity(conn, center.id, 2025, today, settings, days, week, month, free)

        compared = floors.check_capacity(run(), figures.center_report(center, 2025, today))
        timed = _timed(run, repeats)
        db.session.remove()
    return timed, compared


def growth(app, repeats=5) -> tuple[float, float]:
    """The ministry's coverage page of 2025 (with the monthly summary): (median, worst)."""
    ministry = _client(app, "ministry@bench.test")

    def get():
        response = ministry.get("/coverage/?year=2025")
        assert response.status_code == 200, response.status_code

    get()
    return _timed(get, repeats)


def _statements(app, fn) -> int:
    """SQL statements one request makes (after a first, warming request)."""
    from sqlalchemy import event

    fn()
    with app.app_context():
        engine = db.engine
    seen = []

    def count(*_args):
        seen.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def csv_floor(app, email) -> int:
    """The floor for the session-log export: the same rows (the same query and words), written as CSV."""
    import csv
    import io

    from eic.capacity.exports import session_log

    with app.test_request_context(headers={"Accept-Language": "ru"}):
        user = db.session.scalar(select(User).where(User.email == email))
        (_title, headers, rows, _widths), = session_log(user, date(2023, 1, 1), date(2024, 12, 31))
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([str(h) for h in headers])
        written = 0
        for row in rows:
            writer.writerow(row)
            written += 1
        db.session.remove()
    return written


def export_rss(url, export_url) -> float:
    """The peak resident memory (MiB) of a fresh process that logs in and downloads the export, as a web worker
    would: the process's whole footprint, not only Python's allocations."""
    import json
    import subprocess
    import sys

    script = f"""
import json, resource
from eic import create_app
app = create_app("testing", SQLALCHEMY_DATABASE_URI={url!r})
client = app.test_client()
client.post("/login", data={{"email": "coordinator.aktobe@bench.test", "password": {PASSWORD!r}}})
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
size = sum(len(chunk) for chunk in client.get({export_url!r}, buffered=False).response)
print(json.dumps({{"before": before / 1024, "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "bytes": size}}))
"""
    answer = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    figures = json.loads(answer.stdout.strip().splitlines()[-1])
    return figures["peak"]
