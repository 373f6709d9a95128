"""A repeat visit costs a phone a few hundred bytes, not the page again: pages
carry an ETag and ask the browser to revalidate, and a page the browser already
holds is answered 304 Not Modified (from the page cache without a query, for an
anonymous visitor). A member's course and lessons too; what holds her personal
data, or other people's, is still never kept by her browser."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cococi_site import cache as resilient
from cococi_site import content
from cococi_site.page_cache import HEADER
from courses import services
from courses.models import LessonPage
from tests.courses import learning_fixtures
from tests.courses.learning_fixtures import lessons_of, signed_in, text_of

pytestmark = pytest.mark.django_db

course = learning_fixtures.course  # a published course of three lessons


def again(url, etag, client=None):
    """A visit by a browser that holds the page with ``etag``."""
    return (client or Client()).get(url, HTTP_IF_NONE_MATCH=etag)


def directives(response):
    return {d.strip() for d in response.get("Cache-Control", "").split(",") if d}


def test_an_anonymous_repeat_visit_is_a_304_from_the_page_cache_without_a_query(
    course,
):
    lesson = lessons_of(course)[0]
    first = Client().get(lesson.url)
    assert first[HEADER] == "miss"

    with CaptureQueriesContext(connection) as queries:
        response = again(lesson.url, first["ETag"])

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == first["ETag"]
    assert len(queries) == 0


def test_anonymous_pages_are_revalidated_and_vary_by_cookie_only(course):
    for url in ("/", "/cursos/", course.url, lessons_of(course)[0].url):
        response = Client().get(url)

        assert response.status_code == 200
        assert directives(response) == {"no-cache"}, url
        assert response["ETag"].startswith('"'), url
        # The language follows its cookie, never the browser's languages.
        assert response["Vary"] == "Cookie", url


def test_a_weak_etag_from_a_compressing_proxy_still_matches(course):
    """nginx's gzip turns a strong ETag into a weak one (W/"…")."""
    etag = Client().get(course.url)["ETag"]

    assert again(course.url, f"W/{etag}").status_code == 304
    assert again(course.url, f'"otra", W/{etag}').status_code == 304


def test_a_stale_etag_gets_the_whole_page(course):
    response = again(course.url, '"de-otra-version"')

    assert response.status_code == 200
    assert course.title in text_of(response)


def test_a_published_change_gives_a_new_etag_and_the_new_page(course):
    lesson = lessons_of(course)[0]
    before = Client().get(lesson.url)["ETag"]

    lesson = LessonPage.objects.get(pk=lesson.pk)
    lesson.title = "La asamblea decide, versión corregida"
    lesson.save_revision().publish()
    response = again(lesson.url, before)

    assert response.status_code == 200
    assert response["ETag"] != before
    assert "versión corregida" in text_of(response)
    assert again(lesson.url, response["ETag"]).status_code == 304


def test_a_304_built_on_a_miss_still_stores_the_page_for_the_next_visitor(course):
    etag = Client().get(course.url)["ETag"]
    content.forget()  # as after an expiry: the next request builds the page

    response = again(course.url, etag)

    assert response.status_code == 304
    assert Client().get(course.url)[HEADER] == "hit"


def test_other_anonymous_answers_the_same_for_everyone_are_304_too(course):
    url = "/api/v2/pages/?type=courses.CoursePage"
    first = Client().get(url)
    assert first.status_code == 200
    assert HEADER not in first  # not a page the page cache keeps

    assert again(url, first["ETag"]).status_code == 304


def test_answers_other_than_the_sites_pages_are_kept_by_no_shared_cache(course):
    """A constancia's verification names a person, a form sets a cookie:
    only the site's own pages may be kept by a shared cache."""
    for url in ("/cuenta/registro/", "/constancias/?codigo=X", "/buscar/?q=a"):
        response = Client().get(url)

        assert directives(response) == {"private", "no-cache"}, url
    assert directives(Client().get(course.url)) == {"no-cache"}


def test_an_anonymous_page_with_a_form_is_a_304_too(course):
    """Its CSRF token is masked anew each time: the ETag leaves it out, and
    keeps the browser's CSRF secret in, for the tokens it holds to work."""
    client = Client()
    first = client.get("/cuenta/registro/")
    assert b"csrfmiddlewaretoken" in first.content

    assert again("/cuenta/registro/", first["ETag"], client).status_code == 304
    # Another browser (another CSRF secret) gets the page whole.
    assert again("/cuenta/registro/", first["ETag"]).status_code == 200


@pytest.fixture
def lucia(make_user):
    return make_user("lucia", first_name="Lucía")


def test_a_members_course_and_lessons_are_private_and_revalidated(course, lucia):
    client = signed_in(lucia)
    for url in (course.url, lessons_of(course)[0].url):
        first = client.get(url)

        assert first.status_code == 200
        assert directives(first) == {"private", "no-cache"}, url
        assert HEADER not in first
        # Her next visit: the page her browser holds, a 304.
        response = again(url, first["ETag"], client)
        assert response.status_code == 304, url
        assert directives(response) == {"private", "no-cache"}


def test_her_progress_changes_the_etag_of_her_lesson(course, lucia):
    lesson = lessons_of(course)[0]
    client = signed_in(lucia)
    services.course_enroll(user=lucia, course=course)
    page = client.get(lesson.url)
    before = page["ETag"]
    # Its form's CSRF token is masked anew each time: the page is still the same.
    assert b'name="csrfmiddlewaretoken"' in page.content
    assert client.get(lesson.url).content != page.content
    assert again(lesson.url, before, client).status_code == 304

    assert client.post(lesson.url + "completar/").status_code == 302
    response = again(lesson.url, before, client)

    assert response.status_code == 200
    assert response["ETag"] != before


def test_a_kept_page_is_only_confirmed_to_the_same_person(course, lucia, make_user):
    lesson = lessons_of(course)[0]
    hers = signed_in(lucia).get(lesson.url)["ETag"]
    anonymous = Client().get(lesson.url)["ETag"]
    marta = signed_in(make_user("marta", first_name="Marta"))

    assert again(lesson.url, hers, marta).status_code == 200
    assert again(lesson.url, anonymous, marta).status_code == 200
    # Nor is her page confirmed to an anonymous visitor, from the cache or not.
    assert again(lesson.url, hers)[HEADER] == "hit"
    assert again(lesson.url, hers).status_code == 200


def test_a_new_session_of_hers_is_not_answered_with_the_tokens_of_the_last(
    course, lucia
):
    """The page kept holds her last session's CSRF tokens: a new session
    (a new CSRF secret) gets the page again, with tokens that work."""
    lesson = lessons_of(course)[0]
    etag = signed_in(lucia).get(lesson.url)["ETag"]

    assert again(lesson.url, etag, signed_in(lucia)).status_code == 200


@pytest.mark.parametrize(
    "url", ["/mi-formacion/", "/cuenta/mis-datos/", "/", "/cursos/"]
)
def test_pages_with_her_personal_data_are_still_never_stored(lucia, url):
    client = signed_in(lucia)
    response = client.get(url)

    assert response.status_code == 200
    assert directives(response) == {"private", "no-store"}
    assert "ETag" not in response
    assert again(url, '"cualquiera"', client).status_code == 200


def test_the_admin_is_never_stored(superuser):
    client = signed_in(superuser)
    for url in ("/admin/", "/admin/pages/"):
        response = client.get(url)

        assert response.status_code == 200, url
        assert "no-store" in directives(response), url
        assert "ETag" not in response


def test_signing_out_tells_the_browser_to_forget_her_pages(lucia):
    response = signed_in(lucia).post("/cuenta/salir/")

    assert response.status_code == 302
    assert '"cache"' in response["Clear-Site-Data"]


def test_signing_out_of_the_admin_forgets_too(superuser):
    """A leader signs out from the admin's menu ("Cerrar sesión"): the same."""
    client = signed_in(superuser)
    assert client.get("/admin/").status_code == 200

    response = client.post(reverse("wagtailadmin_logout"))

    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert client.get("/admin/").status_code == 302  # signed out indeed


@pytest.fixture
def redis_down(settings):
    """The shared cache unreachable: nothing is read from or kept in it."""
    resilient._down_until.clear()
    settings.CACHES = {
        "default": {
            "BACKEND": "cococi_site.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    }
    yield
    resilient._down_until.clear()


def test_with_the_cache_down_a_repeat_visit_is_still_a_304(course, redis_down):
    lesson = lessons_of(course)[0]
    first = Client().get(lesson.url)
    assert first.status_code == 200
    assert HEADER not in first

    response = again(lesson.url, first["ETag"])

    assert response.status_code == 304
    assert again(lesson.url, '"de-otra-version"').status_code == 200
