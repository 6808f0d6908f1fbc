"""The nightly summary of families served."""
from flask_babel import lazy_gettext as _l

from eic.jobs.outcome import N_, outcome
from eic.jobs.scheduler import Job


def snapshot(now) -> str:
    """Scheduled: store the served-families snapshots of closed months that are missing or stale."""
    from eic.core.timeutil import ALMATY

    from .snapshots import refresh_due

    stored = refresh_due(today=now.astimezone(ALMATY).date())
    return outcome(N_("Months stored: %(n)s"), n=len(stored))


JOBS = [Job("capacity.snapshot", snapshot, {"hour": 2, "minute": 0}, label=_l("Monthly summary of families served"))]
