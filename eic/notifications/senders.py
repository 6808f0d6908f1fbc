"""Delivering the outbox: pluggable senders per channel, chosen in the configuration.

- ``outbox`` (the default for e-mail and text messages): the message stays in the outbox, marked kept, for an
  administrator to read. Nothing needs the internet.
- ``console``: written to the log (development).
- ``smtp`` (e-mail): sent through ``EIC_SMTP_HOST``/``EIC_SMTP_PORT``/``EIC_SMTP_USER``/``EIC_SMTP_PASSWORD``
  with STARTTLS, from ``EIC_MAIL_FROM``.
A text-message gateway is one more class with ``send(message)``.
"""
import logging
import smtplib
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import select

from eic.core.timeutil import utc_now
from eic.extensions import db

from .models import OutboxMessage

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


class OutboxSender:
    status = "kept"

    def send(self, message: OutboxMessage) -> None:
        """Nothing to do: the outbox is where the message is read."""


class ConsoleSender:
    status = "sent"

    def send(self, message: OutboxMessage) -> None:
        log.info("%s to %s [%s]: %s", message.channel, message.recipient, message.language, message.body)


class SmtpSender:
    status = "sent"

    def send(self, message: OutboxMessage) -> None:
        config = current_app.config
        mail = EmailMessage()
        mail["From"] = config["EIC_MAIL_FROM"]
        mail["To"] = message.recipient
        mail["Subject"] = message.subject
        mail.set_content(message.body)
        with smtplib.SMTP(config["EIC_SMTP_HOST"], int(config["EIC_SMTP_PORT"]), timeout=20) as smtp:
            smtp.starttls()
            if config.get("EIC_SMTP_USER"):
                smtp.login(config["EIC_SMTP_USER"], config["EIC_SMTP_PASSWORD"])
            smtp.send_message(mail)


SENDERS = {"outbox": OutboxSender, "console": ConsoleSender, "smtp": SmtpSender}


def sender_for(channel: str):
    name = current_app.config.get("EIC_SMS_SENDER" if channel == "sms" else "EIC_EMAIL_SENDER", "outbox")
    return SENDERS[name]()


def deliver_pending(limit: int = 200) -> dict[str, int]:
    """Send what is pending (committed messages only: this runs in its own transaction, after theirs)."""
    counts = {"sent": 0, "kept": 0, "failed": 0, "retry": 0}
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.status == "pending")
                              .order_by(OutboxMessage.id).limit(limit)).all()
    for message in rows:
        sender = sender_for(message.channel)
        message.attempts += 1
        try:
            sender.send(message)
        except Exception as exc:  # a sender's failure is recorded on the message, never raised to the job
            message.error = f"{type(exc).__name__}: {exc}"[:2000]
            message.status = "failed" if message.attempts >= MAX_ATTEMPTS else "pending"
            counts["failed" if message.status == "failed" else "retry"] += 1
        else:
            message.status, message.sent_at = sender.status, utc_now()
            counts[sender.status] += 1
    db.session.flush()
    return counts
