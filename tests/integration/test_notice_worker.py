"""A membership decision reaches a member's phone through Redis and a real
worker, exactly once, although the SMS provider refused it the first time.

The worker is started once for the whole session with this process's
environment, so the SMS channel is set in the environment when this module is
collected (before any worker starts): a provider of our own on a free port of
127.0.0.1, answering Apprise's ``json://``. Quiet hours are off for the worker:
the test runs at any hour."""

import json
import os
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from councils.factories import assign, join, make_council, make_person
from councils.models import Membership, MembershipStatus
from councils.services.membership import membership_decide
from members.models import ConsentRecord, PrivacyNotice, Purpose
from notifications.channels import phone_e164
from notifications.models import ChannelPreference, Notice, Status

from .conftest import wait_for
from .test_digest_worker import seed_site


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PORT = _free_port()
os.environ.setdefault("NOTIFY_SMS_URL", f"json://127.0.0.1:{PORT}/sms/{{phone}}")
os.environ.setdefault("NOTIFY_QUIET_HOURS", "off")


@pytest.fixture
def provider():
    """Refuses the first message (500), accepts the rest; records them all."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status = 500 if not received else 200
            received.append((status, json.loads(body).get("message", "")))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield received
    server.shutdown()
    server.server_close()


def test_a_decision_reaches_the_phone_once_after_a_refusal(live_worker, provider):
    if not os.environ["NOTIFY_SMS_URL"].endswith(f":{PORT}/sms/{{phone}}"):
        pytest.skip("NOTIFY_SMS_URL is set by the environment of this run")
    seed_site()
    council = make_council("Consejo Santa Cecilia", provision=False)
    leader = make_person("coordinadora", first_name="Ana")
    assign(leader, "coordinador-de-consejo", council=council)
    person = make_person("lupe", first_name="Lupe", phone="33 1234 5678")
    ChannelPreference.objects.create(
        user=person,
        phone_verified_at=timezone.now(),
        verified_phone=phone_e164(person.phone),
    )
    notice_version, _ = PrivacyNotice.objects.get_or_create(
        version="prueba", defaults={"title": "Aviso", "summary": "-", "body": "-"}
    )
    ConsentRecord.objects.create(
        user=person, notice=notice_version, purpose=Purpose.NOTICES, granted=True
    )
    request = join(person, council, status=MembershipStatus.PENDING)

    membership_decide(
        council=council, membership_id=request.pk, actor=leader, accept=True
    )

    notice = wait_for(
        lambda: Notice.objects.filter(user=person, status=Status.SENT).first(),
        timeout=60,
        what="the notice was not sent",
    )
    assert [status for status, _ in provider] == [500, 200]
    assert "acepto tu solicitud" in provider[1][1]
    assert notice.attempts == 2 and notice.channel == "sms"
    wait_for(
        lambda: Membership.objects.get(pk=request.pk).decision_notified_at,
        what="the decision was not recorded as told",
    )
    # Nothing more arrives: the retry sent it once.
    threading.Event().wait(3)
    assert len(provider) == 2
