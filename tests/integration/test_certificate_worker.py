"""Completing a course enqueues the constancia; a real worker issues it through
Redis, renders its PDF and writes it to the shared database and storage."""

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client

from courses import services
from courses.models import Certificate, Enrollment, LessonCompletion
from members.models import User
from notifications.models import Notice, Status
from tests.courses.learning_fixtures import make_course, make_lesson
from tests.notifications.conftest import consent

from .conftest import ensure_catalogue, wait_for


@pytest.fixture
def completed_but_last(live_worker):
    """A member who studied every lesson but the last of a published course."""
    ensure_catalogue()
    course = make_course("Asambleas que deciden", publish=False)
    lessons = [
        make_lesson(course, title, publish=False)
        for title in ("Qué es un consejo", "Cómo convocar")
    ]
    user = User.objects.create_user(
        "lucia",
        password="x",
        first_name="Lucía",
        last_name="Méndez",
        email="lucia@example.org",
    )
    consent(user)
    with transaction.atomic():
        services.lesson_complete(user=user, lesson=lessons[0], course=course)
    return user, course, lessons[-1]


def test_the_last_lesson_makes_a_real_worker_issue_the_constancia(
    completed_but_last, live_worker
):
    user, course, last = completed_but_last
    assert not Certificate.objects.exists()

    with transaction.atomic():
        services.lesson_complete(user=user, lesson=last, course=course)
        # Nothing is enqueued before the commit.
        assert not Certificate.objects.exists()

    # The worker renders the PDF, then e-mails it (to its own outbox).
    certificate = wait_for(
        lambda: (
            Certificate.objects.filter(
                user=user, course=course, emailed_at__isnull=False
            )
            .exclude(file="")
            .first()
        ),
        timeout=60,
    )
    assert Enrollment.objects.get(user=user, course=course).completed_at
    assert LessonCompletion.objects.filter(user=user).count() == 2
    assert certificate.person_name == "Lucía Méndez"
    assert certificate.course_title == "Asambleas que deciden"
    with certificate.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert "issue_certificate" in live_worker["log"].read_text()
    assert mail.outbox == []  # sent by the worker process, not by this one
    # Its notice (the e-mail with the PDF) sent by the worker, once.
    notice = wait_for(
        lambda: Notice.objects.filter(
            user=user, kind="constancia", status=Status.SENT
        ).first(),
        timeout=60,
    )
    assert notice.channel == "email" and notice.attempts == 1

    response = Client().get(f"/constancias/{certificate.code}/")
    assert response.status_code == 200
    assert "Lucía Méndez" in response.content.decode()
    assert Certificate.objects.count() == 1
