"""The shipped nginx config (deploy/nginx/), run by Debian's nginx in front of
the site under gunicorn in production settings, proves what docs/deploy.md
promises: HTTPS, compression, cache headers, private files only through the
site's permission check (and then sent by nginx), sign-in throttling keyed on
the real client, `/salud/` through the proxy, repeat visits answered 304,
nginx's own errors as Spanish pages.

Skipped when nginx is not installed, and, like the whole integration suite,
without PostgreSQL and Redis. `.ci/run` installs nginx and sets
CI_REQUIRE_NGINX=1: there a missing nginx (or brotli module) fails instead.
"""

import base64
import gzip
import hashlib
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.test import override_settings
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from bench.serve import database_url, free_port
from councils.factories import assign, make_council
from courses.factories import (
    CoursePageFactory,
    ImageFactory,
    LessonPageFactory,
    lesson_body,
)
from courses.models import Certificate, CourseBooklet
from members.factories import make_person
from tests.councils.test_concurrency import constitution_request

from .conftest import ensure_catalogue, wait_for
from .failure_parts import start_process, stop_process
from .nginx_parts import (
    Nginx,
    brotli_available,
    client,
    header_lines,
    require_nginx,
)

try:  # brought by WeasyPrint (fonttools[woff]); only to read the br answers back
    import brotli
except ImportError:  # pragma: no cover
    brotli = None

pytestmark = [
    # Each test starts from the rows the migrations made (states, roles…),
    # restored with the ids they were made with. The module's name puts it
    # first among the transactional tests (pytest-django runs them after the
    # others, in order of name): an earlier one's flush would have the content
    # types made again under other ids, on which the restore would clash.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "una-clave-larga-de-prueba"
# Hashed as production's first hasher does (the tests' own fast one is not
# among production's).
PASSWORD_HASH = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
# The site's key: production settings refuse a short or test one.
SECRET_KEY = secrets.token_urlsafe(60)
PDF = b"%PDF-1.4\n% datos de una persona\n%%EOF\n"
MB = 1024 * 1024


def production_env(folder, port, nginx):
    return {
        "DJANGO_SETTINGS_MODULE": "cococi_site.settings.production",
        "SECRET_KEY": SECRET_KEY,
        "DATABASE_URL": database_url(),
        "CACHE_KEY_PREFIX": settings.CACHES["default"].get("KEY_PREFIX", ""),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": nginx.url if nginx else "https://127.0.0.1",
        "STATIC_ROOT": str(folder / "static"),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
        "MEDIA_X_ACCEL_REDIRECT": "/_media/",
        "PRIVATE_MEDIA_X_ACCEL_REDIRECT": "/_private/",
        "AXES_PROXY_COUNT": "1",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "4",
        # The private files' owners here sign in with a password alone.
        "REQUIRE_TWO_FACTOR": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
    }


@pytest.fixture(scope="module")
def edge(tmp_path_factory, django_db_setup, django_db_blocker):
    """nginx with the shipped config, in front of gunicorn's port (gunicorn
    itself is started by each test: ``site``); static files collected as in
    production, media folders of this module's own."""
    require_nginx()
    folder = tmp_path_factory.mktemp("nginx")
    media = override_settings(
        MEDIA_ROOT=folder / "media", PRIVATE_MEDIA_ROOT=folder / "private_media"
    )
    media.enable()
    for root in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT):
        root.mkdir()
    port = free_port()
    with django_db_blocker.unblock():
        env = production_env(folder, port, None)
    with open(folder / "collectstatic.log", "w") as log:
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            check=True,
        )
    nginx = Nginx(
        folder / "nginx",
        upstream=f"127.0.0.1:{port}",
        static_root=folder / "static",
        media_root=settings.MEDIA_ROOT,
        private_root=settings.PRIVATE_MEDIA_ROOT,
    )
    nginx.start()
    with django_db_blocker.unblock():
        env = production_env(folder, port, nginx)
    yield SimpleNamespace(folder=folder, port=port, nginx=nginx, env=env)
    nginx.stop()
    media.disable()


@pytest.fixture
def site(edge, transactional_db):
    """The site under gunicorn (gunicorn.conf.py, production settings) behind
    nginx; started for each test, as the transactional tests renumber rows."""
    ensure_catalogue()
    log = edge.folder / "gunicorn.log"
    process = start_process(
        [sys.executable, "-m", "gunicorn", "cococi_site.wsgi", "--no-control-socket"],
        edge.env,
        log,
        lambda text: text.count("Booting worker") >= 2,
    )
    browser = client(edge.nginx)
    try:
        wait_for(
            lambda: browser.get(edge.nginx.url + "/salud/").status_code == 200,
            60,
            f"the site did not answer through nginx (see {log})",
            0.3,
        )
    except BaseException:
        stop_process(process)
        raise
    yield SimpleNamespace(
        url=edge.nginx.url,
        nginx=edge.nginx,
        folder=edge.folder,
        port=edge.port,
        process=process,
    )
    stop_process(process)


def get(session, url, encoding="identity", **kwargs):
    """A GET asking for ``encoding``; the body as it travelled (not decoded)."""
    response = session.get(
        url,
        headers={"Accept-Encoding": encoding, **kwargs.pop("headers", {})},
        allow_redirects=False,
        stream=True,
        **kwargs,
    )
    response.wire = response.raw.read(decode_content=False)
    return response


def sizes(session, url):
    """The bytes of ``url`` uncompressed, gzipped and in brotli, each checked
    to be the same document."""
    plain = get(session, url)
    assert plain.status_code == 200, url
    assert "Content-Encoding" not in plain.headers
    zipped = get(session, url, "gzip")
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    figures = {"identity": len(plain.wire), "gzip": len(zipped.wire)}
    unzipped = gzip.decompress(zipped.wire)
    if brotli_available():
        squeezed = get(session, url, "br")
        assert squeezed.headers["Content-Encoding"] == "br"
        figures["br"] = len(squeezed.wire)
        if brotli is not None:
            assert brotli.decompress(squeezed.wire)[:200] == unzipped[:200]
    assert unzipped[:200] == plain.wire[:200]
    print(f"{url}: {figures}")
    return figures


def csrf_token(session, url, headers=None):
    """The CSRF token of the form at ``url``, as a browser would read it."""
    form = session.get(url, headers=headers)
    assert form.status_code == 200
    return form.text.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"')[0]


def sign_in(session, base_url, username, password=PASSWORD, headers=None):
    """The sign-in form, filled as a browser would; returns the POST's answer."""
    token = csrf_token(session, base_url + "/cuenta/entrar/", headers)
    return session.post(
        base_url + "/cuenta/entrar/",
        data={"csrfmiddlewaretoken": token, "username": username, "password": password},
        headers={"Origin": base_url, **(headers or {})},
        allow_redirects=False,
    )


def person(username, **fields):
    """An account that signs in with PASSWORD on the production site (whose
    hashers do not include the tests' fast one)."""
    user = make_person(username, **fields)
    user.password = PASSWORD_HASH
    user.save(update_fields=["password"])
    return user


def png_bytes():
    from io import BytesIO

    from PIL import Image as PILImage

    buffer = BytesIO()
    PILImage.new("RGB", (400, 300), "#aa3322").save(buffer, format="PNG")
    return buffer.getvalue()


def test_pages_json_and_static_files_leave_compressed_with_their_cache_headers(
    site,
):
    course = CoursePageFactory(title="Asambleas que deciden")
    paragraphs = [
        f"La asamblea {n} es el espacio donde la comunidad decide, escucha a "
        "cada vecina y vecino, y acuerda lo que hará el consejo comunitario."
        for n in range(30)
    ]
    lesson = LessonPageFactory(parent=course, body=lesson_body(*paragraphs))
    for title in ("Organización comunitaria", "Memoria histórica", "Salud"):
        CoursePageFactory(title=title)
    browser = client(site.nginx)

    page = sizes(browser, site.url + lesson.url)
    assert page["gzip"] < page["identity"] / 2
    api = sizes(browser, site.url + "/api/v2/pages/?type=courses.CoursePage")
    assert api["gzip"] < api["identity"] / 2
    if "br" in page:
        assert page["br"] <= page["gzip"] and api["br"] <= api["gzip"]
    response = get(browser, site.url + "/api/v2/pages/?type=courses.CoursePage")
    assert response.headers["Content-Type"].startswith("application/json")
    assert len(json.loads(response.wire)["items"]) == 4

    # Pages: Django's security headers, once each; none added by nginx.
    for name in ("Strict-Transport-Security", "X-Content-Type-Options"):
        assert len(header_lines(response, name)) == 1, name

    # A static file with a content hash: from disk, a year, immutable, with the
    # precompressed copies WhiteNoise's storage wrote.
    manifest = json.loads((site.folder / "static" / "staticfiles.json").read_text())
    stylesheet = manifest["paths"]["css/site.css"]
    url = f"{site.url}/static/{stylesheet}"
    static = get(browser, url)
    assert static.status_code == 200
    assert static.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert static.wire == (site.folder / "static" / stylesheet).read_bytes()
    for name in ("Strict-Transport-Security", "X-Content-Type-Options"):
        assert len(header_lines(static, name)) == 1, name
    zipped = get(browser, url, "gzip")
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert zipped.wire == (site.folder / "static" / f"{stylesheet}.gz").read_bytes()
    if brotli_available():
        squeezed = get(browser, url, "br")
        assert squeezed.headers["Content-Encoding"] == "br"
        assert (
            squeezed.wire == (site.folder / "static" / f"{stylesheet}.br").read_bytes()
        )
    # The unhashed copy may change with the next release: a minute.
    plain_copy = get(browser, f"{site.url}/static/css/site.css")
    assert plain_copy.headers["Cache-Control"] == "public, max-age=60"

    # A public rendition: asked of the site, sent by nginx, with the site's
    # cache headers.
    rendition = ImageFactory(title="Portada").get_rendition("width-320")
    picture = get(browser, site.url + rendition.url)
    assert picture.status_code == 200
    assert picture.wire == Path(rendition.file.path).read_bytes()
    assert picture.headers["Cache-Control"] == "public, max-age=86400"
    assert picture.headers["Content-Type"].startswith("image/")
    assert "ETag" in picture.headers  # nginx's, from the file
    assert len(header_lines(picture, "Strict-Transport-Security")) == 1

    # Files nginx sends itself run nothing and are framed by nobody.
    for file in (static, picture):
        policy = header_lines(file, "Content-Security-Policy")
        assert policy == ["default-src 'none'; frame-ancestors 'none'"]
        assert header_lines(file, "X-Frame-Options") == ["DENY"]

    # A repeat visit: the page gzipped, its ETag made weak by nginx's gzip, and
    # the page the browser holds confirmed with a 304 and no body.
    first = get(browser, site.url + lesson.url, "gzip")
    assert first.headers["Content-Encoding"] == "gzip"
    assert first.headers["Cache-Control"] == "no-cache"
    assert first.headers["ETag"].startswith('W/"')
    again = get(
        browser,
        site.url + lesson.url,
        "gzip",
        headers={"If-None-Match": first.headers["ETag"]},
    )
    assert again.status_code == 304
    assert again.wire == b""

    # /salud/ through the proxy, over HTTPS; and straight from gunicorn, over
    # plain HTTP with the site's name, where a load balancer beside it probes.
    health = browser.get(site.url + "/salud/")
    assert health.status_code == 200
    assert health.json()["database"] == "ok"
    direct = requests.Session()
    direct.trust_env = False
    probe = direct.get(
        f"http://127.0.0.1:{site.port}/salud/",
        headers={"Host": "127.0.0.1"},
        allow_redirects=False,
    )
    assert probe.status_code == 200
    assert probe.json()["database"] == "ok"

    # Plain HTTP moves to HTTPS, on the site's own name whatever Host says.
    for host in ("127.0.0.1", "otro-sitio.example"):
        moved = browser.get(
            f"http://127.0.0.1:{site.nginx.http_port}{lesson.url}",
            headers={"Host": host},
            allow_redirects=False,
        )
        assert moved.status_code == 301
        assert moved.headers["Location"] == f"https://127.0.0.1{lesson.url}"


def refused(response, what):
    """An anonymous request for a private file: not found, or sent to sign in;
    never the file."""
    assert response.status_code in (302, 404), (what, response.status_code)
    if response.status_code == 302:
        assert "/cuenta/entrar/" in response.headers["Location"]
    assert PDF not in response.content


def served_by_nginx(response, content, what):
    assert response.status_code == 200, what
    assert response.content == content, what
    # nginx's own headers for a file it sent from disk; gunicorn gives none.
    assert response.headers["Accept-Ranges"] == "bytes"
    assert "ETag" in response.headers
    assert "X-Accel-Redirect" not in response.headers
    cache_control = response.headers["Cache-Control"]
    assert "private" in cache_control and "no-store" in cache_control


def test_every_private_file_is_refused_to_strangers_and_sent_by_nginx_to_its_owner(
    site,
):
    council = make_council("Consejo Comunitario Santa Cecilia")
    leader = person("lider.a", first_name="Lucía")
    assign(leader, "coordinador-de-consejo", council=council)
    leader.user_permissions.add(
        Permission.objects.get(codename="view_facilitator_notes")
    )

    Image = get_image_model()
    image = Image(title="Asamblea (privada)", collection=council.collection)
    image.file = ImageFile(ContentFile(png_bytes()), name="asamblea.png")
    image.save()
    rendition = image.get_rendition("max-165x165")
    document = get_document_model()(title="Acta", collection=council.collection)
    document.file.save("acta.pdf", ContentFile(PDF))

    requester = person("solicitante")
    constitution = constitution_request(requester, "Consejo Nuevo")
    # Uploaded under its own name, accents and all: nginx finds it still.
    constitution.acta.save("acta de constitución, señora.pdf", ContentFile(PDF))

    member = person("lucia")
    course = CoursePageFactory(title="Asambleas que deciden")
    certificate = Certificate.objects.create(user=member, course=course, hours=4)
    certificate.file.save("constancia.pdf", ContentFile(PDF))
    booklet, _created = CourseBooklet.objects.get_or_create(
        course=course, defaults={"fingerprint": "x"}
    )
    booklet.file.save("cuadernillo.pdf", ContentFile(b"%PDF-1.4 publico\n"))
    booklet.facilitator_file.save("facilitacion.pdf", ContentFile(PDF))

    files = {
        "image": (leader, image.file.url, Path(image.file.path).read_bytes()),
        "rendition": (leader, rendition.url, Path(rendition.file.path).read_bytes()),
        "document": (leader, document.url, PDF),
        "acta": (
            requester,
            reverse("councils:constitution_acta", args=[constitution.pk]),
            PDF,
        ),
        "constancia": (
            member,
            reverse("courses:certificate_download", args=[certificate.code]),
            PDF,
        ),
        "facilitator booklet": (leader, course.url + "cuadernillo/facilitacion/", PDF),
    }
    anonymous = client(site.nginx)
    for what, (owner, url, content) in files.items():
        refused(anonymous.get(site.url + url, allow_redirects=False), what)
        browser = client(site.nginx)
        assert sign_in(browser, site.url, owner.username).status_code == 302
        response = browser.get(site.url + url, allow_redirects=False)
        served_by_nginx(response, content, what)

    # Headers the site gave the file survive the hand-over.
    browser = client(site.nginx)
    sign_in(browser, site.url, member.username)
    response = browser.get(site.url + files["constancia"][1])
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="constancia-{course.slug}.pdf"'
    )

    # The public booklet: anyone, still through the site's route.
    public = anonymous.get(site.url + course.url + "cuadernillo/")
    assert public.status_code == 200
    assert public.content == b"%PDF-1.4 publico\n"
    assert public.headers["Accept-Ranges"] == "bytes"

    # The internal locations answer nobody by URL, and neither do the folders.
    for url in (
        f"/_media/{rendition.file.name}",
        f"/_media/{document.file.name}",
        f"/_private/{constitution.acta.name}",
        f"/_private/{certificate.file.name}",
        f"/media/{document.file.name}",
    ):
        response = client(site.nginx).get(site.url + url, allow_redirects=False)
        assert response.status_code == 404, url
        assert PDF not in response.content


def test_sign_in_throttling_is_keyed_on_the_real_client_behind_the_proxy(site):
    from axes.models import AccessAttempt

    person("ana")
    # The attacker (127.0.0.2) writes the victim's address in X-Forwarded-For.
    attacker = client(site.nginx, source="127.0.0.2")
    forged = {"X-Forwarded-For": "127.0.0.3"}
    statuses = [
        sign_in(attacker, site.url, "ana", "no-es-la-clave", headers=forged).status_code
        for _attempt in range(settings.AXES_FAILURE_LIMIT)
    ]
    # The form again with its error, until the last failure locks the pair out;
    # then even the right password is refused.
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert sign_in(attacker, site.url, "ana", headers=forged).status_code == 429

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {
        "127.0.0.2"
    }

    # The other client, whose address the attacker forged, still signs in.
    other = client(site.nginx, source="127.0.0.3")
    assert sign_in(other, site.url, "ana").status_code == 302
    assert other.get(site.url + "/mi-formacion/").status_code == 200


def test_a_members_lesson_is_revalidated_and_signing_out_clears_her_browser(site):
    course = CoursePageFactory(title="Asambleas que deciden")
    lesson = LessonPageFactory(parent=course)
    person("marta", first_name="Marta")
    browser = client(site.nginx)
    assert sign_in(browser, site.url, "marta").status_code == 302

    # Her lesson: kept by her browser only, asked again each time, a 304 when
    # unchanged (the weak ETag of nginx's gzip matches).
    first = get(browser, site.url + lesson.url, "gzip")
    assert first.status_code == 200
    assert first.headers["Content-Encoding"] == "gzip"
    assert directives(first) == {"private", "no-cache"}
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    again = get(browser, site.url + lesson.url, "gzip", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.wire == b""
    assert directives(again) == {"private", "no-cache"}

    # Signing out, through the proxy, tells her browser to forget her pages.
    token = csrf_token(browser, site.url + "/cuenta/salir/")
    out = browser.post(
        site.url + "/cuenta/salir/",
        data={"csrfmiddlewaretoken": token},
        headers={"Origin": site.url},
        allow_redirects=False,
    )
    assert out.status_code == 302
    assert header_lines(out, "Clear-Site-Data") == ['"cache", "storage"']
    # Her copy is no longer confirmed: whoever asks next gets the page whole.
    after = get(browser, site.url + lesson.url, "gzip", headers={"If-None-Match": etag})
    assert after.status_code == 200


def directives(response):
    return {d.strip() for d in response.headers.get("Cache-Control", "").split(",")}


def spanish_error_page(response, status, title):
    """nginx's own answer with ``status``: the Spanish page of
    deploy/nginx/errors/, self-contained, framed by nobody, kept by no cache."""
    assert response.status_code == status
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    text = response.content.decode()
    assert '<html lang="es-MX">' in text
    assert f"<h1>{title}</h1>" in text
    assert not re.search(r"<(script|link|img)\b", text)  # nothing to fetch
    # Its inline style is allowed by its hash, and nothing else is.
    style = re.search(r"<style>(.*?)</style>", text, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    policy = header_lines(response, "Content-Security-Policy")
    assert len(policy) == 1
    assert f"style-src 'sha256-{digest}'" in policy[0]
    assert "default-src 'none'" in policy[0]
    assert "frame-ancestors 'none'" in policy[0]
    assert header_lines(response, "X-Frame-Options") == ["DENY"]
    assert header_lines(response, "Cache-Control") == ["no-store"]
    assert len(header_lines(response, "Strict-Transport-Security")) == 1


def test_nginx_answers_its_own_errors_with_spanish_pages(site):
    browser = client(site.nginx)
    url = site.url + "/cuenta/entrar/"
    token = csrf_token(browser, url)

    def upload(size):
        return browser.post(
            url,
            data={"csrfmiddlewaretoken": token},
            files={"archivo": ("documento.pdf", b"%PDF" + b"0" * (size - 4))},
            headers={"Origin": site.url},
            allow_redirects=False,
        )

    # A 20 MB document (the site's largest upload) in a form: nginx passes it
    # on, and the site answers (its sign-in form again, nobody named).
    taken = upload(20 * MB)
    assert taken.status_code == 200
    assert 'name="username"' in taken.text
    # 22 MB: refused by nginx, over client_max_body_size, with its page.
    spanish_error_page(upload(22 * MB), 413, "El archivo es demasiado grande")

    # gunicorn stopped: every request passed to it, a page or a form sent,
    # gets 502 and the page saying the site does not answer.
    stop_process(site.process)
    spanish_error_page(
        browser.get(site.url + "/cursos/"), 502, "El sitio no responde en este momento"
    )
    spanish_error_page(
        browser.post(site.url + "/cursos/", data={"csrfmiddlewaretoken": token}),
        502,
        "El sitio no responde en este momento",
    )
    # The pages themselves are reachable only as errors.
    for page in ("413.html", "50x.html"):
        response = browser.get(f"{site.url}/_errors/{page}")
        assert response.status_code == 404
        assert "El sitio" not in response.text
