"""Notices when parts fail (the failure suite's parts: a private Redis that can
be killed, workers that can be SIGKILLed; ``test_failures.py``).

1. The worker dies (SIGKILL, main and pool processes) right after the SMS
   provider took the message, before it could record "sent" or acknowledge
   the task: the provider got the SMS once; a new worker, the outbox and
   beat's check of unconfirmed claims send nothing more, and the notice ends
   "failed" (it may have arrived: shown, never sent again), as
   ``notifications.services`` promises.
2. Redis is down when a notice is written: the outbox keeps its task, and it
   is delivered once Redis is back."""

import json
import os
import signal
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction
from django.utils import timezone

from bench.serve import free_port
from members.factories import make_person
from members.models import ConsentRecord, PrivacyNotice, Purpose
from notifications import services as notices
from notifications.models import ChannelPreference, Notice, Status
from notifications.tasks import send_due_notices
from outbox.models import PendingTask

from .conftest import wait_for
from .test_failures import (
    VISIBILITY,
    database,
    parts,
    pg_proxy,
    private_redis,
    publishing_to,
    queue_drained,
    resend_pending_tasks,
    scene,
    task_lines,
    wait_visibility_timeout,
)

# The failure suite's parts, fixtures of this module too (pytest finds them by
# name in the module).
FIXTURES = (parts, private_redis, database, pg_proxy, scene)

pytestmark = pytest.mark.skipif(
    __import__("shutil").which("redis-server") is None,
    reason="redis-server no está instalado: la suite de fallos arranca el suyo",
)

TEXT = "Consejo Santa Cecilia acepto tu solicitud."


class Provider:
    """An SMS gateway of our own on 127.0.0.1 (Apprise's ``json://``). With
    ``victim`` set, it kills that process group the moment a message arrives,
    before answering: the message is taken, the sender never hears so."""

    def __init__(self):
        self.received = []
        self.victim = None
        self.port = free_port()
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                provider.received.append(json.loads(body or b"{}").get("message"))
                if provider.victim is not None:
                    os.killpg(provider.victim.pid, signal.SIGKILL)
                try:
                    self.send_response(200)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the sender is gone

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def env(self):
        return {
            "NOTIFY_SMS_URL": f"json://127.0.0.1:{self.port}/sms/{{phone}}",
            "NOTIFY_QUIET_HOURS": "off",
            "NOTIFY_CONSOLE": "0",
            "BROKER_VISIBILITY_TIMEOUT": str(VISIBILITY),
        }

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def provider():
    gateway = Provider()
    yield gateway
    gateway.close()


def phone_person():
    """Lupe: a verified phone, SMS by default (no e-mail), consent to notices."""
    person = make_person("lupe", first_name="Lupe", phone="33 1234 5678")
    ChannelPreference.objects.create(
        user=person, phone_verified_at=timezone.now(), verified_phone="+523312345678"
    )
    version, _ = PrivacyNotice.objects.get_or_create(
        version="prueba", defaults={"title": "Aviso", "summary": "-", "body": "-"}
    )
    ConsentRecord.objects.create(
        user=person, notice=version, purpose=Purpose.NOTICES, granted=True
    )
    return person


def tell(person, redis_server):
    with publishing_to(redis_server.url), transaction.atomic():
        return notices.notify(
            "membership_decision",
            person,
            "membership:1",
            TEXT,
            scope="council:1",
        )


def test_a_worker_killed_after_the_provider_took_the_sms_never_sends_it_again(
    scene,
    private_redis,
    provider,
    settings,
):
    person = phone_person()
    first = scene.worker("first", "prefork", **provider.env())
    provider.victim = first.process

    notice = tell(person, private_redis)
    sent_at = time.monotonic()

    wait_for(lambda: first.process.poll() is not None, 60, "the worker did not die")
    assert len(provider.received) == 1 and TEXT in provider.received[0]
    notice.refresh_from_db()
    # Claimed and committed before sending; "sent" never written.
    assert notice.status == Status.SENDING and notice.sent_at is None
    assert not task_lines(first, "notifications.tasks.deliver", "succeeded")

    # The message the dead worker held goes back to the queue; a new worker
    # takes it and finds the claim: nothing is sent.
    provider.victim = None
    wait_visibility_timeout(sent_at)
    second = scene.worker("second", "prefork", **provider.env())
    wait_for(
        lambda: task_lines(second, "notifications.tasks.deliver", "succeeded"),
        60,
        f"the second worker did not run the delivery (see {second.log})",
    )
    wait_for(lambda: queue_drained(private_redis), 30, "tasks left in Redis")
    wait_for(lambda: not PendingTask.objects.exists(), 30, "the task stayed open")
    assert resend_pending_tasks(private_redis) == (0, 0)
    notice.refresh_from_db()
    assert notice.status == Status.SENDING

    # Beat's check, once the claim's lease is over (an hour in production):
    # the claim never confirmed is marked failed, for the leaders to see.
    settings.NOTIFY_SENDING_LEASE_SECONDS = 0
    with publishing_to(private_redis.url):
        outcome = send_due_notices.apply().result
        assert (outcome["sent"], outcome["failed"]) == (0, 1)
    notice.refresh_from_db()
    assert notice.status == Status.FAILED
    assert "no se reenvía" in notice.last_error
    # Asked again, by hand or by the reconciliation: still nothing.
    assert notices.deliver(notice.pk) == Status.FAILED
    assert list(notices.unsent(older_than=timezone.timedelta(0))) == []
    threading.Event().wait(2)
    assert len(provider.received) == 1


def test_with_redis_down_a_notice_waits_in_the_outbox_and_goes_once_it_is_back(
    scene,
    private_redis,
    provider,
):
    person = phone_person()
    worker = scene.worker("worker", **provider.env())
    private_redis.kill()

    started = time.monotonic()
    notice = tell(person, private_redis)
    took = time.monotonic() - started

    assert took < 3, f"the change waited {took:.1f} s for Redis"
    pending = PendingTask.objects.get()
    assert (pending.task, pending.args) == (notices.DELIVER, [notice.pk])
    assert pending.last_error
    notice.refresh_from_db()
    assert notice.status == Status.PENDING and not provider.received

    private_redis.start()
    assert resend_pending_tasks(private_redis)[0] == 1

    wait_for(
        lambda: Notice.objects.filter(pk=notice.pk, status=Status.SENT).exists(),
        60,
        f"the notice was not sent (see {worker.log})",
    )
    wait_for(lambda: not PendingTask.objects.exists(), 30, "the task stayed open")
    assert resend_pending_tasks(private_redis) == (0, 0)
    threading.Event().wait(2)
    assert len(provider.received) == 1 and TEXT in provider.received[0]
