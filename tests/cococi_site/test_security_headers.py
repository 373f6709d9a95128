"""Security headers: a Content-Security-Policy without 'unsafe-inline' on the
public site, the axis colours' inline style allowed by its exact hash, and the
Wagtail admin left to its own headers."""

import base64
import hashlib
import re

import pytest

from courses.models import Axis
from tests.courses import learning_fixtures
from tests.courses.learning_fixtures import lessons_of

pytestmark = pytest.mark.django_db

course = learning_fixtures.course  # a published course of three lessons

CSP = "Content-Security-Policy"


def directives(response):
    policy = response[CSP]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part)
    }


def inline_style_hash(html):
    css = re.search(r"<style>(.*?)</style>", html, re.S)[1]
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    return f"'sha256-{digest}'"


def test_the_home_page_allows_only_this_origin_and_nothing_inline(client):
    response = client.get("/")

    policy = directives(response)
    assert "'unsafe-inline'" not in response[CSP]
    assert "'unsafe-eval'" not in response[CSP]
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"]


def test_a_lesson_s_inline_axis_style_is_allowed_by_its_exact_hash(client, course):
    lesson = lessons_of(course)[0]

    response = client.get(lesson.url)

    html = response.content.decode()
    assert response.status_code == 200
    assert directives(response)["style-src"] == ["'self'", inline_style_hash(html)]
    assert "style=" not in html  # no inline style attributes either


def test_a_changed_axis_colour_changes_the_hash(client, course):
    url = lessons_of(course)[0].url
    before = directives(client.get(url))["style-src"]
    axis = Axis.objects.get(number=1)
    axis.colour = "#123456"
    axis.save()

    response = client.get(url)

    assert directives(response)["style-src"] != before
    assert inline_style_hash(response.content.decode()) in response[CSP]


def test_the_admin_keeps_its_own_headers(client, superuser):
    client.force_login(superuser)

    response = client.get("/admin/")

    assert response.status_code == 200
    assert CSP not in response


@pytest.mark.parametrize(
    "url", ["/mi-formacion/", "/cuenta/mis-datos/", "/cursos/", "/"]
)
def test_what_a_signed_in_person_is_answered_is_never_stored(client, make_user, url):
    """Their progress and data (a phone is often shared): kept neither by a
    shared cache nor by the browser."""
    client.force_login(make_user("lucia", first_name="Lucía"))

    response = client.get(url)

    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


def test_a_personal_export_is_never_stored(client, make_user):
    client.force_login(make_user("lucia", first_name="Lucía"))

    response = client.post("/cuenta/mis-datos/exportar/")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_public_pages_for_visitors_are_not_marked_private(client):
    response = client.get("/cursos/")

    assert response.status_code == 200
    assert "private" not in response.get("Cache-Control", "")
