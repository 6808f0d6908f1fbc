"""Delivering the outbox: pluggable senders per channel, chosen in the configuration.

- ``outbox`` (the default for e-mail and text messages): the message stays in the outbox, marked kept, for an
  administrator to read. Nothing needs the internet.
- ``console``: written to the log (development).
- ``smtp`` (e-mail): sent through ``EIC_SMTP_HOST``/``EIC_SMTP_PORT``/``EIC_SMTP_USER``/``EIC_SMTP_PASSWORD``
  with STARTTLS, from ``EIC_MAIL_FROM``.
- ``http`` (text messages): a provider's HTTP API, ``EIC_SMS_GATEWAY`` naming its shape: ``mobizon`` (Mobizon,
  ``.../service/message/sendsmsmessage``, an API key), ``smsc`` (SMSC.kz, ``.../sys/send.php``, login and
  password) or ``json`` (any gateway taking ``{"to", "text", "from"}`` as JSON with a bearer token); at
  ``EIC_SMS_GATEWAY_URL``, with ``EIC_SMS_GATEWAY_KEY`` or ``EIC_SMS_GATEWAY_LOGIN``/``EIC_SMS_GATEWAY_PASSWORD``,
  from the sender name ``EIC_SMS_FROM`` (empty: the provider's default). A refusal (HTTP error, the provider's
  error code) is an error on the message, which is tried again (``MAX_ATTEMPTS``).
"""
import json
import logging
import smtplib
import urllib.error
import urllib.parse
import urllib.request
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


class GatewayRefused(Exception):
    """The text-message provider answered, and refused the message."""


def _mobizon(message, config, number):
    query = {"output": "json", "api": "v1", "apiKey": config["EIC_SMS_GATEWAY_KEY"]}
    form = {"recipient": number, "text": message.body}
    if config.get("EIC_SMS_FROM"):
        form["from"] = config["EIC_SMS_FROM"]
    return query, urllib.parse.urlencode(form).encode(), {"Content-Type": "application/x-www-form-urlencoded"}


def _mobizon_ok(answer: dict) -> None:
    if answer.get("code") != 0:
        raise GatewayRefused(f"code {answer.get('code')}: {answer.get('message', '')}")


def _smsc(message, config, number):
    form = {"login": config["EIC_SMS_GATEWAY_LOGIN"], "psw": config["EIC_SMS_GATEWAY_PASSWORD"], "phones": number,
            "mes": message.body, "fmt": "3", "charset": "utf-8"}
    if config.get("EIC_SMS_FROM"):
        form["sender"] = config["EIC_SMS_FROM"]
    return {}, urllib.parse.urlencode(form).encode(), {"Content-Type": "application/x-www-form-urlencoded"}


def _smsc_ok(answer: dict) -> None:
    if "error" in answer:
        raise GatewayRefused(f"error {answer.get('error_code')}: {answer['error']}")


def _json(message, config, number):
    body = {"to": number, "text": message.body, "from": config.get("EIC_SMS_FROM", "")}
    return {}, json.dumps(body).encode(), {"Content-Type": "application/json",
                                           "Authorization": f"Bearer {config['EIC_SMS_GATEWAY_KEY']}"}


def _json_ok(answer: dict) -> None:
    """Any 2xx answer is an acceptance."""


# The shape of each provider's request and how it says no.
GATEWAYS = {"mobizon": (_mobizon, _mobizon_ok), "smsc": (_smsc, _smsc_ok), "json": (_json, _json_ok)}


class HttpSmsSender:
    """A text message through the provider's HTTP API (see the module's text)."""

    status = "sent"
    timeout = 15

    def send(self, message: OutboxMessage) -> None:
        config = current_app.config
        build, judge = GATEWAYS[config["EIC_SMS_GATEWAY"]]
        # Providers take international numbers without the plus: 77012345678.
        query, body, headers = build(message, config, message.recipient.lstrip("+"))
        url = config["EIC_SMS_GATEWAY_URL"]
        if query:
            url += ("&" if "?" in url else "?") + urllib.parse.urlencode(query)
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (configured URL)
                raw = response.read()
        except urllib.error.HTTPError as exc:
            raise GatewayRefused(f"HTTP {exc.code}") from None
        try:
            answer = json.loads(raw or b"{}")
        except ValueError:
            raise GatewayRefused("the answer is not JSON") from None
        judge(answer if isinstance(answer, dict) else {})


def configuration_errors(config) -> list[str]:
    """What is wrong with the senders' settings, worded for the person installing (checked at start-up: a
    message that cannot be sent is better refused before the first family waits for its code)."""
    errors = []
    for key in ("EIC_SMS_SENDER", "EIC_EMAIL_SENDER"):
        if config.get(key, "outbox") not in SENDERS:
            errors.append(f"{key} must be one of {', '.join(SENDERS)}, not {config.get(key)!r}")
    if config.get("EIC_SMS_SENDER") == "smtp":
        errors.append("EIC_SMS_SENDER cannot be smtp: text messages go through outbox, console or http")
    if config.get("EIC_SMS_SENDER") != "http":
        return errors
    gateway = config.get("EIC_SMS_GATEWAY")
    if gateway not in GATEWAYS:
        return errors + [f"EIC_SMS_GATEWAY must be one of {', '.join(GATEWAYS)}, not {gateway!r}"]
    needed = ["EIC_SMS_GATEWAY_URL"] + (["EIC_SMS_GATEWAY_LOGIN", "EIC_SMS_GATEWAY_PASSWORD"] if gateway == "smsc"
                                        else ["EIC_SMS_GATEWAY_KEY"])
    return errors + [f"{key} must be set for EIC_SMS_GATEWAY={gateway}" for key in needed if not config.get(key)]


SENDERS = {"outbox": OutboxSender, "console": ConsoleSender, "smtp": SmtpSender, "http": HttpSmsSender}


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
