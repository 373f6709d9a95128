"""Sharing in WhatsApp groups: every public page type carries Open Graph and
Twitter-card metadata, absolute on SITE_URL whatever Host a request named; the
1200×630 picture of a page's image appears only once the task made it, and only
for an image of a public collection; a "Compartir por WhatsApp" link carries
the title and the address."""

from html.parser import HTMLParser
from io import BytesIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.test import Client
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import PageViewRestriction

from councils.factories import make_council
from courses.factories import (
    CoursePageFactory,
    ImageFactory,
    LessonPageFactory,
    MaterialPageFactory,
    lesson_body,
)
from courses.models import CourseIndexPage, MaterialIndexPage
from home import sharing
from home.tasks import make_share_rendition

SITE = "https://formacion.example.org"
REQUIRED = [
    "og:title",
    "og:description",
    "og:url",
    "og:type",
    "og:locale",
    "og:site_name",
    "og:image",
    "og:image:width",
    "og:image:height",
    "og:image:alt",
]
LONG_SUMMARY = (
    "Un curso para organizar la vida comunitaria desde abajo, con la asamblea "
    "como <b>centro</b> de las decisiones & los acuerdos. " * 6
)


class Head(HTMLParser):
    """The <meta> properties and names of a page, and its links' addresses."""

    def __init__(self, html):
        super().__init__()
        self.meta = {}
        self.links = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            if key:
                self.meta.setdefault(key, []).append(attrs.get("content"))
        elif tag == "a":
            self.links.append(attrs)

    def one(self, key):
        values = self.meta.get(key, [])
        assert len(values) == 1, f"{key}: {values}"
        return values[0]

    def whatsapp(self):
        found = [a for a in self.links if "share__whatsapp" in a.get("class", "")]
        assert len(found) == 1
        return found[0]


def private_image(council):
    buffer = BytesIO()
    PILImage.new("RGB", (1200, 800), "#a33").save(buffer, "PNG")
    image = get_image_model()(title="Asamblea (privada)", collection=council.collection)
    image.file = ImageFile(ContentFile(buffer.getvalue()), name="privada.png")
    image.save()
    return image


@pytest.fixture(autouse=True)
def site_url(settings, tmp_path):
    settings.WAGTAILADMIN_BASE_URL = SITE
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def cover(db):
    # Larger than the picture, which is then exactly 1200×630 (Wagtail never
    # enlarges: a smaller image gives a smaller picture, of its real size).
    return ImageFactory(
        description="Personas en asamblea bajo un árbol",
        file__width=1600,
        file__height=1000,
    )


@pytest.fixture
def pages(db, home_page, cover):
    course = CoursePageFactory(title="Asamblea y acuerdos", cover_image=cover)
    course.summary = LONG_SUMMARY
    course.save_revision().publish()
    lesson = LessonPageFactory(
        parent=course, title="Quién convoca", body=lesson_body("La asamblea decide.")
    )
    material = MaterialPageFactory(title="Guía de la asamblea", cover_image=cover)
    council = make_council(
        body=[{"type": "paragraph", "value": "<p>Nos reunimos cada sábado.</p>"}]
    )
    return {
        "home": home_page,
        "course": course,
        "lesson": lesson,
        "material": material,
        "council": council,
        "catalogue": CourseIndexPage.objects.get(),
        "library": MaterialIndexPage.objects.get(),
    }


def head_of(page, host="otro.example.net", client=None):
    response = (client or Client()).get(page.url, HTTP_HOST=host)
    assert response.status_code == 200
    return Head(response.content.decode())


ARTICLES = {"course", "lesson", "material", "council"}


@pytest.mark.parametrize("kind", sorted([*ARTICLES, "home", "catalogue", "library"]))
def test_every_page_type_carries_valid_metadata(pages, kind):
    page = pages[kind]
    head = head_of(page)

    for key in REQUIRED:
        head.one(key)
    assert head.one("twitter:card") == "summary_large_image"
    assert head.one("og:title") == (page.seo_title or page.title)
    assert head.one("og:url") == SITE + page.url
    assert head.one("og:type") == ("article" if kind in ARTICLES else "website")
    assert head.one("og:locale") == "es_MX"
    assert head.one("og:site_name") == "COCOCI Formación"
    description = head.one("og:description")
    assert 0 < len(description) <= 200
    assert "<" not in description and "&amp;" not in description
    image = head.one("og:image")
    assert urlsplit(image).scheme == "https"
    assert urlsplit(image).netloc == "formacion.example.org"
    assert (head.one("og:image:width"), head.one("og:image:height")) == ("1200", "630")
    assert head.one("og:image:alt")


def test_addresses_come_from_site_url_whatever_host_was_asked(pages):
    lesson = pages["lesson"]

    for host in ("otro.example.net", "127.0.0.1", "formacion.example.org"):
        head = head_of(lesson, host)
        assert head.one("og:url") == SITE + lesson.url
        assert head.one("og:image").startswith(SITE + "/")


def test_a_long_summary_is_trimmed_plain_text(pages):
    description = head_of(pages["course"]).one("og:description")
    material = pages["material"]
    material.search_description = "Para <i>preparar</i> la asamblea &amp; votar."
    material.save_revision().publish()

    assert len(description) <= 200
    assert description.startswith("Un curso para organizar la vida comunitaria")
    assert description.endswith("…")
    assert "<b>" not in description
    assert head_of(material).one("og:description") == (
        "Para preparar la asamblea & votar."
    )


def test_the_picture_of_an_image_appears_only_after_the_task_made_it(pages, cover):
    course, lesson, material = pages["course"], pages["lesson"], pages["material"]
    default = SITE + "/static/" + sharing.DEFAULT_IMAGE
    # Published in the test's transaction: the task waits for a commit.
    assert not cover.renditions.filter(filter_spec=sharing.SHARE_FILTER).exists()
    for page in (course, lesson, material):
        head = head_of(page)
        assert head.one("og:image").startswith(default.split(".png")[0])
        assert head.one("og:image:alt") == "COCOCI Formación"

    assert make_share_rendition(cover.pk) is True

    rendition = cover.renditions.get(filter_spec=sharing.SHARE_FILTER)
    assert (rendition.width, rendition.height) == (1200, 630)
    for page in (course, lesson, material):
        head = head_of(page)
        assert head.one("og:image") == SITE + rendition.url
        assert head.one("og:image:width") == "1200"
        assert head.one("og:image:height") == "630"
        assert head.one("og:image:alt") == "Personas en asamblea bajo un árbol"
    # Made once: the task does nothing more when it runs again.
    assert make_share_rendition(cover.pk) is False
    assert cover.renditions.filter(filter_spec=sharing.SHARE_FILTER).count() == 1


def test_publishing_a_page_enqueues_the_picture_task_once(
    pages, cover, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(sharing, "enqueue", lambda *args: sent.append(args))
    course = pages["course"]

    course.save_revision().publish()

    assert sent == [(sharing.TASK, cover.pk)]

    # Eager tasks (the embedded mode, the tests): made after the commit.
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        course.save_revision().publish()
    assert cover.renditions.filter(filter_spec=sharing.SHARE_FILTER).exists()
    assert head_of(course).one("og:image") == SITE + (
        cover.renditions.get(filter_spec=sharing.SHARE_FILTER).url
    )


def test_a_page_without_an_image_enqueues_nothing(pages, monkeypatch):
    sent = []
    monkeypatch.setattr(sharing, "enqueue", lambda *args: sent.append(args))

    pages["council"].save_revision().publish()

    assert sent == []


def test_a_private_image_never_appears(pages, monkeypatch):
    council, course = pages["council"], pages["course"]
    image = private_image(council)
    course.cover_image = image
    course.save_revision().publish()
    council.body = [
        {"type": "image", "value": {"image": image.pk, "alt_text": "", "caption": ""}},
        *council.body.raw_data,
    ]
    council.save_revision().publish()
    sent = []
    monkeypatch.setattr(sharing, "enqueue", lambda *args: sent.append(args))
    council.save_revision().publish()
    assert sent == [(sharing.TASK, image.pk)]

    assert make_share_rendition(image.pk) is False

    assert not image.renditions.filter(filter_spec=sharing.SHARE_FILTER).exists()
    # Even were one made some other way, it is never offered.
    image.get_rendition(sharing.SHARE_FILTER)
    for page in (course, council):
        head = head_of(page)
        assert "/static/" in head.one("og:image")
        html = Client().get(page.url).content.decode()
        assert image.file.url not in html
        for rendition in image.renditions.filter(filter_spec=sharing.SHARE_FILTER):
            assert rendition.url not in html


def test_a_restricted_page_says_nothing_but_its_title(pages, make_user):
    course = pages["course"]
    PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.LOGIN
    )
    client = Client()
    client.force_login(make_user("lucia"))

    head = head_of(course, client=client)

    assert head.one("og:title") == course.title
    # Besides, the site's own (the phone's view, its bar colour) and, for
    # whoever is signed in, whose phone data the page is (offline study):
    # nothing of the page.
    not_the_page = {"viewport", "theme-color"}
    not_the_page |= {"cococi-dueno", "cococi-generacion", "cococi-csrf"}
    assert set(head.meta) - not_the_page == {"og:title"}
    html = client.get(course.url).content.decode()
    assert "Un curso para organizar" not in html.split("</head>")[0]


@pytest.mark.parametrize("kind", ["course", "lesson", "material", "council"])
def test_the_whatsapp_link_carries_title_and_address(pages, kind):
    page = pages[kind]

    link = head_of(page).whatsapp()

    parts = urlsplit(link["href"])
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "wa.me", "/")
    assert parse_qs(parts.query)["text"] == [f"{page.title} {SITE}{page.url}"]
    assert link["rel"] == "noopener"
    assert "target" not in link
    html = Client().get(page.url).content.decode()
    assert ">Compartir por WhatsApp</a>" in html


def test_pages_not_offered_for_sharing_have_no_whatsapp_link(pages):
    for kind in ("home", "catalogue", "library"):
        assert not [
            a for a in head_of(pages[kind]).links if "wa.me" in a.get("href", "")
        ]
