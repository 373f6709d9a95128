"""The site's address, SITE_URL: Wagtail's Site record follows it after every
migrate (make demo, a deploy), so its absolute links (a page's full_url, the
API's html_url) are on the address people use, as e-mails and constancias are."""

import pytest
from django.core.management import call_command
from wagtail.models import Page, Site

from cococi_site.site_address import absolute, host_and_port, match_site_record

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("https://formacion.cococi.mx", ("formacion.cococi.mx", 443)),
        ("https://formacion.cococi.mx/", ("formacion.cococi.mx", 443)),
        ("http://127.0.0.1:8093", ("127.0.0.1", 8093)),
        ("http://formacion.local", ("formacion.local", 80)),
    ],
)
def test_the_host_and_port_of_an_address(address, expected):
    assert host_and_port(address) == expected


def test_the_site_record_follows_site_url_and_says_so_in_its_links(settings):
    settings.WAGTAILADMIN_BASE_URL = "https://formacion.cococi.mx"

    match_site_record()

    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("formacion.cococi.mx", 443)
    assert site.root_url == "https://formacion.cococi.mx"
    courses = Page.objects.get(url_path="/inicio/cursos/")
    assert courses.full_url == "https://formacion.cococi.mx/cursos/"
    assert absolute("/cursos/") == "https://formacion.cococi.mx/cursos/"


def test_it_is_done_by_migrate_and_changes_nothing_the_second_time(
    settings, django_assert_max_num_queries
):
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8093"

    call_command("migrate", verbosity=0)

    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("127.0.0.1", 8093)
    with django_assert_max_num_queries(1):
        match_site_record()  # already there: one read, no write


def test_another_site_already_on_that_address_is_left_alone(settings):
    default = Site.objects.get(is_default_site=True)
    Site.objects.create(
        hostname="consejos.example.org", port=443, root_page=default.root_page
    )
    settings.WAGTAILADMIN_BASE_URL = "https://consejos.example.org"

    match_site_record()

    default.refresh_from_db()
    assert (default.hostname, default.port) != ("consejos.example.org", 443)


def test_calendar_links_follow_site_url_not_the_host_a_request_named(client, settings):
    from datetime import timedelta

    from django.utils import timezone

    from councils.factories import make_council, make_meeting

    settings.WAGTAILADMIN_BASE_URL = "https://formacion.cococi.mx"
    match_site_record()
    council = make_council("Consejo Comunitario Santa Cecilia")
    make_meeting(council, starts_at=timezone.now() + timedelta(days=3), is_public=True)
    feed = council.url + "calendario.ics"

    page = client.get(council.url, HTTP_HOST="otro.example.com").content.decode()
    calendar = client.get(feed, HTTP_HOST="otro.example.com").content.decode()

    assert 'href="webcal://formacion.cococi.mx/consejos/' in page
    assert "otro.example.com" not in page
    assert "formacion.cococi.mx/consejos/" in calendar.replace("\r\n ", "")
    assert "otro.example.com" not in calendar


def test_https_on_another_port_is_kept_where_the_site_record_cannot_say_it(
    client, settings
):
    """A test server on https://…:8443: Wagtail's Site record says http there,
    so its links (the API's html_url) are put back on SITE_URL's https."""
    settings.WAGTAILADMIN_BASE_URL = settings.WAGTAILAPI_BASE_URL = (
        "https://127.0.0.1:8443"
    )
    match_site_record()

    assert absolute("http://127.0.0.1:8443/cursos/") == "https://127.0.0.1:8443/cursos/"
    assert absolute("http://otro.example/cursos/") == "http://otro.example/cursos/"
    answer = client.get("/api/v2/pages/", HTTP_HOST="127.0.0.1:8443", secure=True)
    html_urls = [item["meta"]["html_url"] for item in answer.json()["items"]]
    assert html_urls and all(
        url.startswith("https://127.0.0.1:8443/") for url in html_urls
    )
