"""Publishing a course sends the booklet task through Redis to a real worker,
which writes the PDF and its CourseBooklet row to the database."""

import pytest
from django.test import Client

from courses.factories import CoursePageFactory, LessonPageFactory, lesson_body
from courses.models import CourseBooklet, CourseIndexPage

from .conftest import wait_for


@pytest.fixture
def catalogue(live_worker):
    """The /cursos/ page the migrations create. A transactional test before this
    one would have flushed it away: these tests must run first in their group."""
    index = CourseIndexPage.objects.first()
    if index is None:
        pytest.fail(
            "the migrations' content (axes, /cursos/) was flushed by an earlier "
            "transactional test; run tests/integration/test_booklet_worker.py first"
        )
    return index


def booklet_with(course, fingerprint_other_than=None):
    booklet = CourseBooklet.objects.filter(course=course).first()
    if booklet and booklet.fingerprint != fingerprint_other_than:
        return booklet
    return None


def test_the_worker_builds_the_booklet_of_a_published_course(live_worker, catalogue):
    # Only the lesson is published through Wagtail, so exactly one task is sent.
    course = CoursePageFactory(title="Cooperativas de consumo", publish=False)
    lesson = LessonPageFactory(
        parent=course,
        title="Comprar en común",
        body=lesson_body("La cooperativa compra al mayoreo para todas."),
    )

    booklet = wait_for(lambda: booklet_with(course), timeout=60)

    with booklet.file.open("rb") as handle:
        pdf = handle.read()
    assert pdf.startswith(b"%PDF")
    assert booklet.file.name.startswith("cuadernillos/cuadernillo-cooperativas")
    assert booklet.size == len(pdf)
    assert "build_course_booklet" in live_worker["log"].read_text()

    response = Client().get(f"{course.url}cuadernillo/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == pdf

    # Republishing a changed lesson makes the worker build a new booklet.
    lesson.body = lesson_body("Cada mes la asamblea revisa las cuentas.")
    lesson.save_revision().publish()

    rebuilt = wait_for(
        lambda: booklet_with(course, fingerprint_other_than=booklet.fingerprint),
        timeout=60,
    )
    assert rebuilt.pk == booklet.pk
    assert rebuilt.file.name != booklet.file.name
    with rebuilt.file.open("rb") as handle:
        assert handle.read(4) == b"%PDF"
