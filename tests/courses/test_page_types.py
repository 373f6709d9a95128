"""Where each page type may live, in the models and in the admin."""

import pytest

from courses.factories import CoursePageFactory, LessonPageFactory
from courses.models import (
    CourseIndexPage,
    CoursePage,
    LessonPage,
    MaterialIndexPage,
    MaterialPage,
)

pytestmark = pytest.mark.django_db


def test_index_pages_exist_at_cursos_and_materiales(client):
    assert CourseIndexPage.objects.get().url == "/cursos/"
    assert MaterialIndexPage.objects.get().url == "/materiales/"
    assert client.get("/cursos/").status_code == 200
    assert client.get("/materiales/").status_code == 200


def test_a_course_only_goes_in_the_catalogue(home_page, course_index, material_index):
    course = CoursePageFactory()

    assert CoursePage.can_create_at(course_index)
    assert not CoursePage.can_create_at(home_page)
    assert not CoursePage.can_create_at(material_index)
    assert not CoursePage.can_create_at(course)
    assert not CoursePage.can_exist_under(home_page)


def test_a_lesson_only_goes_in_a_course(home_page, course_index, material_index):
    course = CoursePageFactory()
    lesson = LessonPageFactory(parent=course)

    assert LessonPage.can_create_at(course)
    assert LessonPage.can_exist_under(course)
    for parent in (course_index, home_page, material_index, lesson):
        assert not LessonPage.can_create_at(parent)
        assert not LessonPage.can_exist_under(parent)


def test_a_material_only_goes_in_the_library(home_page, course_index, material_index):
    assert MaterialPage.can_create_at(material_index)
    assert not MaterialPage.can_create_at(course_index)
    assert not MaterialPage.can_create_at(home_page)


def test_there_is_only_one_catalogue_and_one_library(home_page):
    assert not CourseIndexPage.can_create_at(home_page)
    assert not MaterialIndexPage.can_create_at(home_page)


def add_lesson_url(parent):
    return f"/admin/pages/add/courses/lessonpage/{parent.pk}/"


LESSON_FORM = {
    "title": "Lección suelta",
    "slug": "leccion-suelta",
    "estimated_minutes": "20",
    "pass_mark": "70",
    "max_attempts": "",
    "attempt_wait_minutes": "0",
    "body-count": "1",
    "body-0-type": "heading",
    "body-0-deleted": "",
    "body-0-order": "0",
    "body-0-id": "",
    "body-0-value": "Sin curso",
    "quiz-count": "0",
    "action-publish": "action-publish",
}


def assert_refused(response):
    """Wagtail's admin answers a refused action with 403 or a redirect home."""
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"] == "/admin/"


@pytest.mark.parametrize("parent_fixture", ["course_index", "home_page"])
def test_admin_refuses_a_lesson_outside_a_course(
    request, client, superuser, parent_fixture
):
    parent = request.getfixturevalue(parent_fixture)
    client.force_login(superuser)  # even a superuser: it is a type rule

    response = client.get(add_lesson_url(parent))
    assert_refused(response)
    response = client.post(add_lesson_url(parent), LESSON_FORM)

    assert_refused(response)
    assert not LessonPage.objects.filter(slug="leccion-suelta").exists()


def test_admin_offers_only_lessons_under_a_course(client, superuser):
    course = CoursePageFactory()
    client.force_login(superuser)

    response = client.get(f"/admin/pages/{course.pk}/add_subpage/")

    # A single allowed type goes straight to its form.
    assert response.status_code == 302
    assert response["Location"] == add_lesson_url(course)


def test_admin_offers_only_courses_in_the_catalogue(client, superuser, course_index):
    client.force_login(superuser)

    response = client.get(f"/admin/pages/{course_index.pk}/add_subpage/")

    assert response.status_code == 302
    assert response["Location"] == (
        f"/admin/pages/add/courses/coursepage/{course_index.pk}/"
    )
