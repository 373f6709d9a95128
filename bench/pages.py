"""The pages ``manage.py bench_pages`` measures, on the data set of ``bench_data``:
which URLs, as whom (sessions made in advance with the server's SECRET_KEY),
what each must show to count as answered, and the figures taken outside wrk
(SQL queries in-process, response sizes from gunicorn).
"""

import gzip
import logging
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from importlib import import_module
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
)
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import get_random_string
from django.utils.html import escape
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from cococi_site import content
from cococi_site.settings.base import STORAGES as PRODUCTION_STORAGES
from cococi_site.site_address import site_url
from councils.models import CouncilPage, StatePage
from courses.models import CourseIndexPage, CoursePage, Enrollment, LessonPage

from .sizes import (
    COUNCIL_LEADER,
    MEASURED_COUNCIL_SLUG,
    MEASURED_STATE_CODE,
    PREFIX,
    RICH_MEMBER,
)

DASHBOARD_URL = "/admin/formacion-de-cuadros/"
MODEL_BACKEND = "members.backends.MemberBackend"
# The leader's confirmed authenticator for the benchmark (made once, kept).
BENCH_DEVICE_NAME = "bench-pages"
# In the order they are measured and reported.
PAGE_KEYS = (
    "home",
    "catalogue",
    "course",
    "lesson",
    "lesson-member",
    "my-formation",
    "council",
    "state",
    "dashboard",
    "static",
)
STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)"')


class PageError(RuntimeError):
    pass


@dataclass
class Page:
    key: str
    name: str
    path: str
    user: object = None  # signed in as
    device: object = None  # the django_otp device verified in the session
    expect: list = field(default_factory=list)  # text the body must contain
    refuse: list = field(default_factory=list)  # text it must not contain
    content_type: str = "text/html"
    source: object = None  # the Wagtail page shown, when it is one
    cookie: str = ""
    session_key: str = ""
    # Figures
    runs: dict = field(default_factory=dict)  # connections → WrkResult
    queries: int | None = None
    queries_first: int | None = None
    raw: int | None = None
    gzip: int | None = None
    gzip_served: bool = False
    page_cache: str = ""  # X-Page-Cache of the second fetch, when the site sends it

    @property
    def signed_in(self):
        return self.user is not None

    @property
    def headers(self):
        return [f"Cookie: {self.cookie}"] if self.cookie else []


def member_lesson(user):
    """(course, lesson) measured for ``user``: the first generated course she
    is enrolled in and its first lesson (either None when there is none)."""
    enrolled = Enrollment.objects.filter(user=user).values("course_id")
    course = (
        CoursePage.objects.live()
        .public()
        .filter(pk__in=enrolled, slug__startswith=PREFIX)
        .order_by("path")
        .first()
    )
    lesson = (
        LessonPage.objects.live().public().child_of(course).order_by("path").first()
        if course
        else None
    )
    return course, lesson


def find_pages(keys=PAGE_KEYS):
    """The Pages of ``keys`` (the static file's path is found later, in the
    home page's HTML); raises PageError when the data set lacks one."""
    User = get_user_model()
    users = {
        user.username: user
        for user in User.objects.filter(username__in=[RICH_MEMBER, COUNCIL_LEADER])
    }
    for username in (RICH_MEMBER, COUNCIL_LEADER):
        if username not in users:
            raise PageError(f"No user {username}: run manage.py bench_data first.")
    rich, leader = users[RICH_MEMBER], users[COUNCIL_LEADER]
    signed_out = reverse("members:logout")

    index = CourseIndexPage.objects.live().public().first()
    course, lesson = member_lesson(rich)
    council = (
        CouncilPage.objects.live().public().filter(slug=MEASURED_COUNCIL_SLUG).first()
    )
    state = (
        StatePage.objects.live()
        .public()
        .filter(state__code=MEASURED_STATE_CODE)
        .first()
    )
    for what, found in [
        ("course index page", index),
        (f"published course {RICH_MEMBER} is enrolled in", course),
        ("published lesson of that course", lesson),
        (f"published council page {MEASURED_COUNCIL_SLUG}", council),
    ]:
        if found is None:
            raise PageError(f"No {what}: run manage.py bench_data first.")

    def title(page):
        return escape(page.title)

    pages = {
        "home": Page(
            "home", "Home", "/", expect=['rel="stylesheet"'], refuse=[signed_out]
        ),
        "catalogue": Page("catalogue", "Catalogue", index.url, expect=[title(index)]),
        "course": Page("course", "Course", course.url, expect=[title(course)]),
        "lesson": Page(
            "lesson",
            "Lesson, anonymous",
            lesson.url,
            expect=[title(lesson)],
            refuse=[signed_out],
        ),
        "lesson-member": Page(
            "lesson-member",
            f"Lesson, signed in (`{RICH_MEMBER}`)",
            lesson.url,
            user=rich,
            expect=[title(lesson), signed_out],
            source=lesson,
        ),
        "my-formation": Page(
            "my-formation",
            f"Mi formación (`{RICH_MEMBER}`)",
            "/mi-formacion/",
            user=rich,
            expect=[signed_out],
        ),
        "council": Page(
            "council", "Council page", council.url, expect=[title(council)]
        ),
        "dashboard": Page(
            "dashboard",
            f"Cadre dashboard (`{COUNCIL_LEADER}`)",
            DASHBOARD_URL,
            user=leader,
            device=leader_device(leader),
            expect=[title(council)],
        ),
        "static": Page(
            "static", "Static CSS file", "", content_type="text/css", expect=["{"]
        ),
    }
    if state is not None:
        pages["state"] = Page(
            "state", "State page (Jalisco)", state.url, expect=[title(state)]
        )
    return [pages[key] for key in keys if key in pages]


def leader_device(user):
    """A confirmed TOTP device of ``user``, made once for the benchmark."""
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name=BENCH_DEVICE_NAME, defaults={"confirmed": True}
    )
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return device


def sign_in(pages, secret_key):
    """A session in the database for every signed-in page, made with the
    server's SECRET_KEY, as ``login()`` and django_otp's ``login()`` leave it."""
    engine = import_module(settings.SESSION_ENGINE)
    with override_settings(SECRET_KEY=secret_key):
        for page in pages:
            if not page.signed_in:
                continue
            session = engine.SessionStore()
            session[SESSION_KEY] = str(page.user.pk)
            session[BACKEND_SESSION_KEY] = MODEL_BACKEND
            session[HASH_SESSION_KEY] = page.user.get_session_auth_hash()
            if page.device is not None:
                session[DEVICE_ID_SESSION_KEY] = page.device.persistent_id
            session.create()
            page.session_key = session.session_key
            page.cookie = (
                f"{settings.SESSION_COOKIE_NAME}={session.session_key}; "
                f"{settings.CSRF_COOKIE_NAME}={get_random_string(32)}"
            )


def sign_out(pages):
    engine = import_module(settings.SESSION_ENGINE)
    for page in pages:
        if page.session_key:
            engine.SessionStore(session_key=page.session_key).delete()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer of its own (HTTPError 3xx)


_opener = urllib.request.build_opener(_NoRedirects)


def fetch(url, cookie="", encoding=""):
    """(status, headers, body) of one GET, redirects not followed."""
    headers = {"Cookie": cookie} if cookie else {}
    if encoding:
        headers["Accept-Encoding"] = encoding
    request = urllib.request.Request(url, headers=headers)
    try:
        with _opener.open(request, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def stylesheet_path(base):
    """The collected, hashed css/site.css the home page links to."""
    status, _headers, body = fetch(base + "/")
    found = STYLESHEET.search(body.decode("utf-8", "replace"))
    if status != 200 or not found:
        raise PageError(f"No stylesheet link in the home page (HTTP {status}).")
    return found.group(1)


def check_and_size(base, page):
    """Fail loudly unless ``page`` answers 200 with what it must show; record
    its body size raw and gzip."""
    status, headers, body = fetch(base + page.path, page.cookie)
    where = f"{page.name} ({page.path})"
    if status != 200:
        location = headers.get("Location", "")
        raise PageError(
            f"{where} answered HTTP {status}"
            + (f" → {location}" if location else "")
            + " instead of 200."
        )
    content_type = headers.get("Content-Type", "")
    if not content_type.startswith(page.content_type):
        raise PageError(f"{where} is {content_type}, not {page.content_type}.")
    text = body.decode("utf-8", "replace")
    for needed in page.expect:
        if needed not in text:
            raise PageError(f"{where} does not show {needed!r}.")
    for unwanted in page.refuse:
        if unwanted in text:
            raise PageError(f"{where} shows {unwanted!r}: signed in?")
    page.raw = len(body)
    status, headers, compressed = fetch(base + page.path, page.cookie, "gzip")
    page.page_cache = headers.get("X-Page-Cache", "")
    if status == 200 and headers.get("Content-Encoding") == "gzip":
        page.gzip, page.gzip_served = len(compressed), True
    else:
        page.gzip, page.gzip_served = len(gzip.compress(body, 6)), False


def count_queries(pages, static_root):
    """SQL queries of each page in this process with Django's test Client, on
    the same database and shared cache as the server: the second request of
    the page (``queries``) and its first (``queries_first``). Run with the
    production static storage, DEBUG off and REQUIRE_TWO_FACTOR on (the
    leader's session carries the verified device, as the server's does)."""
    # SITE_URL's host, the only one the anonymous page cache stores pages for,
    # in a new content generation: the first request of each page builds it,
    # whatever earlier runs stored, and the second is a hit.
    host = urlsplit(site_url()).netloc
    content.forget()
    hosts = [*settings.ALLOWED_HOSTS, "testserver", host]
    with (
        override_settings(
            DEBUG=False,
            ALLOWED_HOSTS=hosts,
            REQUIRE_TWO_FACTOR=True,
            STATIC_ROOT=str(static_root),
            STORAGES=PRODUCTION_STORAGES,
        ),
        translation.override(settings.LANGUAGE_CODE),
    ):
        # The process's own caches (the Wagtail site, URL resolvers): warmed
        # by a request that is none of the pages (a 404, not logged).
        request_log = logging.getLogger("django.request")
        level = request_log.level
        request_log.setLevel(logging.ERROR)
        try:
            Client(raise_request_exception=False, HTTP_HOST=host).get(
                "/bench-pages-warm-up/"
            )
        finally:
            request_log.setLevel(level)
        for page in pages:
            client = Client(raise_request_exception=False, HTTP_HOST=host)
            if page.signed_in:
                client.force_login(page.user, backend=MODEL_BACKEND)
                if page.device is not None:
                    session = client.session
                    session[DEVICE_ID_SESSION_KEY] = page.device.persistent_id
                    session.save()
            counts = []
            for _ in range(2):
                with CaptureQueriesContext(connection) as captured:
                    response = client.get(page.path)
                    if response.streaming:
                        b"".join(response.streaming_content)
                    response.close()
                if response.status_code != 200:
                    raise PageError(
                        f"{page.name} ({page.path}) answered HTTP "
                        f"{response.status_code} in-process."
                    )
                counts.append(len(captured.captured_queries))
            page.queries_first, page.queries = counts
