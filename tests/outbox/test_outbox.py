"""The outbox: a task is recorded with the change that asks for it, sent after
the commit, and kept until a worker has finished it; refused by the broker, or
lost after it was sent, it is sent again.

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
from outbox import services
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


def queued_messages():
    """(task name, task id) of every message waiting, taken off the queue."""
    with celery_app.connection_for_write() as connection:
        queue = connection.SimpleQueue("celery")
        found = []
        while True:
            try:
                message = queue.get(block=False)
            except queue.Empty:
                break
            found.append((message.headers["task"], message.headers["id"]))
            message.ack()
        queue.close()
    return found


def queued_task_names():
    return [name for name, _id in queued_messages()]


def run_as_a_worker(pending):
    """What a worker does with the message: runs the task under its id."""
    task = celery_app.tasks[pending.task]
    return task.apply(args=pending.args, task_id=pending.celery_id)


def test_without_a_broker_tasks_run_in_process_and_nothing_is_recorded(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            enqueue(record_worker_heartbeat)

    assert len(callbacks) == 1
    assert not PendingTask.objects.exists()


def test_a_task_is_recorded_with_the_change_and_kept_until_a_worker_finished_it(
    broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            pending = enqueue(record_worker_heartbeat)
            # In the same transaction as the change that asked for it.
            assert PendingTask.objects.filter(pk=pending.pk).exists()

    # Sent, under an id naming its row, and still expected.
    assert queued_messages() == [
        ("home.tasks.record_worker_heartbeat", f"outbox-{pending.pk}")
    ]
    sent = PendingTask.objects.get()
    assert sent.published_at is not None
    assert sent.due_at == sent.published_at + timedelta(
        seconds=settings.OUTBOX_LEASE_SECONDS
    )

    run_as_a_worker(sent)

    assert not PendingTask.objects.exists()


def test_a_task_lost_after_it_was_sent_is_sent_again_once_due(
    broker, django_capture_on_commit_callbacks
):
    """Redis restarted empty, or emptied: the message is gone, the row is not."""
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            pending = enqueue(record_worker_heartbeat)
    queued_messages()  # the message is lost

    assert resend_pending() == 0  # not due yet: it may still be in the queue
    PendingTask.objects.update(due_at=timezone.now() - timedelta(seconds=1))
    assert resend_pending() == 1
    assert queued_messages() == [
        ("home.tasks.record_worker_heartbeat", f"outbox-{pending.pk}")
    ]
    run_as_a_worker(PendingTask.objects.get())
    assert not PendingTask.objects.exists()


def test_a_task_taken_by_a_worker_is_expected_for_another_lease(broker):
    pending = PendingTask.objects.create(
        task="home.tasks.record_worker_heartbeat",
        published_at=timezone.now() - timedelta(hours=1),
        due_at=timezone.now() - timedelta(minutes=1),
    )
    services.task_started(pending.celery_id)

    pending.refresh_from_db()
    assert pending.started_at is not None
    assert pending.due_at > timezone.now() + timedelta(minutes=10)
    assert resend_pending() == 0


def test_a_retried_task_is_expected_after_its_retry(broker):
    pending = PendingTask.objects.create(task="home.tasks.record_worker_heartbeat")
    when = timezone.now() + timedelta(minutes=10)

    services.task_retried(pending.celery_id, OSError("Connection refused"), when)

    pending.refresh_from_db()
    assert pending.attempts == 1
    assert pending.last_error == "Connection refused"
    assert pending.due_at == when + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)


def test_a_task_whose_retries_ran_out_stays_visible_and_can_be_sent_again(
    broker, capsys
):
    pending = PendingTask.objects.create(
        task="home.tasks.record_worker_heartbeat",
        published_at=timezone.now(),
        due_at=timezone.now() - timedelta(minutes=1),
    )
    services.task_given_up(pending.celery_id, OSError("SMTP refused"))

    pending.refresh_from_db()
    assert pending.failed_at is not None
    assert "SMTP refused" in pending.last_error
    assert resend_pending() == 0  # given up: not sent by the sweep
    assert services.summary()["failed_tasks"] == 1

    call_command("resend_pending_tasks", "--failed")

    assert capsys.readouterr().out.strip() == (
        "Tareas enviadas: 1; sin terminar: 1; abandonadas: 0."
    )
    assert queued_task_names() == ["home.tasks.record_worker_heartbeat"]
    run_as_a_worker(PendingTask.objects.get())
    assert not PendingTask.objects.exists()


def test_other_tasks_do_not_touch_the_outbox(broker):
    pending = PendingTask.objects.create(task="home.tasks.record_worker_heartbeat")

    record_worker_heartbeat.apply(task_id="d3b07384-d9a0-4c9b-8f5e-1a2b3c4d5e6f")

    assert PendingTask.objects.filter(pk=pending.pk).exists()


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
    assert queued_task_names() == ["home.tasks.record_worker_heartbeat"]
    run_as_a_worker(PendingTask.objects.get())
    assert not PendingTask.objects.exists()


def test_the_command_sends_every_pending_task(broker, capsys):
    PendingTask.objects.create(task="home.tasks.record_worker_heartbeat", args=[])

    call_command("resend_pending_tasks", "--older-than", "0")

    assert capsys.readouterr().out.strip() == (
        "Tareas enviadas: 1; sin terminar: 1; abandonadas: 0."
    )
    assert queued_task_names() == ["home.tasks.record_worker_heartbeat"]


def test_beat_sends_the_outbox_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["outbox-resend"]

    assert entry == {"task": resend_pending_tasks.name, "schedule": 60.0}
    assert resend_pending_tasks.apply().get() == 0  # nothing pending
