"""Floors for the ministry's coverage page and a center's capacity page: the same figures from hand-written
PostgreSQL, one statement per figure, with nothing else (no log-in, no disclosure control, no template). Before
timing, ``check_coverage`` and ``check_capacity`` compare every figure with what the product computes for the page,
so a floor is known to do the same work.

Quantiles follow the product's definitions: the median of the day counts (``percentile_cont(0.5)``) and the 90th
percentile as the value at position round(0.9 x (n - 1)) of the sorted counts, rounding half to even as Python does
(PostgreSQL's ``round`` of a double precision does the same). The first-contact target counts working days: the
working days of the years involved are passed in, numbered, and the deadline is the working day ``k`` places after
the referral's day.
"""
from datetime import date, timedelta

from sqlalchemy import text

from eic.therapy.models import CAREGIVER_SERVICE_KINDS, OUTCOME_AREAS

ALMATY = "Asia/Almaty"
MONTH_CELLS = text("""
    WITH r AS (SELECT id, center_id, child_id, referred_on, enrolled_on, redirected_from_id FROM referrals
               WHERE referred_on BETWEEN :first AND :last OR enrolled_on BETWEEN :first AND :last)
    SELECT 'referrals', center_id, extract(month FROM referred_on)::int, '', count(*) FROM r
    WHERE referred_on BETWEEN :first AND :last AND redirected_from_id IS NULL GROUP BY 2, 3
    UNION ALL
    SELECT s.to_status, r.center_id, extract(month FROM r.referred_on)::int, coalesce(s.reason_code, 'other'), count(*)
    FROM r JOIN referral_status_changes s ON s.referral_id = r.id
    WHERE r.referred_on BETWEEN :first AND :last AND s.to_status IN ('accepted', 'declined', 'redirected')
    GROUP BY 1, 2, 3, 4
    UNION ALL
    SELECT 'enrolled', center_id, extract(month FROM enrolled_on)::int, '', count(DISTINCT child_id) FROM r
    WHERE enrolled_on BETWEEN :first AND :last GROUP BY 2, 3
    UNION ALL
    SELECT 'served', center_id, extract(month FROM month)::int, '', count(*) FROM served_months
    WHERE month BETWEEN :first AND :last GROUP BY 2, 3""")
SERVED_YEAR = text("""
    SELECT center_id, count(*) FROM (SELECT DISTINCT center_id, child_id FROM served_months
                                     WHERE month BETWEEN :first AND :last) s GROUP BY center_id""")
TIMELINESS = text("""
    WITH deadlines AS (SELECT * FROM unnest(CAST(:days AS date[]), CAST(:deadlines AS date[])) AS x(day, deadline)
    ),
    r AS (SELECT id, center_id, referred_on, first_contact_on FROM referrals
          WHERE referred_on BETWEEN :first AND :last),
    per_child AS (
        SELECT r.center_id, extract(month FROM r.referred_on)::int AS month,
               r.first_contact_on - r.referred_on AS contact,
               r.first_contact_on <= dl.deadline AS contact_ok,
               p.starts_on - r.referred_on AS plan,
               (timezone(:zone, s.first_at))::date - p.starts_on AS session
        FROM r
        JOIN deadlines dl ON dl.day = r.referred_on
        LEFT JOIN (SELECT referral_id, min(starts_on) AS starts_on FROM plans GROUP BY referral_id) p
               ON p.referral_id = r.id
        LEFT JOIN LATERAL (SELECT min(t.starts_at) AS first_at FROM therapy_sessions t
                           WHERE t.referral_id = r.id AND t.attendance = 'attended') s ON p.starts_on IS NOT NULL),
    placed AS (SELECT c.code, g.iso_code, x.* FROM per_child x JOIN centers c ON c.id = x.center_id
               JOIN regions g ON g.id = c.region_id),
    measures AS (
        SELECT code, iso_code, month, 'first_contact' AS measure, contact AS v, contact_ok AS ok FROM placed
        WHERE contact IS NOT NULL
        UNION ALL SELECT code, iso_code, month, 'plan', plan, plan <= :plan_days FROM placed WHERE plan IS NOT NULL
        UNION ALL SELECT code, iso_code, month, 'first_session', session, session <= :session_days FROM placed
        WHERE session IS NOT NULL)
    SELECT measure, code, iso_code, month, count(*),
           CASE WHEN GROUPING(month) = 1 THEN percentile_cont(0.5) WITHIN GROUP (ORDER BY v) END,
           CASE WHEN GROUPING(month) = 1
                THEN (array_agg(v ORDER BY v))[round(0.9::float8 * (count(*) - 1))::int + 1] END,
           CASE WHEN GROUPING(month) = 1 THEN avg(ok::int) END
    FROM measures
    GROUP BY GROUPING SETS ((measure, code, iso_code, month), (measure, code, iso_code), (measure, iso_code),
                            (measure))""")
PROGRESS = text("""
    WITH ex AS (SELECT * FROM outcome_ratings WHERE kind = 'exit' AND rated_on BETWEEN :first AND :last),
    en AS (SELECT DISTINCT ON (referral_id) * FROM outcome_ratings
           WHERE kind = 'entry' AND referral_id IN (SELECT referral_id FROM ex) ORDER BY referral_id, id DESC)
    SELECT extract(month FROM ex.rated_on)::int, area.name,
           CASE WHEN area.entry >= 6 AND area.exit >= 6 THEN 'e' WHEN area.exit >= 6 THEN 'd'
                WHEN area.exit > area.entry THEN 'c' WHEN coalesce(ex.new_skills, false) THEN 'b' ELSE 'a' END,
           count(*)
    FROM ex JOIN en ON en.referral_id = ex.referral_id
    CROSS JOIN LATERAL (VALUES ('social', en.social, ex.social), ('knowledge', en.knowledge, ex.knowledge),
                               ('behaviour', en.behaviour, ex.behaviour)) AS area(name, entry, exit)
    GROUP BY 1, 2, 3""")
SESSIONS = text("""
    SELECT width_bucket(t.starts_at, CAST(:bounds AS timestamptz[])) + 1, t.setting, count(*),
           count(*) FILTER (WHERE ps.kind = ANY(:support_kinds))
    FROM therapy_sessions t LEFT JOIN plan_services ps ON ps.id = t.plan_service_id
    WHERE t.attendance = 'attended' AND t.starts_at >= :start AND t.starts_at < :end GROUP BY 1, 2""")
SUPPORT_AND_GROUPS = text("""
    SELECT (SELECT count(DISTINCT t.referral_id) FROM therapy_sessions t JOIN plan_services ps
            ON ps.id = t.plan_service_id
            WHERE t.attendance = 'attended' AND t.starts_at >= :start AND t.starts_at < :end
              AND ps.kind = ANY(:support_kinds)),
           (SELECT count(*) FROM therapy_sessions WHERE audience = 'caregiver' AND capacity IS NOT NULL
              AND is_active AND starts_at >= :start AND starts_at < :end),
           (SELECT avg(satisfaction_overall) FROM discharges WHERE discharged_on BETWEEN :first AND :last),
           (SELECT count(satisfaction_overall) FROM discharges WHERE discharged_on BETWEEN :first AND :last)""")
DISCHARGES = text("""
    SELECT extract(month FROM discharged_on)::int, reason, count(*) FROM discharges
    WHERE discharged_on BETWEEN :first AND :last GROUP BY 1, 2""")


def deadlines(first: date, last: date, working_days: int) -> tuple[list[date], list[date]]:
    """Each day of ``first``..``last`` and the day ``working_days`` working days after it, from the calendar's
    working days numbered once."""
    import bisect

    from eic.core.timeutil import holiday_name

    day, end, open_days = first, last + timedelta(days=62), []
    while day <= end:
        if day.weekday() < 5 and holiday_name(day) is None:
            open_days.append(day)
        day += timedelta(days=1)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return days, [open_days[bisect.bisect_right(open_days, d) + working_days - 1] for d in days]


def _month_bounds(year: int) -> list[str]:
    """The starts of February..December in Almaty time, for ``width_bucket``."""
    return [f"{date(year, m, 1)} 00:00 {ALMATY}" for m in range(2, 13)]


def coverage(conn, year: int, targets: dict, days: tuple[list[date], list[date]]) -> dict:
    """The coverage page's figures for a whole year of ended months, with the monthly summary current."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    start, end = f"{first} 00:00 {ALMATY}", f"{last + timedelta(days=1)} 00:00 {ALMATY}"
    dates = {"first": first, "last": last}
    result = {"cells": {}, "served_year": {}, "timeliness": {}, "progress": {}, "delivery": {}}
    cells = result["cells"]
    codes = dict(conn.execute(text("SELECT id, code FROM centers")).all())
    for measure, center_id, month, reason, n in conn.execute(MONTH_CELLS, dates):
        center = codes[center_id]
        cells[(measure, center, month)] = cells.get((measure, center, month), 0) + n
        if measure == "declined":
            cells[(f"declined:{reason}", center, month)] = n
    regions = dict(conn.execute(text("SELECT c.code, g.iso_code FROM centers c JOIN regions g ON g.id = c.region_id"))
                   .all())
    served = result["served_year"]
    for center_id, n in conn.execute(SERVED_YEAR, dates):
        # A region's and the country's families served are their centers' added up, as the page adds them.
        for place in (codes[center_id], regions[codes[center_id]], "KZ"):
            served[place] = served.get(place, 0) + n
    for measure, code, iso, month, n, median, p90, share in conn.execute(TIMELINESS, {
            **dates, "days": days[0], "deadlines": days[1], "plan_days": targets["plan"],
            "session_days": targets["session"], "zone": ALMATY}):
        if month is not None:
            cells[(f"timeliness:{measure}", code, month)] = n
        else:
            result["timeliness"][(code or iso or "KZ", measure)] = (n, median, p90, share)
    for month, area, category, n in conn.execute(PROGRESS, dates):
        counts = result["progress"].setdefault(area, dict.fromkeys("abcde", 0))
        counts[category] += n
        cells[(f"outcome:{area}", "KZ", month)] = cells.get((f"outcome:{area}", "KZ", month), 0) + n
    delivery = result["delivery"]
    delivery.update(settings={}, support_sessions=0, discharges={})
    kinds = list(CAREGIVER_SERVICE_KINDS)
    bounds = {"bounds": _month_bounds(year), "start": start, "end": end, "support_kinds": kinds}
    for month, setting, n, support in conn.execute(SESSIONS, bounds):
        delivery["settings"][setting] = delivery["settings"].get(setting, 0) + n
        delivery["support_sessions"] += support
        cells[(f"setting:{setting}", "KZ", month)] = n
        cells[("support_sessions", "KZ", month)] = cells.get(("support_sessions", "KZ", month), 0) + support
    families, groups, satisfaction, answers = conn.execute(SUPPORT_AND_GROUPS, {
        **dates, "start": start, "end": end, "support_kinds": list(CAREGIVER_SERVICE_KINDS)}).one()
    delivery.update(support_families=families, peer_groups=groups, satisfaction_answers=answers,
                    satisfaction=float(satisfaction) if answers >= 5 else None)
    for month, reason, n in conn.execute(DISCHARGES, dates):
        delivery["discharges"][reason] = n
        cells[(f"discharge:{reason}", "KZ", month)] = n
    return result


def check_coverage(floor: dict, shown) -> int:
    """Compare the floor's figures with a ``published.Publication`` of the same year (its true counts, before
    anything is hidden); raise AssertionError on the first difference. Returns the number of figures compared."""
    compared = 0
    centers = [row.key for row in shown.data["centers"]]
    national = ("outcome", "setting", "support_sessions", "discharge")
    measures = {m for (m, _place, _month) in floor["cells"]}
    measures |= {"referrals", "accepted", "declined", "redirected", "enrolled", "served"}
    for measure in sorted(measures):
        places = ["KZ"] if measure.split(":")[0] in national else centers
        for place in places:
            for month in range(1, 13):
                product = shown.cells.get((measure, place, (month, month)), 0)
                assert floor["cells"].get((measure, place, month), 0) == product, (measure, place, month, product)
                compared += 1
    for place, n in floor["served_year"].items():
        assert shown.cells[("served", place, shown.period)] == n, ("served", place)
        compared += 1
    for (place, measure), (n, median, p90, share) in floor["timeliness"].items():
        s = shown.timeliness[place][measure]
        assert (s.count, float(s.median), s.p90) == (n, float(median), p90), (place, measure, s, n, median, p90)
        assert abs(float(s.within_target) - float(share)) < 1e-9, (place, measure)
        compared += 4
    for area in OUTCOME_AREAS:
        assert shown.progress[area]["counts"] == floor["progress"].get(area, dict.fromkeys("abcde", 0)), area
        compared += 5
    for key in ("settings", "support_sessions", "support_families", "peer_groups", "discharges", "satisfaction",
                "satisfaction_answers"):
        assert shown.delivery[key] == floor["delivery"][key], (key, shown.delivery[key], floor["delivery"][key])
        compared += 1
    return compared


# --- a center's capacity page ----------------------------------------------------------------------------------------

CUMULATIVE = text("""
    SELECT first_month, count(*) FROM (SELECT child_id, min(month) AS first_month FROM served_months
                                       WHERE center_id = :center AND month BETWEEN :first AND :last GROUP BY child_id) f
    GROUP BY first_month""")
ENROLLED_IN_WINDOW = text("""
    SELECT count(DISTINCT child_id) FROM referrals
    WHERE center_id = :center AND enrolled_on BETWEEN :window_start AND :as_of""")
WAITLIST = text("""
    SELECT count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY :today - referred_on), max(:today - referred_on)
    FROM referrals WHERE center_id = :center AND status = 'waitlisted'""")
WAIT_REASONS = text("""
    SELECT w.reason, count(DISTINCT w.referral_id) FROM waitlist_entries w JOIN referrals r ON r.id = w.referral_id
    WHERE r.center_id = :center AND r.status = 'waitlisted' AND w.removed_on IS NULL GROUP BY w.reason""")
CASELOADS = text("""
    SELECT t.specialist_id, count(*) FROM team_members t JOIN referrals r ON r.id = t.referral_id
    WHERE r.center_id = :center AND r.status = 'enrolled' AND t.ended_on IS NULL GROUP BY t.specialist_id""")
CENTER_TIMELINESS = text("""
    WITH deadlines AS (SELECT * FROM unnest(CAST(:days AS date[]), CAST(:deadlines AS date[])) AS x(day, deadline)),
    r AS (SELECT id, referred_on, first_contact_on FROM referrals
          WHERE center_id = :center AND referred_on BETWEEN :first AND :last),
    per_child AS (
        SELECT r.first_contact_on - r.referred_on AS contact, r.first_contact_on <= dl.deadline AS contact_ok,
               p.starts_on - r.referred_on AS plan, (timezone(:zone, s.first_at))::date - p.starts_on AS session
        FROM r JOIN deadlines dl ON dl.day = r.referred_on
        LEFT JOIN (SELECT referral_id, min(starts_on) AS starts_on FROM plans GROUP BY referral_id) p
               ON p.referral_id = r.id
        LEFT JOIN LATERAL (SELECT min(t.starts_at) AS first_at FROM therapy_sessions t
                           WHERE t.referral_id = r.id AND t.attendance = 'attended') s ON p.starts_on IS NOT NULL),
    measures AS (
        SELECT 'first_contact' AS measure, contact AS v, contact_ok AS ok FROM per_child WHERE contact IS NOT NULL
        UNION ALL SELECT 'plan', plan, plan <= :plan_days FROM per_child WHERE plan IS NOT NULL
        UNION ALL SELECT 'first_session', session, session <= :session_days FROM per_child WHERE session IS NOT NULL)
    SELECT measure, count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY v),
           (array_agg(v ORDER BY v))[round(0.9::float8 * (count(*) - 1))::int + 1], avg(ok::int)
    FROM measures GROUP BY measure""")
STAFF = text("""
    SELECT id FROM users WHERE center_id = :center AND role = 'specialist' AND is_active
    ORDER BY discipline_id, full_name""")
ROOMS = text("SELECT id FROM rooms WHERE center_id = :center ORDER BY name")
# Available hours per specialist and room in a span: the weekly hours (a specialist's own, else the center's opening
# hours, else Monday to Friday 09:00-18:00) on each day that is not a holiday or a closure, and for a specialist not
# a day of absence.
AVAILABLE = text("""
    WITH days AS (SELECT d::date AS day, extract(isodow FROM d)::int - 1 AS weekday
                  FROM generate_series(CAST(:first AS date), CAST(:last AS date), interval '1 day') AS d
                  WHERE d::date <> ALL(CAST(:holidays AS date[]))
                    AND d::date NOT IN (SELECT "on" FROM closures WHERE center_id = :center)),
    opening AS (SELECT weekday, sum(extract(epoch FROM closes - opens) / 3600) AS hours FROM opening_hours
                WHERE center_id = :center GROUP BY weekday),
    center_week AS (SELECT * FROM opening
                    UNION ALL SELECT w, 9.0 FROM generate_series(0, 4) AS w WHERE NOT EXISTS (SELECT 1 FROM opening)),
    staff AS (SELECT id FROM users WHERE center_id = :center AND role = 'specialist' AND is_active),
    own AS (SELECT user_id, weekday, sum(extract(epoch FROM ends - starts) / 3600) AS hours FROM working_hours
            WHERE user_id IN (SELECT id FROM staff) GROUP BY user_id, weekday),
    staff_week AS (SELECT * FROM own
                   UNION ALL SELECT s.id, c.weekday, c.hours FROM staff s CROSS JOIN center_week c
                   WHERE s.id NOT IN (SELECT user_id FROM own))
    SELECT 'specialist', w.user_id, coalesce(sum(w.hours), 0) FROM staff_week w JOIN days d ON d.weekday = w.weekday
    WHERE NOT EXISTS (SELECT 1 FROM absences a WHERE a.user_id = w.user_id AND d.day BETWEEN a.starts_on AND a.ends_on)
    GROUP BY w.user_id
    UNION ALL
    SELECT 'room', r.id, (SELECT coalesce(sum(c.hours), 0) FROM center_week c JOIN days d ON d.weekday = c.weekday)
    FROM rooms r WHERE r.center_id = :center""")
BOOKED = text("""
    SELECT specialist_id, room_id,
           sum(extract(epoch FROM busy_until - busy_from))
               FILTER (WHERE starts_at >= :week_start AND starts_at < :week_end),
           sum(extract(epoch FROM ends_at - starts_at))
               FILTER (WHERE starts_at >= :week_start AND starts_at < :week_end),
           sum(extract(epoch FROM busy_until - busy_from))
               FILTER (WHERE starts_at >= :month_start AND starts_at < :month_end),
           sum(extract(epoch FROM ends_at - starts_at))
               FILTER (WHERE starts_at >= :month_start AND starts_at < :month_end)
    FROM therapy_sessions WHERE center_id = :center AND is_active AND starts_at >= least(:week_start, :month_start)
      AND starts_at < greatest(:week_end, :month_end)
    GROUP BY specialist_id, room_id""")


def holidays(first: date, last: date) -> list[date]:
    from eic.core.timeutil import holiday_name

    return [first + timedelta(days=n) for n in range((last - first).days + 1)
            if holiday_name(first + timedelta(days=n)) is not None]


def capacity(conn, center_id: int, year: int, today: date, settings: dict, days, week, month, free_days) -> dict:
    """The capacity page's figures for a center and year (``settings``: target, window, alert percents and the
    timeliness targets; ``days``: ``deadlines()``; ``free_days``: holidays of the week and month)."""
    first, last = date(year, 1, 1), min(date(year, 12, 31), today)
    as_of = min(max(today, first), date(year, 12, 31))
    new_by_month = dict(conn.execute(CUMULATIVE, {"center": center_id, "first": first, "last": last}).all())
    cumulative, total, m = [], 0, first
    while m <= last:
        total += new_by_month.get(m, 0)
        nxt = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
        cumulative.append((min(nxt - timedelta(days=1), last), total))
        m = nxt
    window_start = max(first, as_of - timedelta(days=settings["window"] - 1))
    new_in_window = conn.execute(ENROLLED_IN_WINDOW, {"center": center_id, "window_start": window_start,
                                                      "as_of": as_of}).scalar()
    served = cumulative[-1][1] if cumulative else 0
    rate = new_in_window / ((as_of - window_start).days + 1)
    projected = served + (round(rate * (date(year, 12, 31) - as_of).days) if today <= date(year, 12, 31) else 0)
    waiting, median, longest = conn.execute(WAITLIST, {"center": center_id, "today": today}).one()
    result = {
        "cumulative": cumulative, "served": served, "projected": projected,
        "waitlist": {"count": waiting, "median": median, "longest": longest,
                     "by_reason": dict(conn.execute(WAIT_REASONS, {"center": center_id}).all())},
        "timeliness": {measure: (n, med, p90, share) for measure, n, med, p90, share in conn.execute(
            CENTER_TIMELINESS, {"center": center_id, "first": first, "last": last, "days": days[0],
                                "deadlines": days[1], "zone": ALMATY, "plan_days": settings["plan"],
                                "session_days": settings["session"]})},
        "caseloads": dict(conn.execute(CASELOADS, {"center": center_id}).all()),
        "staff": [row[0] for row in conn.execute(STAFF, {"center": center_id})],
        "rooms": [row[0] for row in conn.execute(ROOMS, {"center": center_id})]}
    spans = {"week": week, "month": month}
    for name, (span_first, span_last) in spans.items():
        result[f"available_{name}"] = {(kind, key): float(h) for kind, key, h in conn.execute(AVAILABLE, {
            "center": center_id, "first": span_first, "last": span_last, "holidays": free_days})}
    bounds = {f"{name}_{edge}": f"{day} 00:00 {ALMATY}" for name, (s, e) in spans.items()
              for edge, day in (("start", s), ("end", e + timedelta(days=1)))}
    booked = {"week": ({}, {}), "month": ({}, {})}
    for specialist_id, room_id, week_busy, week_held, month_busy, month_held in conn.execute(
            BOOKED, {"center": center_id, **bounds}):
        for name, busy, held in (("week", week_busy, week_held), ("month", month_busy, month_held)):
            by_specialist, by_room = booked[name]
            by_specialist[specialist_id] = by_specialist.get(specialist_id, 0.0) + float(busy or 0)
            if room_id is not None:
                by_room[room_id] = by_room.get(room_id, 0.0) + float(held or 0)
    result["booked"] = booked
    return result


def check_capacity(floor: dict, data: dict) -> int:
    """Compare the floor's figures with ``capacity.figures.center_report``; raise AssertionError on a difference."""
    compared = 0
    assert floor["cumulative"] == data["cumulative"], (floor["cumulative"], data["cumulative"])
    compared += len(floor["cumulative"])
    assert (floor["served"], floor["projected"]) == (data["capacity"].served, data["capacity"].projected)
    w = data["waitlist"]
    assert (floor["waitlist"]["count"], floor["waitlist"]["longest"], floor["waitlist"]["by_reason"]) == (
        w["count"], w["longest"], w["by_reason"])
    assert (floor["waitlist"]["median"] is None) == (w["median"] is None)
    assert w["median"] is None or float(floor["waitlist"]["median"]) == float(w["median"])
    compared += 6
    for measure, s in data["timeliness"].items():
        n, median, p90, share = floor["timeliness"].get(measure, (0, None, None, None))
        assert (s.count, s.p90) == (n, p90) and (s.median is None) == (median is None), (measure, s, n, median)
        assert s.median is None or float(s.median) == float(median), measure
        assert s.within_target is None or abs(float(s.within_target) - float(share)) < 1e-9, measure
        compared += 4
    assert floor["caseloads"] == data["caseloads"]
    assert floor["staff"] == [s.id for s in data["staff"]]
    compared += len(floor["staff"]) + len(floor["caseloads"])
    for name in ("week", "month"):
        loads = data[f"hours_{name}"]
        by_specialist, by_room = floor["booked"][name]
        for kind, rows, booked in (("specialist", loads["specialists"], by_specialist),
                                   ("room", loads["rooms"], by_room)):
            for load in rows:
                assert abs(load.available - floor[f"available_{name}"].get((kind, load.key), 0.0)) < 1e-9, load
                assert load.booked == round(booked.get(load.key, 0.0) / 3600, 2), (load, booked.get(load.key))
                compared += 2
    return compared
