"""Site search at /buscar/ finds courses, lessons and materials."""

import pytest
from django.db import connection

from courses.factories import (
    CoursePageFactory,
    LessonPageFactory,
    MaterialPageFactory,
    lesson_body,
    sample_quiz,
)

pytestmark = pytest.mark.django_db


def search(client, query):
    response = client.get("/buscar/", {"q": query})
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def lesson(db):
    course = CoursePageFactory(
        title="Cuidar la tierra",
        summary="Prácticas para cuidar el territorio y el agua.",
    )
    return LessonPageFactory(
        parent=course,
        title="Sembrar en común",
        body=lesson_body(
            "La milpa es un sistema de cultivo que alimenta a la familia."
        ),
    )


def test_search_finds_a_lesson_by_a_word_in_its_body(client, lesson):
    html = search(client, "milpa")

    assert f'<a href="{lesson.url}">Sembrar en común</a>' in html
    assert "1 resultado para «milpa»" in html


def test_search_finds_courses_and_materials(client, lesson):
    MaterialPageFactory(
        title="Guía del agua",
        description="<p>Cómo organizar un comité del agua en el barrio.</p>",
    )

    assert "Cuidar la tierra" in search(client, "territorio")
    assert "Guía del agua" in search(client, "comité")


def test_each_result_says_what_the_page_is_about_in_whole_words(client, lesson):
    """A lesson by its first paragraph, a material by its description, a course
    by its summary, when no search description was written; long texts end at
    a word, with an ellipsis."""
    MaterialPageFactory(
        title="Guía de la milpa",
        description="<p>Cómo sembrar <strong>milpa</strong> &amp; cuidarla.</p>",
    )
    long = " ".join(["palabra"] * 40)
    CoursePageFactory(title="La milpa en la escuela", summary=f"Milpa. {long}")

    html = search(client, "milpa")

    assert "<p>La milpa es un sistema de cultivo que alimenta a la familia.</p>" in html
    assert "<p>Cómo sembrar milpa &amp; cuidarla.</p>" in html
    assert "<p>Milpa. " + " ".join(["palabra"] * 29) + " …</p>" in html
    assert "Introducción" not in html  # the heading is not the paragraph


def test_a_page_describes_itself_to_search_engines_and_link_previews(client, lesson):
    html = client.get(lesson.url).content.decode()

    assert (
        '<meta name="description" content="La milpa es un sistema de cultivo '
        'que alimenta a la familia.">' in html
    )


def test_search_ignores_drafts(client, lesson):
    LessonPageFactory(
        parent=lesson.get_parent(),
        title="Lección sin publicar",
        body=lesson_body("La milpa también aparece en el borrador."),
        live=False,
        publish=False,
    )

    html = search(client, "milpa")

    assert "Lección sin publicar" not in html
    assert "Sembrar en común" in html


def test_search_does_not_look_into_quiz_answers(client, lesson):
    LessonPageFactory(
        parent=lesson.get_parent(),
        title="Tomar acuerdos",
        quiz=sample_quiz(),  # its answers mention "presidente municipal"
    )

    assert "Tomar acuerdos" not in search(client, "presidente")


def test_nothing_found_gives_a_spanish_message(client, lesson):
    html = search(client, "zanahoria")

    assert "No encontramos nada para «zanahoria». Prueba con otras palabras." in html


def test_empty_query_shows_the_form_and_no_results(client, lesson):
    for query in ("", "   "):
        html = search(client, query)
        assert 'name="q"' in html
        assert "resultado" not in html
        assert "No encontramos nada" not in html
        assert "Sembrar en común" not in html

    assert client.get("/buscar/").status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "milpa " * 2000,
        "x" * 10_000,
        "'; DROP TABLE wagtailcore_page; --",
        '" OR 1=1 --',
        "milpa AND OR NOT (",
        "*",
        "\\",
        "<script>alert(1)</script>",
        "%",
        "ñ" * 300,
        '"',
        "milpa\x00",
    ],
)
def test_odd_queries_never_fail(client, lesson, query):
    html = search(client, query)

    assert "<script>alert(1)" not in html
    # The pages are still there afterwards.
    assert "Sembrar en común" in search(client, "milpa")


def test_result_pages_never_fail(client, lesson):
    for page in ("999", "abc", "-1"):
        response = client.get("/buscar/", {"q": "milpa", "pagina": page})
        assert response.status_code == 200
        assert "Sembrar en común" in response.content.decode()


def test_spanish_stemming_finds_the_singular_from_the_plural(client):
    course = CoursePageFactory(title="Economía que cuida")
    LessonPageFactory(
        parent=course,
        title="Trabajo en común",
        body=lesson_body("La cooperativa reparte el trabajo y las ganancias."),
    )

    html = search(client, "cooperativas")

    assert "Trabajo en común" in html


@pytest.mark.parametrize("query", ["asamblea", "asambleas", "Asambleas", "ASAMBLEA"])
def test_a_word_finds_its_singular_and_its_plural(client, query):
    """On SQLite as on PostgreSQL: the demo's "asamblea" and "asambleas" found
    20 and 6 pages on SQLite."""
    course = CoursePageFactory(title="Decidir juntos")
    LessonPageFactory(
        parent=course,
        title="Una sola",
        body=lesson_body("La asamblea del barrio se reúne el sábado."),
    )
    LessonPageFactory(
        parent=course,
        title="Varias",
        body=lesson_body("Las asambleas comunitarias deciden en común."),
    )

    html = search(client, query)

    assert "Una sola" in html and "Varias" in html


def test_forms_of_a_word_with_accents_are_found(client):
    course = CoursePageFactory(title="Aprender en común")
    LessonPageFactory(
        parent=course,
        title="Educar desde abajo",
        body=lesson_body("La educación popular nace en la comunidad."),
    )

    assert "Educar desde abajo" in search(client, "educacion")
    assert "Educar desde abajo" in search(client, "comunidades")
    assert "Educar desde abajo" not in search(client, "cooperativas")


def test_a_lesson_found_says_which_course_it_belongs_to(client, lesson):
    html = search(client, "milpa")

    found = html.split(f'<a href="{lesson.url}">')[0].rsplit("<li>", 1)[1]
    assert "Lección del curso «Cuidar la tierra»" in found


def test_results_name_their_courses_in_a_bounded_number_of_queries(client):
    from django.test.utils import CaptureQueriesContext

    def queries(lessons_per_course):
        for number in range(3):
            course = CoursePageFactory(title=f"Curso {lessons_per_course}-{number}")
            for _ in range(lessons_per_course):
                LessonPageFactory(
                    parent=course, body=lesson_body(f"Girasol {lessons_per_course}.")
                )
        with CaptureQueriesContext(connection) as captured:
            html = search(client, f"girasol {lessons_per_course}")
        assert f"Lección del curso «Curso {lessons_per_course}-2»" in html
        return len(captured)

    assert queries(1) == queries(3)
