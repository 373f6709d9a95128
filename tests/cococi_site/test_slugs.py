"""Page addresses in plain letters: they travel by WhatsApp and SMS, where an
accent becomes ``%C3%B3`` and a link breaks in two."""

import pytest

from courses.factories import CoursePageFactory, LessonPageFactory
from courses.models import LessonPage
from tests.courses.test_page_types import LESSON_FORM, add_lesson_url

pytestmark = pytest.mark.django_db


def test_a_slug_typed_with_accents_is_kept_in_plain_letters(client, superuser):
    course = CoursePageFactory()
    client.force_login(superuser)

    response = client.post(
        add_lesson_url(course),
        {
            **LESSON_FORM,
            "title": "Organización de las compañeras",
            "slug": "organización-de-las-compañeras",
        },
    )

    assert response.status_code == 302
    lesson = LessonPage.objects.get(title="Organización de las compañeras")
    assert lesson.slug == "organizacion-de-las-companeras"
    assert lesson.url.endswith("/organizacion-de-las-companeras/")
    assert client.get(lesson.url).status_code == 200


def test_a_page_made_without_a_slug_takes_plain_letters_from_its_title():
    lesson = LessonPageFactory(
        parent=CoursePageFactory(), title="Acción y participación", slug=""
    )

    assert lesson.slug == "accion-y-participacion"


def test_a_plain_slug_that_a_sibling_already_has_is_refused():
    course = CoursePageFactory()
    LessonPageFactory(parent=course, slug="accion")

    with pytest.raises(Exception) as refused:
        LessonPageFactory(parent=course, slug="acción")

    assert "slug" in str(refused.value)
    assert course.get_children().count() == 1


def test_the_admin_makes_plain_slugs_as_the_title_is_typed(client, superuser):
    course = CoursePageFactory()
    client.force_login(superuser)

    html = client.get(add_lesson_url(course)).content.decode()

    # The slug field's script makes plain letters unless told otherwise; with
    # the setting off, Django leaves that attribute out.
    assert 'data-controller="w-slug"' in html
    assert "data-w-slug-allow-unicode-value" not in html
