"""Delivering the outbox after the transactions that wrote it have committed."""
from flask_babel import lazy_gettext as _l

from eic.jobs.outcome import N_, outcome
from eic.jobs.scheduler import Job, minutely

from .senders import deliver_pending


def deliver(now):
    """Scheduled: send the outbox's pending e-mails and text messages."""
    counts = deliver_pending()
    return outcome(N_("Sent: %(sent)s, kept: %(kept)s, failed: %(failed)s, to retry: %(retry)s"), **counts)


JOBS = [Job("notifications.deliver_outbox", deliver, {"minute": "*"}, minutely, _l("Deliver e-mails and texts"))]
