"""Reconciliation: what should exist and does not is found and repaired, once.

Each case makes the loss by hand, as a lost message, a task given up or a
restore without files would leave it, then runs the reconciliation as beat does
(tasks run in-process in the unit suite)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Page

from councils.factories import make_person
from courses.models import Certificate, CourseBooklet, Enrollment
from outbox import reconcile
from outbox.models import PendingTask, ReconciliationRun
from outbox.services import task_key
from tests.courses.learning_fixtures import make_course, make_lesson
from tests.notifications.conftest import consent

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.now() - timedelta(hours=1)


@pytest.fixture(autouse=True)
def files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def course(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        course = make_course("Asambleas que deciden")
        make_lesson(course, "Qué es un consejo")
    return course


def completed(person, course):
    """A course completed an hour ago whose constancia task was lost."""
    return Enrollment.objects.create(
        user=person, course=course, enrolled_at=LONG_AGO, completed_at=LONG_AGO
    )


def run(capture):
    with capture(execute=True):
        return reconcile.reconcile()


def test_a_completed_course_without_its_constancia_gets_it_once(
    course, django_capture_on_commit_callbacks
):
    person = make_person("lucia", first_name="Lucía", email="lucia@example.org")
    consent(person)
    completed(person, course)

    counts, sent = run(django_capture_on_commit_callbacks)

    assert counts["constancias"] == 1 and sent == 1
    certificate = Certificate.objects.get(user=person, course=course)
    assert certificate.file and certificate.emailed_at
    assert len(mail.outbox) == 1

    counts, sent = run(django_capture_on_commit_callbacks)
    assert counts == {
        "constancias": 0,
        "cuadernillos": 0,
        "avisos sin enviar": 0,
        "tareas abandonadas": 0,
    }
    assert sent == 0
    assert len(mail.outbox) == 1
    assert ReconciliationRun.objects.count() == 2


def test_a_constancia_without_its_pdf_or_notice_is_completed(
    course, django_capture_on_commit_callbacks
):
    person = make_person("lucia", first_name="Lucía", email="lucia@example.org")
    consent(person)
    completed(person, course)
    Certificate.objects.create(
        user=person,
        course=course,
        person_name="Lucía",
        course_title=course.title,
        axis_name="Organización",
        hours=4,
        issued_at=LONG_AGO,
    )

    counts, _sent = run(django_capture_on_commit_callbacks)

    assert counts["constancias"] == 1
    certificate = Certificate.objects.get()
    assert certificate.file
    assert certificate.emailed_at
    assert len(mail.outbox) == 1


def test_a_repair_already_on_its_way_is_not_sent_again(
    course, django_capture_on_commit_callbacks
):
    person = make_person("lucia", first_name="Lucía")
    completed(person, course)
    PendingTask.objects.create(
        task="courses.tasks.issue_certificate",
        args=[person.pk, course.pk],
        key=task_key("courses.tasks.issue_certificate", [person.pk, course.pk]),
    )

    counts, sent = run(django_capture_on_commit_callbacks)

    assert counts["constancias"] == 0 and sent == 0
    assert not Certificate.objects.exists()


def test_a_course_whose_booklet_is_missing_or_stale_gets_a_current_one(
    course, django_capture_on_commit_callbacks
):
    CourseBooklet.objects.all().delete()
    Page.objects.filter(path__startswith=course.path).update(last_published_at=LONG_AGO)

    counts, _sent = run(django_capture_on_commit_callbacks)

    assert counts["cuadernillos"] == 1
    booklet = CourseBooklet.objects.get(course=course)
    assert booklet.file.storage.exists(booklet.file.name)

    # Current now: nothing to do, even when the build found nothing changed.
    counts, _sent = run(django_capture_on_commit_callbacks)
    assert counts["cuadernillos"] == 0

    booklet.file.storage.delete(booklet.file.name)  # lost with a disk
    counts, _sent = run(django_capture_on_commit_callbacks)
    assert counts["cuadernillos"] == 1
    booklet.refresh_from_db()
    assert booklet.file.storage.exists(booklet.file.name)


def test_the_command_counts_without_repairing_when_asked(course, capsys):
    person = make_person("lucia", first_name="Lucía")
    completed(person, course)

    call_command("reconcile", "--dry-run")

    out = capsys.readouterr().out
    assert "constancias: 1" in out
    assert "Reparaciones enviadas: 0." in out
    assert not Certificate.objects.exists()
    assert not ReconciliationRun.objects.exists()


def test_beat_reconciles_every_ten_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["outbox-reconcile"]

    assert entry == {"task": "outbox.tasks.reconcile", "schedule": 600.0}


def test_a_task_given_up_hours_ago_is_sent_again(monkeypatch):
    """A notice whose mail server stayed down past every retry: the
    reconciliation gives it another chance, hours later."""
    from kombu import pools

    from cococi_site.celery import app

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
    monkeypatch.setitem(app.conf, "broker_url", "memory://")
    recent = PendingTask.objects.create(
        task="councils.tasks.notify_membership_decision",
        args=[1],
        failed_at=timezone.now() - timedelta(minutes=30),
    )
    old = PendingTask.objects.create(
        task="councils.tasks.notify_membership_decision",
        args=[2],
        failed_at=timezone.now() - timedelta(hours=7),
    )

    counts, sent = reconcile.reconcile()

    assert counts["tareas abandonadas"] == 1 and sent == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.failed_at is None and old.published_at is not None
    assert recent.failed_at is not None
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
