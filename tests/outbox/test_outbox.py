"""The outbox: a task is recorded with the change that asks for it and sent
after the commit; refused by the broker, it waits and is sent again.

These run in-process on any database: kombu's in-memory broker stands for a
working Redis and a closed port for one that is down. tests/integration/
test_failures.py proves the same with a real Redis killed and restarted."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from kombu import pools as kombu_pools

from cococi_site.celery import app as celery_app
from home.tasks import record_worker_heartbeat
from outbox.models import PendingTask
from outbox.services import enqueue, resend_pending
from outbox.tasks import resend_pending_tasks

pytestmark = pytest.mark.django_db

DOWN = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def broker(monkeypatch):
    """Tasks go through a broker (not run in-process); ``broker.use(url)``
    points this process at another one."""

    def use(url):
        kombu_pools.reset()
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        monkeypatch.setitem(celery_app.conf, "broker_url", url)

    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    use("memory://")
    yield type("Broker", (), {"use": staticmethod(use)})
    use(settings.CELERY_BROKER_URL)


def queued_task_names():
    with celery_app.connection_for_write() as connection:
        queue = connection.SimpleQueue("celery")
        names = []
        while True:
            try:
                message = queue.get(block=False)
            except queue.Empty:
                break
            names.append(message.headers["task"])
            message.ack()
        queue.close()
    return names


def test_without_a_broker_tasks_run_in_process_and_nothing_is_recorded(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            enqueue(record_worker_heartbeat)

    assert len(callbacks) == 1
    assert not PendingTask.objects.exists()


def test_a_task_is_recorded_with_the_change_and_removed_once_sent(
    broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            pending = enqueue(record_worker_heartbeat)
            # In the same transaction as the change that asked for it.
            assert PendingTask.objects.filter(pk=pending.pk).exists()

    assert not PendingTask.objects.exists()
    assert queued_task_names() == ["home.tasks.record_worker_heartbeat"]


def test_a_rolled_back_change_sends_nothing(broker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            enqueue(record_worker_heartbeat)
            raise RuntimeError

    assert callbacks == []
    assert not PendingTask.objects.exists()


def test_a_refused_task_waits_in_the_outbox_and_is_sent_once_the_broker_is_back(
    broker, django_capture_on_commit_callbacks
):
    broker.use(DOWN)
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            enqueue(record_worker_heartbeat)

    pending = PendingTask.objects.get()
    assert pending.task == "home.tasks.record_worker_heartbeat"
    assert pending.attempts == 1
    assert "127.0.0.1:1" in pending.last_error

    # Still down: the sweep keeps it and counts the attempt.
    assert resend_pending(older_than=timedelta(0)) == 0
    assert PendingTask.objects.get().attempts == 2

    broker.use("memory://")
    # The periodic sweep leaves a task of the last minute to its own publish.
    assert resend_pending() == 0
    PendingTask.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    assert resend_pending() == 1
    assert not PendingTask.objects.exists()
    assert queued_task_names() == ["home.tasks.record_worker_heartbeat"]


def test_the_command_sends_every_pending_task(broker, capsys):
    PendingTask.objects.create(task="home.tasks.record_worker_heartbeat", args=[])

    call_command("resend_pending_tasks", "--older-than", "0")

    assert capsys.readouterr().out.strip() == "Tareas enviadas: 1; aún pendientes: 0."
    assert queued_task_names() == ["home.tasks.record_worker_heartbeat"]


def test_beat_sends_the_outbox_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["outbox-resend"]

    assert entry == {"task": resend_pending_tasks.name, "schedule": 60.0}
    assert resend_pending_tasks.apply().get() == 0  # nothing pending
