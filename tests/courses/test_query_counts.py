"""The public pages make the same number of queries with 5 or 200 courses.

Each page is requested once to warm caches (site root, renditions), then counted
with the same bound for both data sets: the count the page needs with 5 courses.
If a page's count grows with the number of courses, lessons or tags, the
200-course case fails.
"""

import pytest
from django.db import transaction
from wagtail.signal_handlers import disable_reference_index_auto_update

from courses.factories import (
    CoursePageFactory,
    DocumentFactory,
    ImageFactory,
    LessonPageFactory,
    MaterialPageFactory,
    lesson_body,
    sample_quiz,
)
from courses.models import Axis
from courses.models.materials import MaterialKind

TOPICS = ["asamblea", "cooperativa", "milpa", "agua", "mujeres", "juventudes"]
LEVELS = ["basico", "intermedio", "avanzado"]

CATALOGUE_QUERIES = 14
FILTERED_CATALOGUE_QUERIES = 15
COURSE_PAGE_QUERIES = 22  # logged in: session, user, permissions, own progress
LESSON_PAGE_QUERIES = 15
SIGNED_IN_LESSON_PAGE_QUERIES = 5  # user, enrolment, completions, attempts, image
MATERIAL_LIBRARY_QUERIES = 14
MATERIAL_PAGE_QUERIES = 14


def build_library(size):
    """``size`` courses (some with a lesson) and materials, plus a target course whose
    lessons, topics and prerequisites also grow with ``size``."""
    axes = list(Axis.objects.ordered())
    cover = ImageFactory()
    document = DocumentFactory()
    kinds = [value for value, _label in MaterialKind.choices]
    large = size > 10
    # Bulk pages are created live without revisions, to keep the set-up fast.
    courses = [
        CoursePageFactory(
            primary_axis=axes[n % len(axes)],
            level=LEVELS[n % len(LEVELS)],
            cover_image=cover,
            tags=TOPICS[n % 3 : n % 3 + 3],
            publish=False,
        )
        for n in range(size)
    ]
    for course in courses[:30]:  # enough for every card of the first pages
        LessonPageFactory(parent=course, publish=False)
    target = CoursePageFactory(
        title="Economía solidaria en la colonia",
        primary_axis=axes[3],
        cover_image=cover,
        tags=[f"tema {n}" for n in range(12 if large else 2)],
        prerequisites=courses[: 8 if large else 1],
        facilitator_notes="<p>Formen equipos de tres.</p>",
    )
    body = [
        *lesson_body("La cooperativa se sostiene con trabajo común."),
        {"type": "image", "value": {"image": cover.pk, "alt_text": "", "caption": ""}},
    ]
    lessons = [
        LessonPageFactory(parent=target, body=body, quiz=sample_quiz(), publish=False)
        for _ in range(20 if large else 3)
    ]
    materials = [
        MaterialPageFactory(
            kind=kinds[n % len(kinds)],
            axis=axes[n % len(axes)],
            document=document,
            cover_image=cover,
            tags=TOPICS[n % 3 : n % 3 + 2],
            publish=False,
        )
        for n in range(size)
    ]
    return {"course": target, "lesson": lessons[1], "material": materials[-1]}


@pytest.fixture(scope="module", params=[5, 200], ids=["5-courses", "200-courses"])
def library(request, django_db_setup, django_db_blocker):
    """Built once per size for the whole module, and rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        with disable_reference_index_auto_update():
            data = build_library(request.param)
        yield data
        transaction.set_rollback(True)


@pytest.fixture
def count_queries(client, db, django_assert_max_num_queries):
    def count(url, bound):
        assert client.get(url).status_code == 200  # warm-up
        with django_assert_max_num_queries(bound):
            response = client.get(url)
        assert response.status_code == 200
        return response.content.decode()

    return count


def test_catalogue(library, count_queries):
    html = count_queries("/cursos/", CATALOGUE_QUERIES)

    assert 'class="card__image"' in html
    assert "Página 1 de" in html or "1 lección" in html


def test_filtered_catalogue(library, count_queries):
    count_queries(
        "/cursos/?eje=auditoria-social&nivel=intermedio&tema=cooperativa&pagina=2",
        FILTERED_CATALOGUE_QUERIES,
    )


def test_course_page(library, client, editor, count_queries):
    client.force_login(editor)  # facilitator notes are rendered too
    html = count_queries(library["course"].url, COURSE_PAGE_QUERIES)

    assert "Formen equipos de tres." in html


def test_lesson_page(library, count_queries):
    html = count_queries(library["lesson"].url, LESSON_PAGE_QUERIES)

    assert "La cooperativa se sostiene" in html


def test_material_library(library, count_queries):
    html = count_queries("/materiales/", MATERIAL_LIBRARY_QUERIES)

    assert "Descargar" in html


def test_material_page(library, count_queries):
    html = count_queries(library["material"].url, MATERIAL_PAGE_QUERIES)

    assert "Descargar" in html


def test_signed_in_lesson_page(library, client, make_user, count_queries):
    """A member's lesson with a quiz: their progress, and one query for their
    attempts (the order of their choices and what the attempt policy allows)."""
    client.force_login(make_user("lucia"))

    html = count_queries(library["lesson"].url, SIGNED_IN_LESSON_PAGE_QUERIES)

    assert 'class="quiz__form"' in html
