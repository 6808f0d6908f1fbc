"""A job that fires every second, for the scheduler process tests (EIC_SCHEDULER_EXTRA_JOBS=tests.jobs.ticker)."""
from eic.jobs.scheduler import Job


def two_seconds(now) -> str:
    return f"{int(now.timestamp()) // 2}"


JOBS = [Job("test.tick", lambda now: "tick", {"second": "*"}, two_seconds, "tick")]
