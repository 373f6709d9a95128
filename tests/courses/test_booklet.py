"""The printable cuadernillo: built on publish (Celery runs eagerly in the unit
suite), offered on the course page, rebuilt only when the content changed."""

import pytest
from django.test import Client

from councils.factories import assign, make_council, make_person
from courses.booklets import html_fingerprint, render_booklet_html
from courses.factories import CoursePageFactory, LessonPageFactory, lesson_body
from courses.models import CourseBooklet, CoursePage

from .conftest import LESSON_BODY, LESSON_QUIZ, QUIZ_FEEDBACK
from .pdf_structure import assert_tagged

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


def test_both_editions_of_the_booklet_are_tagged_pdfs(published_course):
    booklet = booklet_of(published_course)

    for file, edition in (
        (booklet.file, "Cuadernillo"),
        (booklet.facilitator_file, "Cuadernillo: edición para quien facilita"),
    ):
        with file.open("rb") as handle:
            assert_tagged(handle.read(), title=f"Asambleas que deciden · {edition}")


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
    expected = html_fingerprint(
        render_booklet_html(course, lessons),
        render_booklet_html(course, lessons, facilitator=True),
    )
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


# The facilitator's edition: answers and notes, for leaders and editors only

COURSE_NOTES = "Lleven papelógrafos y plumones para cada equipo."
LESSON_NOTES = "Empiecen con una ronda: ¿quién convocó la última asamblea?"


@pytest.fixture
def noted_course(media_root, django_capture_on_commit_callbacks):
    """A published course with facilitator notes on it and on its lesson with
    a quiz, built with its on-commit tasks run."""
    with django_capture_on_commit_callbacks(execute=True):
        course = CoursePageFactory(
            title="Asambleas que deciden", facilitator_notes=f"<p>{COURSE_NOTES}</p>"
        )
        LessonPageFactory(
            parent=course,
            title="Convocar",
            body=LESSON_BODY,
            quiz=LESSON_QUIZ,
            facilitator_notes=f"<p>{LESSON_NOTES}</p>",
        )
    return course


def test_the_facilitators_edition_has_the_answer_key_and_the_notes(noted_course):
    lessons = list(noted_course.lessons())

    facilitator = render_booklet_html(noted_course, lessons, facilitator=True)
    member = render_booklet_html(noted_course, lessons)

    assert "Edición para quien facilita" in facilitator
    assert COURSE_NOTES in facilitator and LESSON_NOTES in facilitator
    for feedback in QUIZ_FEEDBACK:
        assert feedback in facilitator
    right = (
        '<li class="choice choice--correct">'
        "La comunidad organizada (respuesta correcta)"
    )
    assert right in facilitator
    assert '<li class="choice">Un partido político<br>' in facilitator
    # The member's edition: none of it.
    assert COURSE_NOTES not in member and LESSON_NOTES not in member
    assert "Edición para quien facilita" not in member
    assert "respuesta correcta" not in member
    for feedback in QUIZ_FEEDBACK:
        assert feedback not in member


def test_both_editions_are_built_on_publish_into_private_storage(
    settings, noted_course
):
    booklet = booklet_of(noted_course)

    private = settings.PRIVATE_MEDIA_ROOT
    assert booklet.facilitator_file.name.startswith(
        "cuadernillos/cuadernillo-facilitacion-asambleas-que-deciden-"
    )
    assert (private / booklet.facilitator_file.name).exists()
    assert (private / booklet.file.name).exists()
    assert not (settings.MEDIA_ROOT / booklet.facilitator_file.name).exists()
    with booklet.facilitator_file.open("rb") as handle:
        pdf = handle.read()
    assert pdf.startswith(b"%PDF") and booklet.facilitator_size == len(pdf)
    assert booklet.facilitator_size > booklet.size  # answers and notes more
    assert Client().get(f"/media/{booklet.facilitator_file.name}").status_code == 404


def test_changing_only_a_lesson_s_notes_rebuilds_the_facilitators_edition(
    noted_course, django_capture_on_commit_callbacks
):
    before = booklet_of(noted_course)
    lesson = noted_course.get_children().specific().get(title="Convocar")
    lesson.facilitator_notes = "<p>Cierren con un acuerdo concreto.</p>"

    republish(lesson, django_capture_on_commit_callbacks)

    after = booklet_of(noted_course)
    assert after.facilitator_file.name != before.facilitator_file.name
    storage = before.facilitator_file.storage
    assert not storage.exists(before.facilitator_file.name)  # the old one is gone
    assert storage.exists(after.facilitator_file.name)


def facilitator_url(course):
    return f"{course.url}cuadernillo/facilitacion/"


def test_an_editor_downloads_the_facilitators_edition(editor_client, noted_course):
    response = editor_client.get(facilitator_url(noted_course))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        "cuadernillo-facilitacion-asambleas-que-deciden.pdf"
        in (response["Content-Disposition"])
    )
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    page = editor_client.get(noted_course.url).content.decode()
    assert f'href="{facilitator_url(noted_course)}"' in page


def test_a_council_leader_downloads_the_facilitators_edition(noted_course):
    council = make_council("Consejo Santa Cecilia")
    leader = make_person("ana.lider", first_name="Ana")
    assign(leader, "coordinador-de-consejo", council=council)
    client = Client()
    client.force_login(leader)

    response = client.get(facilitator_url(noted_course))

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert f'href="{facilitator_url(noted_course)}"' in (
        client.get(noted_course.url).content.decode()
    )


def test_a_member_or_a_visitor_gets_no_facilitators_edition(
    client, make_user, noted_course
):
    url = facilitator_url(noted_course)
    visitor = client.get(url)
    client.force_login(make_user("lucia"))
    member = client.get(url)
    page = client.get(noted_course.url).content.decode()

    assert visitor.status_code == 302
    assert visitor["Location"] == f"/cuenta/entrar/?next={url}"
    assert member.status_code == 403
    assert "facilitacion" not in page
    assert LESSON_NOTES not in page
    # The member's own booklet stays hers to download.
    assert client.get(f"{noted_course.url}cuadernillo/").status_code == 200
