"""Delivering the outbox after the transactions that wrote it have committed."""
from flask_babel import lazy_gettext as _l

from eic.jobs.scheduler import Job, minutely

from .senders import deliver_pending


def deliver(now):
    """Scheduled: send the outbox's pending e-mails and text messages."""
    counts = deliver_pending()
    return ", ".join(f"{k} {v}" for k, v in counts.items() if v) or "nothing pending"


JOBS = [Job("notifications.deliver_outbox", deliver, {"minute": "*"}, minutely, _l("Deliver e-mails and texts"))]
