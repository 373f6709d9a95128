"""The site as an installable app: its service worker, its web app manifest
and icons, the page shown offline; the one script on every page (CSP
unchanged); signed-in pages naming whose phone data they are, anonymous pages
naming nobody and still shared from the page cache."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from PIL import Image

from cococi_site import content
from cococi_site.page_cache import HEADER as CACHE_HEADER
from offline.owner import HEADER as OWNER_HEADER
from offline.owner import owner_key
from tests.courses.learning_fixtures import lessons_of, signed_in, text_of

pytestmark = pytest.mark.django_db

STATIC_ROOT = Path(settings.BASE_DIR) / "static"
SITE_JS = '<script src="/static/js/site.js" defer></script>'


# The service worker


def test_the_service_worker_is_javascript_never_kept_stale_and_names_the_release(
    client,
):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    assert content.release() in body
    assert "{%" not in body and "{{" not in body


def test_a_new_release_is_a_new_service_worker(client, monkeypatch):
    before = client.get("/sw.js").content
    monkeypatch.setattr(content, "release", lambda: "proxima-version")

    after = client.get("/sw.js").content

    assert after != before
    assert b"proxima-version" in after


def test_the_service_worker_is_the_same_for_everybody(client, member):
    """It is installed once per browser, whoever is signed in: it names nobody."""
    anonymous = client.get("/sw.js").content

    mine = signed_in(member).get("/sw.js").content

    assert mine == anonymous
    assert owner_key(member).encode() not in mine


def test_the_service_worker_is_only_read(client):
    assert client.post("/sw.js").status_code == 405


# The web app manifest


@pytest.fixture
def web_manifest(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/manifest+json")
    return json.loads(response.content.decode("utf-8"))


def test_the_web_app_manifest_names_the_app_in_spanish(web_manifest):
    assert web_manifest["name"] == "COCOCI Formación"
    assert web_manifest["short_name"]
    assert web_manifest["lang"] == "es-MX"
    assert web_manifest["description"] == (
        "Cursos y materiales de los consejos comunitarios, también sin señal."
    )
    assert web_manifest["start_url"] == "/mi-formacion/"
    assert web_manifest["scope"] == "/"
    assert web_manifest["display"] == "standalone"


def test_the_theme_colour_is_the_site_s_own(client, web_manifest):
    html = client.get("/").content.decode()

    assert re.fullmatch(r"#[0-9a-f]{6}", web_manifest["theme_color"])
    assert f'<meta name="theme-color" content="{web_manifest["theme_color"]}">' in html
    css = (STATIC_ROOT / "css" / "site.css").read_text()
    assert web_manifest["theme_color"] in css.lower()


def test_the_icons_exist_in_the_sizes_the_manifest_states(web_manifest):
    icons = web_manifest["icons"]
    sizes = {icon["sizes"] for icon in icons}
    assert {"192x192", "512x512"} <= sizes
    assert [icon for icon in icons if icon.get("purpose") == "maskable"]
    for icon in icons:
        assert icon["src"].startswith("/static/img/")
        path = STATIC_ROOT / icon["src"].removeprefix("/static/")
        with Image.open(path) as picture:
            assert picture.format == "PNG" == icon["type"].split("/")[1].upper()
            assert "x".join(map(str, picture.size)) == icon["sizes"]


def test_the_apple_touch_icon_the_pages_name_exists(client):
    html = client.get("/").content.decode()

    (href,) = re.findall(r'<link rel="apple-touch-icon" href="([^"]+)">', html)
    with Image.open(STATIC_ROOT / href.removeprefix("/static/")) as picture:
        assert picture.size == (180, 180)


def test_the_icons_are_served(client, web_manifest):
    for icon in web_manifest["icons"]:
        response = client.get(icon["src"])
        assert response.status_code == 200
        b"".join(response.streaming_content)


# The offline page


def test_the_offline_page_says_in_spanish_there_is_no_connection(client):
    response = client.get("/sin-conexion/")

    assert response.status_code == 200
    text = text_of(response)
    assert "Sin conexión" in text
    assert "Esta página no está guardada en este teléfono" in text
    assert SITE_JS in response.content.decode()


def test_the_offline_page_shows_nothing_of_the_person_signed_in(member):
    """The service worker keeps it for whoever uses the phone next."""
    anonymous = Client().get("/sin-conexion/")
    response = signed_in(member).get("/sin-conexion/")

    html = response.content.decode()
    assert response.status_code == 200
    for personal in (
        member.username,
        member.first_name,
        member.last_name,
        member.email,
        member.phone,
        owner_key(member),
    ):
        assert personal not in html
    assert 'name="cococi-dueno"' not in html
    assert 'name="cococi-csrf"' not in html
    assert "csrfmiddlewaretoken" not in html
    assert html == anonymous.content.decode()


def test_the_offline_page_carries_no_owner_header(member):
    """Kept by the service worker for everybody: it names nobody."""
    response = signed_in(member).get("/sin-conexion/")

    assert OWNER_HEADER not in response


# The one script, on every page


def scripts(html):
    return re.findall(r"<script\b[^>]*>", html)


def assert_one_script_and_no_inline_code(response):
    assert response.status_code == 200, response
    html = response.content.decode()
    assert SITE_JS in html
    for tag in scripts(html):
        # A data block (json_script) is not code; everything else is a file.
        assert ' src="/static/' in tag or 'type="application/json"' in tag, tag
    policy = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+)", policy).group(1).split()
    assert script_src == ["'self'"], policy


@pytest.fixture
def public_urls(course):
    lesson = lessons_of(course)[0]
    return [
        "/",
        "/cursos/",
        course.url,
        lesson.url,
        "/buscar/?q=asamblea",
        "/cuenta/entrar/",
        "/cuenta/registro/",
        "/cuenta/aviso-de-privacidad/",
    ]


def test_every_public_page_has_the_site_script_and_no_inline_script(public_urls):
    for url in public_urls:
        response = Client().get(url)
        assert_one_script_and_no_inline_code(response)


def test_every_signed_in_page_has_the_site_script_and_no_inline_script(
    member, course, public_urls
):
    client = signed_in(member)
    urls = [*public_urls[:5], "/mi-formacion/", "/cuenta/mis-datos/"]
    for url in urls:
        assert_one_script_and_no_inline_code(client.get(url))


def test_signed_in_pages_name_her_key_in_the_page_and_the_header(member, course):
    client = signed_in(member)
    for url in ("/mi-formacion/", course.url, lessons_of(course)[0].url):
        response = client.get(url)
        html = response.content.decode()
        (meta,) = re.findall(r'<meta name="cococi-dueno" content="([^"]*)">', html)
        assert meta == response[OWNER_HEADER] == owner_key(member)


def test_what_shared_caches_may_keep_names_nobody(member, course, media_root):
    """The app's manifest, the worker and public images are answered alike to
    everybody and may be kept by a shared cache: her key is on her pages only."""
    from courses.factories import ImageFactory

    image = ImageFactory()
    rendition = image.get_rendition("width-360|format-webp")
    client = signed_in(member)

    for url in ("/manifest.webmanifest", "/sw.js", rendition.url):
        response = client.get(url)
        assert response.status_code == 200, url
        assert OWNER_HEADER not in response, url


def test_two_people_have_two_keys(member, make_user, course):
    other = make_user("marta")

    mine = signed_in(member).get(course.url)[OWNER_HEADER]
    hers = signed_in(other).get(course.url)[OWNER_HEADER]

    assert mine != hers


def test_anonymous_pages_name_nobody_and_are_still_served_from_the_page_cache(
    member, course
):
    lesson = lessons_of(course)[0]
    # Someone signed in reads it first: nothing of hers reaches the shared copy.
    signed_in(member).get(lesson.url)

    first = Client().get(lesson.url)
    second = Client().get(lesson.url)

    assert second[CACHE_HEADER] == "hit"
    for response in (first, second):
        html = response.content.decode()
        assert OWNER_HEADER not in response
        assert "cococi-dueno" not in html
        assert "cococi-csrf" not in html
        assert "textos-sin-conexion" not in html
        assert SITE_JS in html


def test_a_signed_in_course_page_offers_to_save_it_for_offline(member, course):
    client = signed_in(member)
    client.post(course.url + "inscribirme/")

    html = client.get(course.url).content.decode()

    assert f'data-manifest="{course.url}sin-conexion/"' in html
    assert "Guardar para estudiar sin conexión" in html
