"""The public API (/api/v2/pages/): published courses, lessons and materials,
public fields only, never quiz answers."""

import json

import pytest

from courses.factories import (
    CoursePageFactory,
    LessonPageFactory,
    MaterialPageFactory,
    quiz_question,
)
from courses.models import Axis

pytestmark = pytest.mark.django_db

FEEDBACK = "Exacto: la asamblea es la máxima autoridad."
QUIZ = [
    quiz_question(
        "¿Cuál es la máxima autoridad del consejo?",
        [
            ("La asamblea", True, FEEDBACK),
            ("La mesa directiva", False, "No: la mesa solo coordina."),
        ],
    )
]


def api(client, query):
    response = client.get(f"/api/v2/pages/{query}")
    assert response.status_code == 200, response.content
    return response


@pytest.fixture
def course(db):
    course = CoursePageFactory(
        title="Asambleas que deciden",
        primary_axis=Axis.objects.get(number=1),
        level="intermedio",
        summary="Cómo preparar y conducir una asamblea.",
        tags=["asamblea"],
        facilitator_notes="<p>Notas privadas para quien facilita.</p>",
    )
    CoursePageFactory(title="Curso en borrador", live=False, publish=False)
    LessonPageFactory(
        parent=course,
        title="La máxima autoridad",
        quiz=QUIZ,
        facilitator_notes="<p>Notas de la lección para quien facilita.</p>",
    )
    LessonPageFactory(
        parent=course, title="Lección en borrador", live=False, publish=False
    )
    return course


def test_api_lists_published_courses_with_public_fields(client, course):
    data = api(client, "?type=courses.CoursePage&fields=*").json()

    assert data["meta"]["total_count"] == 1
    (item,) = data["items"]
    assert item["title"] == "Asambleas que deciden"
    assert item["primary_axis_info"] == {
        "number": 1,
        "name": "Democracia participativa y directa",
        "slug": "democracia-participativa",
    }
    assert item["level"] == "intermedio"
    assert item["summary"] == "Cómo preparar y conducir una asamblea."
    assert item["tag_names"] == ["asamblea"]
    assert "facilitator_notes" not in item


def test_api_never_shows_facilitator_notes(client, course):
    response = api(client, f"{course.pk}/?fields=*")

    assert "Notas privadas" not in response.content.decode()
    assert (
        client.get(f"/api/v2/pages/{course.pk}/?fields=facilitator_notes").status_code
        == 400
    )


def test_api_does_not_list_drafts(client, course):
    body = api(client, "?fields=*").content.decode()

    assert "Curso en borrador" not in body
    assert "Lección en borrador" not in body


def test_api_lessons_never_contain_quiz_answers(client, course):
    response = api(client, "?type=courses.LessonPage&fields=*")

    data = response.json()
    (item,) = data["items"]
    assert item["title"] == "La máxima autoridad"
    assert item["quiz_size"] == 1
    assert "quiz" not in item
    assert item["body"]
    text = json.dumps(data, ensure_ascii=False)
    assert "correct" not in text
    assert FEEDBACK not in text
    assert "La mesa directiva" not in text


def test_api_refuses_to_show_the_quiz_even_when_asked(client, course):
    lesson = course.get_children().live().first()

    for url in (
        "/api/v2/pages/?type=courses.LessonPage&fields=quiz",
        f"/api/v2/pages/{lesson.pk}/?fields=quiz",
    ):
        response = client.get(url)
        assert response.status_code == 400, url
        assert FEEDBACK not in response.content.decode()

    detail = api(client, f"{lesson.pk}/").content.decode()
    assert FEEDBACK not in detail
    assert '"correct"' not in detail


def test_api_lists_materials(client):
    MaterialPageFactory(title="Guía del agua", kind="guia")

    data = api(client, "?type=courses.MaterialPage&fields=*").json()

    (item,) = data["items"]
    assert item["kind"] == "guia"
    assert item["axis_info"]["number"] == 1
    assert item["download_url"]


def test_api_unknown_type_is_a_clear_400(client):
    response = client.get("/api/v2/pages/?type=courses.NoExiste")

    assert response.status_code == 400


def test_api_has_no_images_or_documents_endpoints(client):
    assert client.get("/api/v2/images/").status_code == 404
    assert client.get("/api/v2/documents/").status_code == 404


def test_api_never_shows_a_lessons_facilitator_notes(client, course):
    lesson = course.get_children().get(title="La máxima autoridad")
    response = api(client, f"{lesson.pk}/?fields=*")

    assert "Notas de la lección" not in response.content.decode()
    assert (
        client.get(f"/api/v2/pages/{lesson.pk}/?fields=facilitator_notes").status_code
        == 400
    )
