"""What search engines are told: /robots.txt and /sitemap.xml (public pages
only, at their absolute address on the site, with the date last published)."""

import re

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction, Site

from cococi_site import content
from courses.factories import CoursePageFactory, LessonPageFactory

pytestmark = pytest.mark.django_db

HOST = "formacion.cococi.example"


@pytest.fixture
def site(settings):
    """The Wagtail site answering for the public address (what SITE_URL sets)."""
    settings.WAGTAILADMIN_BASE_URL = f"https://{HOST}"
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port = HOST, 443
    site.save()
    return site


@pytest.fixture
def courses(site):
    public = CoursePageFactory(title="Asambleas que deciden")
    LessonPageFactory(parent=public, title="La máxima autoridad")
    restricted = CoursePageFactory(title="Solo para integrantes")
    LessonPageFactory(parent=restricted, title="Lección de integrantes")
    PageViewRestriction.objects.create(
        page=restricted, restriction_type=PageViewRestriction.LOGIN
    )
    in_review = CoursePageFactory(title="Curso en revisión", live=False, publish=False)
    # Published by an editor, but its course is not public yet.
    LessonPageFactory(parent=in_review, title="Lección adelantada")
    return public


def sitemap(client):
    response = client.get("/sitemap.xml", HTTP_HOST=HOST, secure=True)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return response.content.decode()


def locations(xml):
    return re.findall(r"<loc>([^<]+)</loc>", xml)


def test_sitemap_lists_public_pages_at_their_absolute_address(client, courses):
    xml = sitemap(client)

    found = locations(xml)
    assert found[:4] == [
        f"https://{HOST}/",
        f"https://{HOST}/cursos/",
        f"https://{HOST}/cursos/asambleas-que-deciden/",
        f"https://{HOST}/cursos/asambleas-que-deciden/la-maxima-autoridad/",
    ]
    assert f"https://{HOST}/consejos/oaxaca/" in found
    assert all(url.startswith(f"https://{HOST}/") for url in found)
    courses.refresh_from_db()
    published = timezone.localdate(courses.last_published_at).isoformat()
    assert f"<lastmod>{published}</lastmod>" in xml


def test_sitemap_never_lists_a_restricted_page_nor_a_course_in_review(client, courses):
    xml = sitemap(client)

    assert "solo-para-integrantes" not in xml
    assert "leccion-de-integrantes" not in xml
    assert "curso-en-revision" not in xml
    assert "leccion-adelantada" not in xml


def test_sitemap_costs_the_same_queries_whatever_the_number_of_pages(client, courses):
    sitemap(client)  # Wagtail keeps the sites' root paths in the cache
    content.forget()
    with CaptureQueriesContext(connection) as few:
        before = len(locations(sitemap(client)))
    for number in range(5):
        lesson_parent = CoursePageFactory(title=f"Otro curso {number}")
        LessonPageFactory(parent=lesson_parent, title=f"Otra lección {number}")

    with CaptureQueriesContext(connection) as many:
        xml = sitemap(client)

    assert len(locations(xml)) == before + 10
    assert len(many) == len(few) <= 5


def test_sitemap_is_kept_until_the_content_changes(
    client, courses, django_assert_num_queries
):
    sitemap(client)
    with django_assert_num_queries(0):
        sitemap(client)

    LessonPageFactory(parent=courses, title="Una lección nueva")

    assert f"https://{HOST}/cursos/asambleas-que-deciden/una-leccion-nueva/" in (
        sitemap(client)
    )


@override_settings(WAGTAILADMIN_BASE_URL="https://formacion.cococi.example")
def test_robots_txt_points_to_the_sitemap_and_keeps_out_what_is_personal(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert "Sitemap: https://formacion.cococi.example/sitemap.xml" in text
    disallowed = re.findall(r"^Disallow: (\S+)$", text, re.MULTILINE)
    for path in ("/admin/", "/cuenta/", "/mi-formacion/", "/constancias/"):
        assert path in disallowed
    for path in ("/calendario/", "/baja/", "/api/"):
        assert path in disallowed
    # The form to type a code stays findable; each verification does not.
    assert "Allow: /constancias/$" in text


def test_sitemap_addresses_keep_https_on_another_port(client, courses, settings):
    """Wagtail's Site record says http for any port but 443; the sitemap
    follows SITE_URL itself (here a server on port 8443)."""
    settings.WAGTAILADMIN_BASE_URL = f"https://{HOST}:8443"

    found = locations(sitemap(client))

    assert found and all(url.startswith(f"https://{HOST}:8443/") for url in found)
