"""``notify_many``: one notice to many people, written and handed to the
workers in batches, each person told once."""

import pytest
from celery import current_app
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.factories import make_person
from notifications import services
from notifications.models import Notice, Status
from notifications.services import notify_many
from notifications.tasks import deliver_batch
from outbox.models import PendingTask

from .conftest import phone_person, stop_line

pytestmark = pytest.mark.django_db


def people(count):
    return [phone_person(f"persona{number}") for number in range(count)]


def test_many_people_are_told_once_each_in_batches(
    sms, clock, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "WRITE_BATCH", 3)
    monkeypatch.setattr(services, "DELIVERY_BATCH", 2)
    group = people(7)
    with django_capture_on_commit_callbacks(execute=True):
        written = notify_many("aviso", group, "aviso:1", "Hola.", "/mi-formacion/")
    assert len(written) == 7
    assert sorted(sms.accepted) == sorted(
        f"Hola. http://testserver/mi-formacion/ {stop_line(person)}" for person in group
    )
    assert set(Notice.objects.values_list("status", flat=True)) == {Status.SENT}

    # Asked again, with ids this time: nothing written, nothing sent.
    with django_capture_on_commit_callbacks(execute=True):
        ids = [person.pk for person in group]
        again = notify_many("aviso", ids, "aviso:1", "Hola.")
    assert again == [] and Notice.objects.count() == 7 and len(sms.requests) == 7


def test_the_same_queries_for_two_people_or_two_hundred(monkeypatch, clock):
    monkeypatch.setattr(services, "DELIVERY_BATCH", 1000)
    few = [make_person(f"pocos{number}").pk for number in range(2)]
    many = [make_person(f"muchos{number}").pk for number in range(200)]
    counts = []
    for group, key in ((few, "aviso:1"), (many, "aviso:2")):
        with CaptureQueriesContext(connection) as queries:
            notify_many("aviso", group, key, "Hola.")
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert Notice.objects.filter(key="aviso:2").count() == 200


def test_with_a_broker_batches_are_tasks_in_the_outbox(monkeypatch, clock):
    monkeypatch.setattr(services, "DELIVERY_BATCH", 2)
    monkeypatch.setitem(current_app.conf, "task_always_eager", False)
    group = [make_person(f"persona{number}").pk for number in range(3)]
    written = notify_many("aviso", group, "aviso:1", "Hola.")
    tasks = list(PendingTask.objects.order_by("pk"))
    assert {task.task for task in tasks} == {"notifications.tasks.deliver_batch"}
    assert [len(task.args[0]) for task in tasks] == [2, 1]
    assert sorted(sum((task.args[0] for task in tasks), [])) == sorted(written)


def test_a_refusal_in_a_batch_stops_no_one_and_is_sent_once_on_retry(
    sms, clock, django_capture_on_commit_callbacks
):
    group = people(3)
    with django_capture_on_commit_callbacks():  # queued, not delivered yet
        written = notify_many("aviso", group, "aviso:1", "Hola.")
    sms.refuse = 1
    # In-process the task's retry (RETRY policy) runs at once.
    deliver_batch.apply(args=[written], throw=False)
    assert [status for status, _ in sms.requests] == [500, 200, 200, 200]
    assert set(Notice.objects.values_list("status", flat=True)) == {Status.SENT}

    deliver_batch.apply(args=[written]).get()
    assert len(sms.accepted) == 3
