"""Serving a page from the content memo (``home.routing``): a member sees an
edit as soon as it is published, each request has a page of its own, and a
page served again costs no query of its own."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from home import routing
from tests.courses import learning_fixtures
from tests.courses.learning_fixtures import lessons_of, text_of

pytestmark = pytest.mark.django_db

course = learning_fixtures.course  # a published course of three lessons
member = learning_fixtures.member
member_client = learning_fixtures.member_client


def test_a_member_sees_a_published_edit_at_once(member_client, course):
    lesson = lessons_of(course)[0]
    assert lesson.title in text_of(member_client.get(lesson.url))

    lesson.title = "Cómo tomar acuerdos en asamblea"
    lesson.save_revision().publish()

    response = member_client.get(lesson.url)
    assert "Cómo tomar acuerdos en asamblea" in text_of(response)


def test_an_unpublished_lesson_is_gone_at_once(member_client, course):
    lesson = lessons_of(course)[0]
    assert member_client.get(lesson.url).status_code == 200

    lesson.unpublish()

    assert member_client.get(lesson.url).status_code == 404


def test_each_request_has_a_page_of_its_own(course):
    lesson = lessons_of(course)[0]
    pages = []
    for _ in range(2):
        request = RequestFactory().get(lesson.url)
        routing.route(request, lesson.url)
        page = request._wagtail_route_for_request[0]
        page.set_by_this_request = True
        pages.append(page)
    first, second = pages

    assert first.pk == second.pk == lesson.pk
    assert first is not second
    assert first._state is not second._state


def test_a_page_served_again_is_not_read_again(member_client, course):
    lesson = lessons_of(course)[0]
    member_client.get(lesson.url)

    with CaptureQueriesContext(connection) as queries:
        response = member_client.get(lesson.url)

    assert response.status_code == 200
    tables = " ".join(query["sql"] for query in queries.captured_queries)
    assert "courses_lessonpage" not in tables
    assert "wagtailcore_site" not in tables
