"""Responsive images: srcset, WebP, width/height, lazy loading, never the original."""

import re

import pytest
from django.core.cache import cache

from courses.factories import (
    CoursePageFactory,
    ImageFactory,
    LessonPageFactory,
    MaterialPageFactory,
    lesson_body,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cover(media_root):
    # Renditions are cached by image id and file hash; on SQLite a rolled-back
    # test's ids are reused, so start without another test's cached renditions.
    cache.clear()
    return ImageFactory(title="Asamblea en la plaza")


def img_tags(html):
    return re.findall(r"<img\b[^>]*>", html)


def assert_responsive(tag):
    assert re.search(r'\ssrcset="[^"]+"', tag), tag
    assert re.search(r'\swidth="\d+"', tag), tag
    assert re.search(r'\sheight="\d+"', tag), tag
    assert re.search(r'\ssizes="[^"]+"', tag), tag
    urls = re.findall(r"(/media/images/[^\s\",]+)", tag)
    assert urls, tag
    assert all(url.endswith(".webp") for url in urls), tag


SHOWN_AT_360 = 'sizes="(min-width: 392px) 360px, calc(100vw - 2rem)"'


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_catalogue_cards_first_image_is_fetched_at_once_the_rest_lazily(client, cover):
    """The first card's picture is the largest thing on the catalogue's first
    screen (Lighthouse's LCP): fetched at once, at high priority."""
    CoursePageFactory(title="Asambleas que deciden", cover_image=cover)
    CoursePageFactory(title="Cuentas claras", cover_image=cover)

    html = get(client, "/cursos/")

    first, second = img_tags(html)
    for tag in (first, second):
        assert_responsive(tag)
        assert 'alt=""' in tag
        # The card's width in the grid: one column, two from 48rem, three from 68rem.
        assert (
            'sizes="(min-width: 68rem) 333px, (min-width: 48rem) calc(50vw - 36px), '
            'calc(100vw - 53px)"'
        ) in tag
    assert 'fetchpriority="high"' in first
    assert "loading=" not in first
    assert 'loading="lazy"' in second
    assert "fetchpriority" not in second
    assert "original_images/" not in html


def test_course_cover_is_responsive_webp(client, cover):
    course = CoursePageFactory(title="Asambleas que deciden", cover_image=cover)

    html = get(client, course.url)

    (tag,) = img_tags(html)
    assert_responsive(tag)
    assert "original_images/" not in html
    # Phones get a small rendition: the smallest candidate is at most 400 px wide.
    widths = [int(width) for width in re.findall(r"\s(\d+)w", tag)]
    assert min(widths) <= 400
    # Shown at its width attribute (360 px) at most, within the page's margins.
    assert SHOWN_AT_360 in tag
    assert 'fetchpriority="high"' in tag


def test_lesson_image_block_is_responsive_webp_and_lazy(client, cover):
    course = CoursePageFactory()
    body = [
        *lesson_body("La plaza es de todas."),
        {
            "type": "image",
            "value": {
                "image": cover.pk,
                "alt_text": "Personas reunidas en la plaza",
                "caption": "Asamblea de barrio",
                "credit": "Consejo de Iztapalapa",
            },
        },
    ]
    lesson = LessonPageFactory(parent=course, body=body)

    html = get(client, lesson.url)

    (tag,) = img_tags(html)
    assert_responsive(tag)
    assert 'loading="lazy"' in tag
    assert SHOWN_AT_360 in tag
    assert 'alt="Personas reunidas en la plaza"' in tag
    assert "Asamblea de barrio" in html
    assert "Consejo de Iztapalapa" in html
    assert "original_images/" not in html


def test_an_image_at_the_top_of_a_lesson_is_fetched_at_once(client, cover):
    """Lazy loading waits for the layout, hence the stylesheet: on slow 3G the
    first screen's image painted two seconds later (tests/e2e/test_page_weight)."""
    course = CoursePageFactory()
    image = {"type": "image", "value": {"image": cover.pk, "alt_text": ""}}
    body = [{"type": "heading", "value": "Para empezar"}, image]
    lesson = LessonPageFactory(parent=course, body=body)

    (tag,) = img_tags(get(client, lesson.url))

    assert_responsive(tag)
    assert "loading=" not in tag
    assert 'fetchpriority="high"' in tag


def test_material_cover_is_responsive_webp(client, cover):
    material = MaterialPageFactory(cover_image=cover)

    html = get(client, material.url)

    (tag,) = img_tags(html)
    assert_responsive(tag)
    assert "original_images/" not in html


def test_renditions_are_webp_files(client, cover):
    CoursePageFactory(cover_image=cover)

    get(client, "/cursos/")

    renditions = list(cover.renditions.all())
    assert renditions
    for rendition in renditions:
        assert rendition.file.name.endswith(".webp")
        with rendition.file.open("rb") as handle:
            header = handle.read(12)
        assert header[:4] == b"RIFF" and header[8:12] == b"WEBP"


def test_an_editor_must_describe_an_image_or_mark_it_decorative(cover):
    from wagtail.blocks import StructBlockValidationError

    from courses.blocks import ImageBlock

    block = ImageBlock()
    with pytest.raises(StructBlockValidationError) as refused:
        block.clean(block.to_python({"image": cover.pk, "alt_text": "  "}))
    (message,) = refused.value.block_errors["alt_text"].messages
    assert message.startswith("Escribe qué muestra la imagen")

    described = block.clean(
        block.to_python({"image": cover.pk, "alt_text": "Asamblea en la plaza"})
    )
    decorative = block.clean(
        block.to_python({"image": cover.pk, "alt_text": "", "decorative": True})
    )
    assert described["alt_text"] == "Asamblea en la plaza"
    assert decorative["decorative"] is True
