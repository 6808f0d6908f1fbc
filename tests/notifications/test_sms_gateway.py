"""Text messages through a provider's HTTP API, against a small fake gateway started by the test: the request each
provider expects (Mobizon, SMSC.kz, plain JSON), acceptance, refusal, a gateway that is down, and settings that are
refused at start-up."""
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from eic.notifications.senders import MAX_ATTEMPTS, configuration_errors, deliver_pending
from tests.factories.notifications import OutboxMessageFactory


class FakeGateway:
    """An HTTP server on a free local port that records each request and answers what the test sets."""

    def __init__(self):
        self.requests, self.answer, self.status = [], {"code": 0, "data": {"messageId": "1"}, "message": ""}, 200
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                gateway.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                payload = json.dumps(gateway.answer).encode()
                self.send_response(gateway.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(app):
    fake = FakeGateway()
    saved = dict(app.config)
    yield fake
    fake.close()
    app.config.clear()
    app.config.update(saved)


def configure(app, gateway, kind, **extra):
    app.config.update(EIC_SMS_SENDER="http", EIC_SMS_GATEWAY=kind, EIC_SMS_FROM="EIC",
                      EIC_SMS_GATEWAY_URL=f"{gateway.url}/send", **extra)
    assert configuration_errors(app.config) == []


def test_mobizon_gets_its_form_and_api_key_and_the_message_is_sent(app, ctx, gateway):
    configure(app, gateway, "mobizon", EIC_SMS_GATEWAY_KEY="kz-key")
    message = OutboxMessageFactory(recipient="+77012345678", body="Код: 123456")
    assert deliver_pending() == {"sent": 1, "kept": 0, "failed": 0, "retry": 0}
    (seen,) = gateway.requests
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(seen["path"]).query)
    assert query["apiKey"] == ["kz-key"] and query["output"] == ["json"]
    form = urllib.parse.parse_qs(seen["body"].decode())
    assert form == {"recipient": ["77012345678"], "text": ["Код: 123456"], "from": ["EIC"]}
    assert message.status == "sent" and message.sent_at is not None


def test_smsc_gets_login_password_and_json_format(app, ctx, gateway):
    configure(app, gateway, "smsc", EIC_SMS_GATEWAY_LOGIN="center", EIC_SMS_GATEWAY_PASSWORD="secret")
    gateway.answer = {"id": 7, "cnt": 1}
    message = OutboxMessageFactory(recipient="+77012345678", body="Ертең 10:00")
    deliver_pending()
    form = urllib.parse.parse_qs(gateway.requests[0]["body"].decode())
    assert form["login"] == ["center"] and form["psw"] == ["secret"] and form["phones"] == ["77012345678"]
    assert form["mes"] == ["Ертең 10:00"] and form["fmt"] == ["3"] and form["sender"] == ["EIC"]
    assert message.status == "sent"


def test_a_json_gateway_gets_json_with_a_bearer_token(app, ctx, gateway):
    configure(app, gateway, "json", EIC_SMS_GATEWAY_KEY="tok")
    gateway.answer = {"accepted": True}
    message = OutboxMessageFactory(recipient="+77012345678", body="Hello")
    deliver_pending()
    seen = gateway.requests[0]
    assert seen["headers"]["Authorization"] == "Bearer tok"
    assert json.loads(seen["body"]) == {"to": "77012345678", "text": "Hello", "from": "EIC"}
    assert message.status == "sent"


@pytest.mark.parametrize("kind, refusal, extra", [
    ("mobizon", {"code": 1, "message": "Недостаточно средств"}, {"EIC_SMS_GATEWAY_KEY": "k"}),
    ("smsc", {"error": "invalid number", "error_code": 7},
     {"EIC_SMS_GATEWAY_LOGIN": "l", "EIC_SMS_GATEWAY_PASSWORD": "p"}),
])
def test_a_refusal_is_recorded_tried_again_and_failed_at_the_limit(app, ctx, gateway, kind, refusal, extra):
    configure(app, gateway, kind, **extra)
    gateway.answer = refusal
    message = OutboxMessageFactory()
    assert deliver_pending()["retry"] == 1
    assert message.status == "pending" and "GatewayRefused" in message.error
    for _ in range(MAX_ATTEMPTS - 1):
        deliver_pending()
    assert message.status == "failed" and message.attempts == MAX_ATTEMPTS


def test_an_http_error_or_a_gateway_that_is_down_is_tried_again(app, ctx, gateway):
    configure(app, gateway, "json", EIC_SMS_GATEWAY_KEY="tok")
    gateway.status = 503
    message = OutboxMessageFactory()
    deliver_pending()
    assert message.status == "pending" and "HTTP 503" in message.error
    gateway.close()
    deliver_pending()
    assert message.status == "pending" and message.attempts == 2 and "URLError" in message.error


def test_settings_that_cannot_work_are_refused_at_start_up():
    from eic import create_app

    assert configuration_errors({"EIC_SMS_SENDER": "http", "EIC_SMS_GATEWAY": "mobizon",
                                 "EIC_SMS_GATEWAY_URL": "https://x"}) == [
        "EIC_SMS_GATEWAY_KEY must be set for EIC_SMS_GATEWAY=mobizon"]
    assert configuration_errors({"EIC_SMS_SENDER": "http", "EIC_SMS_GATEWAY": "kcell"})[0].startswith(
        "EIC_SMS_GATEWAY must be one of mobizon, smsc, json")
    assert configuration_errors({"EIC_SMS_SENDER": "smtp"}) == [
        "EIC_SMS_SENDER cannot be smtp: text messages go through outbox, console or http"]
    with pytest.raises(RuntimeError, match="EIC_SMS_GATEWAY_LOGIN must be set"):
        create_app("testing", EIC_SMS_SENDER="http", EIC_SMS_GATEWAY="smsc", EIC_SMS_GATEWAY_PASSWORD="p")
