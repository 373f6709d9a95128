"""The printable cuadernillo: built on publish (Celery runs eagerly in the unit
suite), offered on the course page, rebuilt only when the content changed."""

import pytest

from courses.booklets import html_fingerprint, render_booklet_html
from courses.factories import CoursePageFactory, LessonPageFactory, lesson_body
from courses.models import CourseBooklet, CoursePage

from .conftest import LESSON_BODY, LESSON_QUIZ, QUIZ_FEEDBACK

pytestmark = pytest.mark.django_db


@pytest.fixture
def published_course(media_root, django_capture_on_commit_callbacks):
    """A course and two lessons, published with their on-commit tasks run."""
    with django_capture_on_commit_callbacks(execute=True):
        course = CoursePageFactory(title="Asambleas que deciden")
        LessonPageFactory(
            parent=course, title="Convocar", body=LESSON_BODY, quiz=LESSON_QUIZ
        )
        LessonPageFactory(
            parent=course,
            title="Dar seguimiento",
            body=lesson_body("Un acuerdo sin seguimiento se olvida."),
        )
    return course


def booklet_of(course):
    return CourseBooklet.objects.get(course=course)


def republish(page, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()


def test_publishing_a_course_produces_a_pdf_booklet(published_course):
    booklet = booklet_of(published_course)

    with booklet.file.open("rb") as handle:
        pdf = handle.read()
    assert pdf.startswith(b"%PDF")
    assert booklet.size == len(pdf) > 5_000
    assert len(booklet.fingerprint) == 64
    assert booklet.file.name.startswith(
        "cuadernillos/cuadernillo-asambleas-que-deciden"
    )


def test_course_page_offers_the_booklet_download(client, published_course):
    html = client.get(published_course.url).content.decode()

    assert "Cuadernillo para imprimir" in html
    assert "Descargar el cuadernillo (PDF," in html
    assert f'href="{published_course.url}cuadernillo/"' in html


def test_booklet_is_downloaded_as_a_pdf_attachment(client, published_course):
    response = client.get(f"{published_course.url}cuadernillo/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "cuadernillo-asambleas-que-deciden.pdf" in disposition
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_booklet_contains_the_whole_course_but_no_answers(published_course):
    lessons = list(published_course.lessons())

    html = render_booklet_html(published_course, lessons)

    assert "Asambleas que deciden" in html
    assert "Convocar" in html and "Dar seguimiento" in html
    assert "¿Quién participa hoy en las decisiones de tu colonia?" in html
    assert "Mapa de la colonia" in html
    assert "Para reflexionar" in html and "En comunidad" in html
    assert "¿Quién convoca la asamblea?" in html
    assert "Un partido político" in html
    for feedback in QUIZ_FEEDBACK:
        assert feedback not in html
    assert "correct" not in html.replace("correctas", "")


def test_republishing_without_changes_keeps_the_same_file(
    published_course, django_capture_on_commit_callbacks
):
    before = booklet_of(published_course)

    republish(published_course, django_capture_on_commit_callbacks)

    after = booklet_of(published_course)
    assert after.fingerprint == before.fingerprint
    assert after.file.name == before.file.name
    assert after.size == before.size
    # Checked again, and found current: the reconciliation compares this time
    # with the course's last publish.
    assert after.generated_at >= before.generated_at
    assert CourseBooklet.objects.count() == 1


def test_changing_a_lesson_rebuilds_the_booklet(
    published_course, django_capture_on_commit_callbacks
):
    before = booklet_of(published_course)
    storage = before.file.storage
    lesson = published_course.get_children().specific().get(title="Dar seguimiento")
    lesson.body = lesson_body("Cada mes revisamos los acuerdos en asamblea.")

    republish(lesson, django_capture_on_commit_callbacks)

    after = booklet_of(published_course)
    assert after.fingerprint != before.fingerprint
    assert after.file.name != before.file.name
    with after.file.open("rb") as handle:
        assert handle.read(4) == b"%PDF"
    assert not storage.exists(before.file.name)  # the old file is removed
    assert CourseBooklet.objects.count() == 1


def test_a_draft_change_does_not_rebuild_the_booklet(
    published_course, django_capture_on_commit_callbacks
):
    before = booklet_of(published_course)
    lesson = published_course.get_children().specific().get(title="Dar seguimiento")
    lesson.body = lesson_body("Texto en borrador que nadie ha revisado.")

    with django_capture_on_commit_callbacks(execute=True):
        lesson.save_revision()

    assert booklet_of(published_course).fingerprint == before.fingerprint


def booklet_shows(course, titles):
    """The stored booklet is the one of these lessons' titles, in this order."""
    course = CoursePage.objects.get(pk=course.pk)
    lessons = list(course.lessons())
    assert [lesson.title for lesson in lessons] == titles
    expected = html_fingerprint(render_booklet_html(course, lessons))
    return booklet_of(course).fingerprint == expected


@pytest.mark.parametrize("withdraw", ["unpublish", "delete"])
def test_a_lesson_unpublished_or_deleted_leaves_the_booklet(
    published_course, django_capture_on_commit_callbacks, withdraw
):
    lesson = published_course.get_children().get(title="Dar seguimiento")

    with django_capture_on_commit_callbacks(execute=True):
        getattr(lesson.specific, withdraw)()

    assert booklet_shows(published_course, ["Convocar"])


def test_moving_a_lesson_rebuilds_both_courses_booklets(
    published_course, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        other = CoursePageFactory(title="Contraloría ciudadana")
        LessonPageFactory(parent=other, title="Pedir cuentas")
    lesson = published_course.get_children().get(title="Dar seguimiento")

    with django_capture_on_commit_callbacks(execute=True):
        lesson.specific.move(other, pos="last-child")

    assert booklet_shows(published_course, ["Convocar"])
    assert booklet_shows(other, ["Pedir cuentas", "Dar seguimiento"])


def test_a_course_without_booklet_has_no_download(client, media_root):
    course = CoursePageFactory(title="Curso nuevo")  # its tasks never ran

    assert client.get(f"{course.url}cuadernillo/").status_code == 404
    html = client.get(course.url).content.decode()
    assert "El cuadernillo se está preparando; vuelve en unos minutos." in html
    assert "cuadernillo/" not in html.split("Cuadernillo para imprimir")[1]


def test_a_missing_booklet_file_is_a_404_not_a_500(client, published_course):
    booklet = booklet_of(published_course)
    booklet.file.storage.delete(booklet.file.name)

    assert client.get(f"{published_course.url}cuadernillo/").status_code == 404
