"""A provider of our own: an HTTP server on 127.0.0.1 that Apprise's
``json://`` posts to, standing in for an SMS gateway. It records each message
and the status it answered; it can refuse the first ones (500)."""

import json
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from members.factories import make_person
from members.models import ConsentRecord, PrivacyNotice, Purpose
from notifications import services
from notifications.channels import phone_e164
from notifications.models import ChannelPreference


class Receiver:
    def __init__(self):
        self.requests = []  # (status, message)
        self.refuse = 0
        self.refusal = 500  # the status of a refusal
        self.delay = 0  # seconds before answering (after recording)
        self.paths = []
        self.lock = threading.Lock()

    @property
    def accepted(self):
        return [message for status, message in self.requests if status == 200]


@pytest.fixture
def receiver():
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            message = json.loads(body or b"{}").get("message", "")
            state.paths.append(self.path)
            with state.lock:
                status = state.refusal if state.refuse else 200
                state.refuse = max(0, state.refuse - 1)
                state.requests.append((status, message))
            time.sleep(state.delay)
            try:
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()
            except OSError:  # the sender stopped waiting
                pass

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.port = server.server_address[1]
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def sms(settings, receiver):
    """SMS through the receiver; no console stand-in."""
    settings.NOTIFY_SMS_URL = f"json://127.0.0.1:{receiver.port}/sms/{{phone}}"
    settings.NOTIFY_CONSOLE = False
    return receiver


class Clock:
    def __init__(self):
        self.moment = datetime(2026, 5, 19, 18, 0, tzinfo=UTC)  # 12:00 in CDMX

    def __call__(self):
        return self.moment

    def at(self, *args):
        self.moment = datetime(*args, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    """A fixed "now" for the notices (noon in Mexico City unless moved)."""
    clock = Clock()
    monkeypatch.setattr(services, "now", clock)
    return clock


def consent(user, granted=True):
    notice, _ = PrivacyNotice.objects.get_or_create(
        version="prueba", defaults={"title": "Aviso", "summary": "-", "body": "-"}
    )
    ConsentRecord.objects.create(
        user=user, notice=notice, purpose=Purpose.NOTICES, granted=granted
    )


def phone_person(username="lupe", **fields):
    """A member with a verified phone, no e-mail, who agreed to notices."""
    person = make_person(username, first_name="Lupe", phone="33 1234 5678", **fields)
    ChannelPreference.objects.create(
        user=person,
        phone_verified_at=datetime.now(UTC),
        verified_phone=phone_e164(person.phone),
    )
    consent(person)
    return person


def stop_line(user):
    """The line each text under consent to notices ends with: her stop link."""
    key = ChannelPreference.objects.get(user=user).stop_key
    assert key and len(key) == 8
    return f"Baja: http://testserver/baja/{key}"
