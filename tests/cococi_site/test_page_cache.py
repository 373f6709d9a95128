"""Public pages from the shared cache for anonymous visitors: served without a
query, with the headers they were built with; purged by any publish or change
to what they show; never read or written for someone signed in."""

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cococi_site.page_cache import HEADER
from courses.factories import DocumentFactory, ImageFactory, MaterialPageFactory
from courses.models import Axis, CoursePage, LessonPage
from tests.courses import learning_fixtures
from tests.courses.learning_fixtures import lessons_of, signed_in, text_of

pytestmark = pytest.mark.django_db

course = learning_fixtures.course  # a published course of three lessons


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def visit(url, client=None):
    """A GET by a new anonymous visitor (no cookies), unless ``client``."""
    return (client or Client()).get(url)


def served_from_cache(url):
    with CaptureQueriesContext(connection) as queries:
        response = visit(url)
    assert response.status_code == 200
    return response, len(queries)


def test_a_second_anonymous_visit_is_served_from_the_cache_without_a_query(course):
    lesson = lessons_of(course)[0]
    first = visit(lesson.url)

    second, queries = served_from_cache(lesson.url)

    assert first[HEADER] == "miss"
    assert second[HEADER] == "hit"
    assert queries == 0
    assert second.content == first.content
    assert lesson.title in text_of(second)


def test_a_cached_page_keeps_its_content_security_policy_and_style_hash(course):
    first = visit(course.url)
    second = visit(course.url)

    assert second[HEADER] == "hit"
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    # The axis colour is an inline style allowed by its hash, not 'unsafe-inline'.
    assert "'sha256-" in second["Content-Security-Policy"]
    assert "unsafe-inline" not in second["Content-Security-Policy"]
    assert second["Content-Type"] == first["Content-Type"]


def test_a_new_release_never_serves_the_pages_the_last_one_cached(course, monkeypatch):
    """After a deploy, a cached page would name the old stylesheet and hold the
    old templates and translations: the release is part of every key."""
    from cococi_site import content

    visit(course.url)
    assert visit(course.url)[HEADER] == "hit"

    monkeypatch.setattr(content, "release", lambda: "next-release")
    assert visit(course.url)[HEADER] == "miss"
    assert visit(course.url)[HEADER] == "hit"


def test_the_release_changes_with_a_template(settings, tmp_path):
    from cococi_site import content

    (tmp_path / "templates").mkdir()
    template = tmp_path / "templates" / "page.html"
    template.write_text("<h1>Antes</h1>")
    settings.BASE_DIR = tmp_path
    settings.STATIC_ROOT = tmp_path / "staticfiles"
    content.release.cache_clear()
    try:
        before = content.release()
        content.release.cache_clear()
        assert content.release() == before
        template.write_text("<h1>Después</h1>")
        content.release.cache_clear()
        assert content.release() != before
    finally:
        content.release.cache_clear()


def test_a_registration_leaves_the_cached_pages_in_place(course):
    from tests.members.test_registration import URL, form_data

    visit(course.url)
    registering = Client()
    assert registering.post(URL, form_data()).status_code == 302

    assert visit(course.url)[HEADER] == "hit"


def test_publishing_a_change_purges_the_cached_page_at_once(course):
    lesson = lessons_of(course)[0]
    visit(lesson.url)
    assert visit(lesson.url)[HEADER] == "hit"

    lesson = LessonPage.objects.get(pk=lesson.pk)
    lesson.title = "La asamblea decide, versión corregida"
    lesson.save_revision().publish()

    response = visit(lesson.url)
    assert response[HEADER] == "miss"
    assert "versión corregida" in text_of(response)
    # The course page lists the lesson: it is purged too.
    assert "versión corregida" in text_of(visit(course.url))


def test_a_draft_is_not_shown_but_its_publish_is(course):
    visit(course.url)
    page = CoursePage.objects.get(pk=course.pk)
    page.title = "Título en borrador"
    page.save_revision()  # a draft: the public page does not change

    assert "Título en borrador" not in text_of(visit(course.url))

    page.get_latest_revision().publish()
    assert "Título en borrador" in text_of(visit(course.url))


def test_unpublishing_a_page_answers_not_found_at_once(course):
    lesson = lessons_of(course)[1]
    visit(lesson.url)
    assert visit(lesson.url)[HEADER] == "hit"

    LessonPage.objects.get(pk=lesson.pk).unpublish()

    assert visit(lesson.url).status_code == 404


def test_moving_a_page_to_another_slug_moves_its_address_at_once(course):
    lesson = lessons_of(course)[0]
    old_url = lesson.url
    visit(old_url)

    lesson = LessonPage.objects.get(pk=lesson.pk)
    lesson.slug = "direccion-nueva"
    lesson.save_revision().publish()

    assert visit(old_url).status_code == 404
    assert visit(course.url + "direccion-nueva/").status_code == 200


def test_changing_an_axis_snippet_purges_the_pages_that_show_it(course):
    catalogue = course.get_parent().url
    visit(catalogue)
    visit(course.url)
    assert visit(catalogue)[HEADER] == "hit"

    axis = Axis.objects.get(pk=course.primary_axis_id)
    axis.name = "Democracia participativa y asamblearia"
    axis.save()

    assert "asamblearia" in text_of(visit(catalogue))
    assert "asamblearia" in text_of(visit(course.url))


def test_replacing_an_image_purges_the_pages_that_show_it(course, media_root):
    cover = ImageFactory(title="Asamblea en la plaza")
    page = CoursePage.objects.get(pk=course.pk)
    page.cover_image = cover
    page.save_revision().publish()
    before = visit(course.url).content.decode()
    assert visit(course.url)[HEADER] == "hit"

    # As the admin's image form does when a new file is uploaded.
    cover.file.save("asamblea-nueva.png", ImageFactory.build().file, save=False)
    cover._set_image_file_metadata()
    cover.save()
    cover.renditions.all().delete()

    # Stored names begin with their random part, which renditions carry.
    token, stored = Path(cover.file.name).stem.split("-", 1)
    assert stored == "asamblea-nueva"
    after = visit(course.url)
    assert after[HEADER] == "miss"
    assert f"/media/images/{token}-" not in before
    assert f"/media/images/{token}-" in after.content.decode()


def test_replacing_a_document_purges_the_material_page(media_root):
    material = MaterialPageFactory(title="Guía para convocar una asamblea")
    before = visit(material.url).content.decode()
    assert visit(material.url)[HEADER] == "hit"

    document = DocumentFactory._meta.model.objects.get(pk=material.document_id)
    document.file.save(
        "guia-larga.pdf", ContentFile(b"%PDF-1.4\n" + b"x" * 5000), save=False
    )
    document.save()

    after = visit(material.url)
    assert after[HEADER] == "miss"
    assert "guia-larga" not in before
    assert "guia-larga" in after.content.decode()


def test_a_signed_in_member_never_gets_the_cached_anonymous_page(course, make_user):
    lesson = lessons_of(course)[0]
    visit(lesson.url)
    assert visit(lesson.url)[HEADER] == "hit"
    lucia = make_user("lucia", first_name="Lucía")

    response = signed_in(lucia).get(lesson.url)

    assert HEADER not in response
    text = text_of(response)
    assert "Salir" in text
    assert "Entrar" not in text


def test_a_signed_in_members_page_is_never_served_to_anyone_else(course, make_user):
    course_page = course.url
    lucia = signed_in(make_user("lucia", first_name="Lucía"))
    lucia.post(course_page + "inscribirme/")
    first = lucia.get(course_page)
    assert HEADER not in first

    pedro = signed_in(make_user("pedro", first_name="Pedro"))
    for_pedro = pedro.get(course_page)
    for_a_visitor = visit(course_page)

    assert HEADER not in for_pedro
    assert for_pedro.content != first.content
    assert for_a_visitor[HEADER] == "miss"  # Lucía's page was never stored
    assert "Salir" not in text_of(for_a_visitor)
    assert lucia.cookies["sessionid"].value.encode() not in for_a_visitor.content


def test_a_visitor_with_a_stale_session_cookie_is_not_served_from_the_cache(course):
    visit(course.url)
    client = Client()
    client.cookies["sessionid"] = "caducada"

    response = client.get(course.url)

    assert response.status_code == 200
    assert HEADER not in response


def test_each_language_is_cached_apart(course, settings):
    visit(course.url)
    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    first = english.get(course.url)
    second = english.get(course.url)

    assert first[HEADER] == "miss"
    assert second[HEADER] == "hit"
    assert "Sign in" in text_of(second)
    assert "Entrar" in text_of(visit(course.url))


def test_pages_that_are_not_wagtail_pages_are_never_cached(course):
    for url in ["/buscar/?q=asamblea", "/cuenta/entrar/", "/salud/"]:
        visit(url)
        assert HEADER not in visit(url), url


def test_a_page_with_a_csrf_token_is_never_cached(course, make_user):
    # A council's join form holds a token for signed-in people only; the
    # sign-in page always does.
    response = visit("/cuenta/entrar/")
    assert "csrfmiddlewaretoken" in response.content.decode()
    assert HEADER not in visit("/cuenta/entrar/")


def test_a_wagtail_page_that_read_a_csrf_token_is_not_stored(course, rf):
    """Whatever the middleware order, a page whose rendering used a CSRF token
    (Django's ``get_token``) holds that visitor's token: never shared."""
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse
    from django.middleware.csrf import get_token
    from django.urls import resolve

    from cococi_site.page_cache import _storable

    def anonymous_request():
        request = rf.get(course.url)
        request.resolver_match = resolve(course.url)
        request.user = AnonymousUser()
        return request

    plain, with_token = anonymous_request(), anonymous_request()
    get_token(with_token)

    assert _storable(plain, HttpResponse("página"))
    assert not _storable(with_token, HttpResponse("página con formulario"))


@pytest.mark.parametrize(
    "address",
    [
        "/cursos/?utm_source=whatsapp",  # a parameter no listing reads
        "/cursos/?eje=x&eje=y",  # a filter twice
        "/cursos/?tema=no-existe",  # a topic that is not there
        "/cursos/?pagina=999",  # past the end: the last page, shown
        "/consejos/?pagina=2",  # a page that reads no parameter
        "/cursos/?nivel=basico&pagina=1&x=1",  # one more than it reads
    ],
)
def test_made_up_addresses_are_answered_but_never_fill_the_cache(course, address):
    """Anyone can write addresses without end: only those the site links to
    are kept, or one client could fill Redis with copies of a page."""
    first = visit(address)
    second = visit(address)

    assert first.status_code == second.status_code == 200
    assert HEADER not in first and HEADER not in second


def test_another_port_or_name_that_reaches_the_site_is_not_kept(course):
    """Django accepts any port of an allowed host: the cache keeps pages asked
    on SITE_URL's own host only."""
    for host in ("testserver:8123", "127.0.0.1"):
        response = Client().get(course.url, HTTP_HOST=host)

        assert response.status_code == 200
        assert HEADER not in response


def test_a_listing_with_its_own_filters_is_kept(course):
    axis = Axis.objects.ordered().first()
    address = f"/cursos/?eje={axis.slug}&pagina=1"
    visit(address)

    assert visit(address)[HEADER] == "hit"
