"""``make bench``: builds its own database (PostgreSQL when reachable, else SQLite), measures, and writes
docs/PERFORMANCE.md."""
import os
import platform
import sys
import tempfile
import uuid
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

PG_ADMIN = os.environ.get("EIC_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
ROOT = Path(__file__).resolve().parent.parent


def database():
    try:
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        conn = admin.connect()
    except OperationalError:
        path = Path(tempfile.mkdtemp()) / "bench.db"
        return f"sqlite:///{path}", None
    name = f"eic_bench_{uuid.uuid4().hex[:8]}"
    conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.close()
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + name, drop


def _fresh_app(url):
    from flask_migrate import upgrade

    from eic import create_app
    from eic.centers.services import load_reference
    from eic.extensions import db

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        load_reference()
        db.session.commit()
    return app


def run_booking() -> tuple[dict, str]:
    from eic.core.roles import Role
    from eic.extensions import db

    from . import booking

    url, drop = database()
    try:
        app = _fresh_app(url)
        with app.test_request_context():
            from tests.factories.accounts import user_for_role
            from tests.factories.centers import CenterFactory

            center = CenterFactory()
            coordinator = user_for_role(Role.COORDINATOR, center=center)
            world = booking.build(center, coordinator)
            result = booking.run(center, coordinator, world)
            db.session.remove()
            db.engine.dispose()
    finally:
        if drop:
            drop()
    return result, "PostgreSQL" if url.startswith("postgresql") else "SQLite"


def run_national() -> dict | None:
    """The national dataset; PostgreSQL only (None without it)."""
    import time

    from eic.extensions import db

    from . import national

    url, drop = database()
    if drop is None:
        return None

    def snapshot():
        from sqlalchemy import delete

        from eic.capacity import snapshots
        from eic.capacity.models import SnapshotMonth

        with app.app_context():
            # The data was loaded past the ORM: no month was marked stale, so every month is computed again.
            db.session.execute(delete(SnapshotMonth))
            t0 = time.perf_counter()
            months = snapshots.refresh_due(back_to=national.date(national.YEARS[0], 1, 1))
            db.session.commit()
            db.session.remove()
        return months, time.perf_counter() - t0

    try:
        app = _fresh_app(url)
        # The growth figure: the same year's page on one year of data (2025's cohort), then on all five.
        with app.app_context():
            t0 = time.perf_counter()
            national.build((2025,))
            build_s = time.perf_counter() - t0
            db.session.remove()
        snapshot()
        one_year = national.growth(app)
        with app.app_context():
            t0 = time.perf_counter()
            counts = national.build(tuple(y for y in national.YEARS if y != 2025))
            build_s += time.perf_counter() - t0
            with db.engine.begin() as conn:
                conn.execute(db.text("DELETE FROM snapshot_months"))
            db.session.remove()
        live = national.measure(app, repeats=3, export=False)
        months, snapshot_s = snapshot()
        five_years = national.growth(app)
        result = national.measure(app, floors=True)
        with app.app_context():
            db.engine.dispose()
    finally:
        drop()
    return {"counts": counts, "build_s": build_s, "live": live, "snapshot_s": snapshot_s,
            "snapshot_months": len(months), "growth": (one_year, five_years), **result}


def run_post() -> dict | None:
    """The referral POST against its floor under gunicorn (PostgreSQL and wrk; None without either)."""
    import shutil

    from eic.core.timeutil import almaty_today
    from eic.extensions import db

    from . import post

    if shutil.which("wrk") is None:
        return None
    url, drop = database()
    if drop is None:
        return None
    try:
        app = _fresh_app(url)
        with app.test_request_context():
            from eic.accounts.services import issue_token
            from eic.core.roles import Role
            from tests.factories.accounts import user_for_role

            pediatrician = user_for_role(Role.PEDIATRICIAN)
            token = issue_token(pediatrician, name="bench")
            pediatrician_id = pediatrician.id
            db.session.commit()
            db.session.remove()
            db.engine.dispose()
        return post.run(url, token, pediatrician_id, almaty_today())
    finally:
        drop()


def _run_alone(module) -> tuple[dict, str]:
    """``module.run(app)`` on a fresh database of its own, dropped afterwards; (result, database name)."""
    from eic.extensions import db

    url, drop = database()
    try:
        app = _fresh_app(url)
        result = module.run(app)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    finally:
        if drop:
            drop()
    return result, "PostgreSQL" if url.startswith("postgresql") else "SQLite"


def run_audit() -> tuple[dict, str]:
    from . import audit

    return _run_alone(audit)


AUDIT_START, AUDIT_END = "<!-- audit -->", "<!-- /audit -->"
OFFLINE_START, OFFLINE_END = "<!-- offline -->", "<!-- /offline -->"


def run_offline() -> tuple[dict, str]:
    from . import offline

    return _run_alone(offline)


def offline_block() -> str:
    from . import offline

    result, backend = run_offline()
    return f"{OFFLINE_START}\n{offline.section(result).strip()}\n\n(Database: {backend}.)\n{OFFLINE_END}\n"


def _replace_block(start, end, make) -> int:
    """Measure one section again and put it in place of the old one in docs/PERFORMANCE.md."""
    path = ROOT / "docs" / "PERFORMANCE.md"
    report = path.read_text(encoding="utf-8")
    block = make()
    if start in report:
        before, _sep, rest = report.partition(start)
        report = before + block + rest.partition(end)[2].lstrip("\n")
    else:
        report = report.rstrip("\n") + "\n\n" + block
    path.write_text(report, encoding="utf-8")
    print(block)
    return 0


def audit_block() -> str:
    from . import audit

    result, backend = run_audit()
    return f"{AUDIT_START}\n{audit.section(result).strip()}\n\n(Database: {backend}.)\n{AUDIT_END}\n"


def _ms(pair):
    return f"{pair[0] * 1000:,.0f} ms (worst {pair[1] * 1000:,.0f} ms)"


def national_section(n: dict | None) -> str:
    if n is None:
        return """
## National scale

Not measured: the national dataset is generated inside PostgreSQL, and none was reachable.
"""
    c = n["counts"]
    ratio, rss = n["export"][0] / n["export_csv"][0], n["export_rss_mib"]
    return f"""
## National scale: 13 centers, 5 years

{c['children']:,} children (600 a year per center, 2022-2026), {c['sessions']:,} sessions (25 specialists a center,
8 sessions a day each, on every working day; 10% missed), one referral, plan and decision per child. Generated
inside PostgreSQL in {n['build_s']:.0f} s. Pages are rendered through the Flask test client by a logged-in user
(request, queries, template), median of repeats.

The monthly summary of families served (`flask capacity snapshot`, nightly; {n['snapshot_months']} months computed
in {n['snapshot_s']:.1f} s) is what keeps the coverage page fast: without it, "families served" for a year reads
every attended session of the year, once for the year and once per month for the trend.

| measure | live tables only | with the monthly summary |
| --- | --- | --- |
| ministry's coverage page, national, a whole year (2025) | {_ms(n['live']['coverage'])} | {_ms(n['coverage'])} |
| coverage page, January to June of the current year | {_ms(n['live']['coverage_half'])} | {_ms(n['coverage_half'])} |
| coverage report .xlsx (5 sheets), a whole year | {_ms(n['live']['coverage_xlsx'])} | {_ms(n['coverage_xlsx'])} |
| a center's capacity page (Aktobe, 2025) | {_ms(n['live']['capacity'])} | {_ms(n['capacity'])} |

SQL statements per request (after a warming request): coverage page {n['statements']['coverage']}, capacity page
{n['statements']['capacity']} (`tests/perf/test_statement_counts.py` keeps them from growing with the data).

### Session log export

{n['export_rows']:,} sessions of one center over two years (`/capacity/sessions.xlsx?from=2023-01-01&to=2024-12-31`),
10 columns, read from a server-side cursor and written row by row into a zip that is sent as it is made
(`eic/core/xlsx.py`). The floor is the same rows, from the same query with the same words, written as CSV
in the same run.

| measure | value | goal |
| --- | --- | --- |
| time to the last byte | {_ms(n['export'])} | |
| CSV of the same rows (floor) | {_ms(n['export_csv'])} | |
| ratio to the floor | {ratio:.2f} | <= 2 {_met(ratio <= 2)} |
| time to the first byte | {_ms(n['export_first_byte'])} | < 1 s {_met(n['export_first_byte'][0] < 1)} |
| file size | {n['export_bytes'] / 2 ** 20:.1f} MiB | |
| peak Python memory while exporting (tracemalloc) | {n['export_peak_mib']:.1f} MiB | |
| peak memory of a fresh process that logs in and exports (RSS) | {rss:.0f} MiB | < 120 MiB {_met(rss < 120)} |
"""


def floors_section(n: dict | None, post: dict | None, booking: dict) -> str:
    """Each hot path against the simplest thing that does the same work, measured side by side in this run."""
    rows = []
    if post is not None:
        rows.append(("referral POST, gunicorn 2 workers, wrk 8 connections",
                     f"bare insert endpoint, {post['floor_rate']:,.0f} req/s",
                     f"{post['product_rate']:,.0f} req/s", f"{post['ratio']:.2f}", ">= 0.5", post["ratio"] >= 0.5))
    else:
        rows.append(("referral POST", "not measured (needs PostgreSQL and wrk)", "", "", ">= 0.5", None))
    if n is not None:
        for key, label, goal, limit in (
                ("coverage", "ministry's coverage page, national, 2025 (monthly summary)", "<= 1.5", 1.5),
                ("capacity", "a center's capacity page (Aktobe, 2025)", "<= 2", 2)):
            floor, product = n[f"{key}_floor"][0], n[key][0]
            rows.append((f"{label}; {n['statements'][key]} statements",
                         f"hand-written SQL, {floor * 1000:,.0f} ms ({n[f'{key}_compared']:,} figures checked equal)",
                         f"{product * 1000:,.0f} ms", f"{product / floor:.2f}", goal, product / floor <= limit))
        ratio = n["export"][0] / n["export_csv"][0]
        rows.append((f"session-log export, {n['export_rows']:,} rows", f"CSV of the same rows, "
                     f"{n['export_csv'][0]:,.1f} s", f".xlsx {n['export'][0]:,.1f} s", f"{ratio:.2f}", "<= 2",
                     ratio <= 2))
        first = n["export_first_byte"][0]
        rows.append(("the export's first byte", "", f"{first:.2f} s", "", "< 1 s", first < 1))
        rss = n["export_rss_mib"]
        rows.append(("peak memory of a fresh process that logs in and exports", "", f"{rss:.0f} MiB", "",
                     "< 120 MiB", rss < 120))
        (one, _w1), (five, _w5) = n["growth"]
        rows.append(("the 2025 coverage page as history grows, 1 -> 5 years of data", "",
                     f"{one * 1000:,.0f} -> {five * 1000:,.0f} ms", f"x{five / one:.2f}", "<= x1.2",
                     five / one <= 1.2))
    book = booking["book_median_ms"]
    rows.append(("book a 12-week series (server time, median)", "", f"{book:.1f} ms", "", "< 50 ms", book < 50))
    table = "\n".join(f"| {path} | {floor} | {product} | {ratio} | {goal} | "
                      f"{'-' if met is None else ('met' if met else 'not met')} |"
                      for path, floor, product, ratio, goal, met in rows)
    return f"""
## Close to the floor

Each hot path against the simplest thing that does the same work, side by side in this run (the machine is shared
and noisy: compare the ratios, not times between runs). The floors: `bench/floor_app.py`, one INSERT statement and a
commit with no log-in or checks, under the same gunicorn settings and the same `wrk` load (every request a new
child); `bench/floors.py`, one hand-written PostgreSQL statement per figure, compared figure by figure with what the
page computes before it is timed; CSV of the export's rows from the same query.

| path | floor | product | ratio | goal | |
| --- | --- | --- | --- | --- | --- |
{table}
"""


# What the report says about caching, kept beside the bench (a table too wide for the code's line length).
CACHED = "\n" + (Path(__file__).resolve().parent / "cached.md").read_text(encoding="utf-8")


def _met(ok: bool) -> str:
    return "(met)" if ok else "(not met)"


def main():
    # One section of the existing report measured again and replaced.
    if "--audit-only" in sys.argv:
        return _replace_block(AUDIT_START, AUDIT_END, audit_block)
    if "--offline-only" in sys.argv:
        return _replace_block(OFFLINE_START, OFFLINE_END, offline_block)
    booking_result, backend = run_booking()
    national_result = run_national() if "--booking-only" not in sys.argv else None
    post_result = run_post() if "--booking-only" not in sys.argv else None
    result = booking_result
    report = f"""# Performance

Figures from `make bench` (`python -m bench`), written by the benchmark itself. Machine: {platform.machine()},
{os.cpu_count()} cores, Python {platform.python_version()}; database: {backend}; run at
{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC.

## Booking a 12-week series at a busy center

A center with {result['sessions_at_center']:,} sessions in one year (20 specialists x 8 sessions a day in 20 rooms,
600 children), booked without overlaps. Booking a weekly 12-session series checks every occurrence against the
specialist, the room and the child (three indexed range queries for the whole series), working and opening hours,
absences, holidays and closures, then inserts the sessions under the database's exclusion constraints (triggers on
SQLite). {result['repeats']} repeats, each rolled back.

| measure | time |
| --- | --- |
| book 12 sessions (checks + insert), median | {result['book_median_ms']:.1f} ms |
| book 12 sessions, worst | {result['book_max_ms']:.1f} ms |
| a 12-week series refused for clashes (every date listed), median | {result['refused_median_ms']:.1f} ms |
""" + floors_section(national_result, post_result, booking_result) + CACHED + national_section(national_result) \
        + "\n" + audit_block() + "\n" + offline_block()
    (ROOT / "docs" / "PERFORMANCE.md").write_text(report, encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
