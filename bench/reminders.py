"""Meeting reminders on the bench data set: how long planning takes and how
many queries it costs (``councils.services.reminders.plan_reminders``), and
how many notices one worker sends per second to a local SMS receiver
(``notifications.services.deliver_batch``, what the task runs).

Every council of the data set gets one meeting tomorrow; the planner writes a
reminder for each of its active members and hands them to the workers in
batches through the outbox (Celery's in-memory broker stands in for Redis:
the publish is measured, no worker takes the tasks). A sample of the notices
is then delivered in-process by Apprise's ``json://`` to an HTTP server on
127.0.0.1, as a worker would. Everything made is removed at the end."""

import json
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from celery import current_app
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from councils.models import CouncilPage, Meeting, MeetingKind
from councils.services.reminders import CHANGE, REMINDER, plan_reminders
from members.models import ConsentRecord, PrivacyNotice, Purpose
from notifications import services as notices
from notifications.channels import phone_e164
from notifications.models import ChannelPreference, Notice, Preference, Status
from outbox.models import PendingTask

from .sizes import PREFIX

TITLE = f"{PREFIX}recordatorio"


@dataclass
class Result:
    meetings: int = 0
    written: int = 0
    planning_seconds: float = 0.0
    queries: int = 0
    tasks: int = 0
    again_seconds: float = 0.0
    again_queries: int = 0
    again_written: int = 0
    sample: int = 0
    sent: int = 0
    sending_seconds: float = 0.0
    received: int = 0
    statuses: dict = field(default_factory=dict)

    @property
    def rate(self):
        return self.sent / self.sending_seconds if self.sending_seconds else 0.0


@contextmanager
def receiver():
    """An SMS gateway of our own on 127.0.0.1: counts what it is given."""
    state = {"count": 0, "lock": threading.Lock()}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            json.loads(body or b"{}")
            with state["lock"]:
                state["count"] += 1
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], state
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def broker_in_memory():
    """Tasks go through the outbox to Celery's in-memory broker."""
    conf = current_app.conf
    saved = conf.task_always_eager, conf.broker_url
    conf.task_always_eager, conf.broker_url = False, "memory://"
    try:
        yield
    finally:
        conf.task_always_eager, conf.broker_url = saved


def bench_meetings():
    return Meeting.objects.filter(title=TITLE)


def clean(first_task):
    Notice.objects.filter(
        kind__in=(REMINDER, CHANGE), user__username__startswith=PREFIX
    ).delete()
    bench_meetings().delete()
    PendingTask.objects.filter(pk__gte=first_task).delete()


def make_meetings(moment):
    """One meeting per bench council, 26 hours from now: "tomorrow" whatever
    the hour the benchmark runs."""
    starts = (moment + timedelta(hours=26)).replace(minute=0, second=0, microsecond=0)
    councils = CouncilPage.objects.filter(slug__startswith=PREFIX)
    Meeting.objects.bulk_create(
        Meeting(
            council_id=pk,
            kind=MeetingKind.CIRCLE,
            title=TITLE,
            starts_at=starts,
            place="Casa comunal",
        )
        for pk in councils.values_list("pk", flat=True)
    )
    return bench_meetings().count()


def plan():
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        with transaction.atomic():
            written = plan_reminders()
        seconds = time.perf_counter() - started
    return written, seconds, len(queries)


def prepare_sample(ids):
    """The sample's people get a verified phone and agree to notices."""
    privacy, _ = PrivacyNotice.objects.get_or_create(
        version=f"{PREFIX}avisos",
        defaults={"title": "Aviso", "summary": "-", "body": "-"},
    )
    users = list(Notice.objects.filter(pk__in=ids).values_list("user_id", flat=True))
    now = timezone.now()
    User = ChannelPreference._meta.get_field("user").related_model
    phoneless = list(
        User.objects.filter(pk__in=users, phone="").values_list("pk", flat=True)
    )
    User.objects.filter(pk__in=phoneless).update(phone="3312345678")
    phones = dict(User.objects.filter(pk__in=users).values_list("pk", "phone"))
    ChannelPreference.objects.filter(user_id__in=users).delete()
    ChannelPreference.objects.bulk_create(
        ChannelPreference(
            user_id=user,
            channel=Preference.SMS,
            phone_verified_at=now,
            verified_phone=phone_e164(phones[user]),
        )
        for user in users
    )
    ConsentRecord.objects.bulk_create(
        ConsentRecord(
            user_id=user, notice=privacy, purpose=Purpose.NOTICES, granted=True
        )
        for user in users
    )
    return users, privacy, phoneless


def unprepare_sample(users, privacy, phoneless):
    ChannelPreference.objects.filter(user_id__in=users).delete()
    ConsentRecord.objects.filter(user_id__in=users, notice=privacy).delete()
    privacy.delete()
    User = ChannelPreference._meta.get_field("user").related_model
    User.objects.filter(pk__in=phoneless).update(phone="")


def run(sample=2000, batch=200, log=print):
    """Plan, plan again, send a sample; returns a ``Result``."""
    result = Result()
    last = PendingTask.objects.order_by("-pk").values_list("pk", flat=True).first()
    first_task = (last or 0) + 1
    clean(first_task)
    moment = timezone.now()
    try:
        result.meetings = make_meetings(moment)
        log(f"{result.meetings} meetings tomorrow; planning…")
        with broker_in_memory():
            result.written, result.planning_seconds, result.queries = plan()
            result.tasks = PendingTask.objects.filter(pk__gte=first_task).count()
            log(f"  {result.written:,} reminders in {result.planning_seconds:.1f} s")
            again = plan()
            result.again_written, result.again_seconds, result.again_queries = again
        ids = list(
            Notice.objects.filter(
                kind=REMINDER,
                status=Status.PENDING,
                user__username__startswith=PREFIX,
            )
            .order_by("pk")
            .values_list("pk", flat=True)[:sample]
        )
        result.sample = len(ids)
        prepared = prepare_sample(ids)
        try:
            with (
                receiver() as (port, state),
                override_settings(
                    NOTIFY_SMS_URL=f"json://127.0.0.1:{port}/sms/{{phone}}",
                    NOTIFY_CONSOLE=False,
                    NOTIFY_QUIET_HOURS=None,
                    NOTIFY_DAILY_CAP=10**6,
                ),
            ):
                log(f"Sending {len(ids):,} notices in batches of {batch}…")
                started = time.perf_counter()
                for start in range(0, len(ids), batch):
                    notices.deliver_batch(ids[start : start + batch])
                result.sending_seconds = time.perf_counter() - started
                result.received = state["count"]
            rows = Notice.objects.filter(pk__in=ids)
            for status in rows.values_list("status", flat=True):
                result.statuses[status] = result.statuses.get(status, 0) + 1
            result.sent = result.statuses.get(Status.SENT, 0)
        finally:
            unprepare_sample(*prepared)
    finally:
        clean(first_task)
    return result
