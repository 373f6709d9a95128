"""A lesson's page: its blocks, its place in the course and a quiz without answers."""

import re

import pytest

from courses.factories import CoursePageFactory, LessonPageFactory

from .conftest import LESSON_BODY, LESSON_QUIZ, QUIZ_FEEDBACK

pytestmark = pytest.mark.django_db


@pytest.fixture
def lessons(db):
    course = CoursePageFactory(title="Asambleas que deciden")
    first = LessonPageFactory(parent=course, title="Convocar")
    LessonPageFactory(
        parent=course, title="Lección en borrador", live=False, publish=False
    )
    second = LessonPageFactory(
        parent=course,
        title="La asamblea",
        estimated_minutes=35,
        body=LESSON_BODY,
        quiz=LESSON_QUIZ,
        pass_mark=80,
    )
    third = LessonPageFactory(parent=course, title="Dar seguimiento")
    return course, first, second, third


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_lesson_body_blocks_render(client, lessons):
    html = get(client, lessons[2].url)

    assert "<h2>La asamblea comunitaria</h2>" in html
    assert "La asamblea es el <b>espacio</b> donde la comunidad decide." in html
    assert "<blockquote><p>Mandar obedeciendo.</p></blockquote>" in html
    assert "— Principio de los pueblos" in html
    assert "Para reflexionar" in html
    assert "<li>¿Quién participa hoy en las decisiones de tu colonia?</li>" in html
    assert "En comunidad: Mapa de la colonia" in html
    assert "Dibujen juntas los lugares de reunión." in html
    assert "Unos 45 minutos." in html
    assert "Conceptos clave" in html
    assert "<dt>Asamblea</dt><dd>Reunión abierta que toma acuerdos.</dd>" in html


def test_lesson_shows_its_position_and_minutes(client, lessons):
    html = get(client, lessons[2].url)

    # The draft lesson does not count.
    assert "Lección 2 de 3" in html
    assert "35 min" in html
    assert f'href="{lessons[0].url}"' in html  # breadcrumb to the course


def test_previous_and_next_links(client, lessons):
    course, first, second, third = lessons

    middle = get(client, second.url)
    assert f'href="{first.url}" rel="prev"' in middle
    assert f'href="{third.url}" rel="next"' in middle
    assert "Lección en borrador" not in middle

    start = get(client, first.url)
    assert 'rel="prev"' not in start
    assert f'href="{second.url}" rel="next"' in start
    assert "Lección 1 de 3" in start

    end = get(client, third.url)
    assert 'rel="next"' not in end
    assert f'href="{course.url}">Volver al curso</a>' in end


def test_quiz_questions_are_shown_without_the_answers(client, lessons):
    html = get(client, lessons[2].url)

    assert "Autoevaluación" in html
    assert "2 preguntas" in html and "80%" in html
    quiz = html.split('class="quiz"')[1].split("</section>")[0]
    assert "¿Quién convoca la asamblea?" in quiz
    # Every choice is listed the same way, right or wrong.
    for choice in ("La comunidad organizada", "Un partido político", "El gobierno"):
        assert f"<li>{choice}" in quiz
    assert "<li>La comunidad organizada</li>" in quiz
    assert "<li>Un partido político</li>" in quiz
    for feedback in QUIZ_FEEDBACK:
        assert feedback not in html
    assert not re.search(r"correct|checked|✓|✔", quiz.replace("correctas", ""))
    assert "data-" not in quiz


def test_lesson_without_quiz_has_no_quiz_section(client, lessons):
    html = get(client, lessons[0].url)

    assert "Autoevaluación" not in html


def test_a_draft_lesson_is_not_served(client, lessons):
    course = lessons[0]

    assert client.get(f"{course.url}leccion-en-borrador/").status_code == 404


def test_lessons_of_a_course_under_review_are_not_public(client):
    """A course waiting in "Revisión" is not public, and neither are its lessons,
    even if an editor already published them."""
    course = CoursePageFactory(title="Curso en revisión", live=False, publish=False)
    lesson = LessonPageFactory(
        parent=course,
        title="Lección adelantada",
        body=[{"type": "paragraph", "value": "<p>Texto sin revisar todavía.</p>"}],
    )

    assert client.get(lesson.url).status_code == 404
    api = client.get("/api/v2/pages/?type=courses.LessonPage").content.decode()
    assert "Lección adelantada" not in api
    found = client.get("/buscar/", {"q": "revisar"}).content.decode()
    assert "Lección adelantada" not in found
