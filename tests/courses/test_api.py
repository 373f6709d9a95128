"""The public API (/api/v2/, docs/api.md): published, public pages and images
of public collections, for a phone app or a partner site. Absolute URLs on
SITE_URL, Spanish labels beside codes, numbers as numbers, quiz questions
without their answers, never a private image or field."""

import json
import re

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from wagtail.images import get_image_model
from wagtail.models import PageViewRestriction

from councils.factories import make_council
from courses.factories import (
    CoursePageFactory,
    DocumentFactory,
    ImageFactory,
    LessonPageFactory,
    MaterialPageFactory,
    quiz_question,
)
from courses.models import Axis

pytestmark = pytest.mark.django_db

SITE = "https://formacion.example.org"
FEEDBACK = "Exacto: la asamblea es la máxima autoridad."
WRONG_FEEDBACK = "No: la mesa solo coordina."
QUIZ = [
    quiz_question(
        "¿Cuál es la máxima autoridad del consejo?",
        [
            ("La asamblea", True, FEEDBACK),
            ("La mesa directiva", False, WRONG_FEEDBACK),
            ("El gobierno municipal", False, ""),
        ],
    )
]


@pytest.fixture(autouse=True)
def site_url(settings, tmp_path):
    """The site answers on SITE; media in a scratch folder."""
    settings.WAGTAILADMIN_BASE_URL = settings.WAGTAILAPI_BASE_URL = SITE
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_X_ACCEL_REDIRECT = ""
    from cococi_site.site_address import match_site_record

    match_site_record()
    # Renditions are cached by image id, which SQLite reuses after a rollback.
    cache.clear()


def api(client, query, endpoint="pages"):
    response = client.get(f"/api/v2/{endpoint}/{query}")
    assert response.status_code == 200, response.content
    return response


def image_block(image, alt=""):
    return {
        "type": "image",
        "value": {"image": image.pk, "alt_text": alt, "caption": "En la plaza"},
    }


def private_image(title="Acta firmada (privada)"):
    """An image of a council's private collection (a view restriction on it)."""
    council = make_council("Consejo Comunitario Santa Cecilia")
    image = get_image_model()(title=title, collection=council.collection)
    image.file = ImageFile(ContentFile(png()), name="acta.png")
    image.save()
    return image


def png():
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (800, 600), "#aa3322").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def cover():
    return ImageFactory(title="Asamblea en la plaza", description="Vecinas en asamblea")


@pytest.fixture
def course(cover):
    course = CoursePageFactory(
        title="Asambleas que deciden",
        primary_axis=Axis.objects.get(number=1),
        level="intermedio",
        estimated_hours="2.5",
        summary="Cómo preparar y conducir una asamblea.",
        tags=["asamblea"],
        cover_image=cover,
        facilitator_notes="<p>Notas privadas para quien facilita.</p>",
    )
    CoursePageFactory(title="Curso en borrador", live=False, publish=False)
    LessonPageFactory(
        parent=course,
        title="La máxima autoridad",
        quiz=QUIZ,
        estimated_minutes=25,
        body=[
            {"type": "heading", "value": "Quién decide"},
            image_block(cover, alt="La asamblea vota a mano alzada"),
        ],
        facilitator_notes="<p>Notas de la lección para quien facilita.</p>",
    )
    LessonPageFactory(
        parent=course, title="Lección en borrador", live=False, publish=False
    )
    return course


def lesson_of(course, title="La máxima autoridad"):
    return course.get_children().get(title=title).specific


# Courses


def test_courses_have_labels_numbers_and_a_cover_with_renditions(client, course):
    data = api(client, "?type=courses.CoursePage&fields=*").json()

    assert data["meta"]["total_count"] == 1
    (item,) = data["items"]
    assert item["title"] == "Asambleas que deciden"
    assert item["primary_axis_info"] == {
        "number": 1,
        "name": "Democracia participativa y directa",
        "slug": "democracia-participativa",
    }
    assert item["level"] == "intermedio"
    assert item["level_label"] == "Intermedio"
    assert item["estimated_hours"] == 2.5
    assert item["lesson_count"] == 1
    assert item["tag_names"] == ["asamblea"]
    assert "facilitator_notes" not in item
    cover = item["cover"]
    assert cover["alt"] == "Vecinas en asamblea"
    assert (cover["width"], cover["height"]) == (1200, 675)
    assert [(r["width"], r["height"]) for r in cover["renditions"]] == [
        (360, 202),
        (720, 405),
    ]
    for rendition in cover["renditions"]:
        assert rendition["url"].startswith(f"{SITE}/media/images/")
        assert rendition["url"].endswith(".webp")
        assert client.get(rendition["url"].removeprefix(SITE)).status_code == 200


def test_labels_are_spanish_whatever_language_the_visitor_chose(client, course):
    client.cookies["django_language"] = "en"

    response = api(client, "?type=courses.CoursePage&fields=level_label")

    (item,) = response.json()["items"]
    assert item["level_label"] == "Intermedio"
    # And it says so: a shared cache keeps this one copy for everyone.
    assert response["Content-Language"] == "es-mx"
    assert "Cookie" not in response.get("Vary", "")


def test_a_decorative_image_block_has_an_empty_alt(client, course):
    lesson = lesson_of(course)
    block = image_block(course.cover_image)
    block["value"]["decorative"] = True
    lesson.body = [block]
    lesson.save_revision().publish()

    (shown,) = api(client, f"{lesson.pk}/").json()["body"]

    assert shown["value"]["image"]["alt"] == ""
    assert shown["value"]["image"]["renditions"]


def test_every_url_is_absolute_on_site_url(client, course):
    lesson = lesson_of(course)
    listing = api(client, "?type=courses.CoursePage&fields=*").json()
    detail = api(client, f"{lesson.pk}/").json()

    (item,) = listing["items"]
    assert item["meta"]["html_url"] == f"{SITE}/cursos/asambleas-que-deciden/"
    assert item["meta"]["detail_url"] == f"{SITE}/api/v2/pages/{course.pk}/"
    assert detail["meta"]["html_url"] == f"{SITE}{lesson.url_path[len('/inicio') :]}"
    assert detail["meta"]["parent"]["meta"]["html_url"] == item["meta"]["html_url"]
    urls = re.findall(r'"(?:https?:)?/[^"]*"', json.dumps([listing, detail]))
    assert urls
    for url in urls:
        assert url.startswith(f'"{SITE}/'), url


def test_the_api_never_shows_facilitator_notes(client, course):
    lesson = lesson_of(course)
    for page in (course, lesson):
        response = api(client, f"{page.pk}/?fields=*")
        assert "Notas" not in response.content.decode()
        asking = client.get(f"/api/v2/pages/{page.pk}/?fields=facilitator_notes")
        assert asking.status_code == 400


def test_drafts_and_lessons_of_a_course_in_review_are_left_out(client, course):
    in_review = CoursePageFactory(title="Curso en revisión")
    LessonPageFactory(parent=in_review, title="Lección adelantada")
    in_review.unpublish()

    body = api(client, "?fields=*&limit=20").content.decode()

    assert "Curso en borrador" not in body
    assert "Lección en borrador" not in body
    assert "Lección adelantada" not in body


def test_a_restricted_page_is_never_listed_not_even_to_whoever_may_see_it(
    client, course, django_user_model
):
    restricted = CoursePageFactory(title="Curso para cuadros")
    PageViewRestriction.objects.create(
        page=restricted, restriction_type=PageViewRestriction.LOGIN
    )
    client.force_login(django_user_model.objects.create_user("curiosa"))

    body = api(client, "?type=courses.CoursePage").content.decode()

    assert "Curso para cuadros" not in body
    assert client.get(f"/api/v2/pages/{restricted.pk}/").status_code == 404


# Lessons and their quiz


def test_a_lesson_has_its_questions_and_choices_in_the_public_order(client, course):
    lesson = lesson_of(course)

    data = api(client, f"{lesson.pk}/").json()

    assert data["estimated_minutes"] == 25
    assert data["quiz_size"] == 1
    assert data["pass_mark"] == 70
    (question,) = data["quiz_questions"]
    public = lesson.quiz_questions()
    assert question == {
        "id": public[0]["id"],
        "text": "¿Cuál es la máxima autoridad del consejo?",
        "multiple": False,
        "choices": public[0]["choices"],
    }
    shown = [choice["text"] for choice in question["choices"]]
    assert shown == [
        bound.value["text"] for bound in lesson.ordered_choices(lesson.quiz[0])
    ]
    assert sorted(shown) == [
        "El gobierno municipal",
        "La asamblea",
        "La mesa directiva",
    ]
    # The page shows the same choices, in the same order.
    page = client.get(lesson.url).content.decode()
    places = [page.index(f">{text}<") for text in shown]
    assert places == sorted(places)


def test_no_correct_flag_nor_feedback_anywhere_in_the_api(client, course):
    lesson = lesson_of(course)
    answers = [
        api(client, query).content.decode()
        for query in (
            "?fields=*",
            "?type=courses.LessonPage&fields=*",
            f"{lesson.pk}/",
            f"{lesson.pk}/?fields=*",
        )
    ]
    found = client.get(
        f"/api/v2/pages/find/?html_path={lesson.url_path[len('/inicio') :]}",
        follow=True,
    )
    answers.append(found.content.decode())

    assert "quiz_questions" in answers[2]
    for text in answers:
        assert "correct" not in text
        assert FEEDBACK not in text
        assert WRONG_FEEDBACK not in text
    for url in (
        "/api/v2/pages/?type=courses.LessonPage&fields=quiz",
        f"/api/v2/pages/{lesson.pk}/?fields=quiz",
    ):
        response = client.get(url)
        assert response.status_code == 400, url
        assert FEEDBACK not in response.content.decode()


def test_a_lessons_image_block_has_renditions_alt_and_caption(client, course, cover):
    lesson = lesson_of(course)

    body = api(client, f"{lesson.pk}/").json()["body"]

    heading, image = body
    assert heading["value"] == "Quién decide"
    assert image["type"] == "image"
    assert image["value"]["caption"] == "En la plaza"
    shown = image["value"]["image"]
    assert shown["id"] == cover.pk
    assert shown["alt"] == "La asamblea vota a mano alzada"
    assert [r["width"] for r in shown["renditions"]] == [360, 720]
    assert all(r["url"].startswith(f"{SITE}/media/") for r in shown["renditions"])


def test_a_lessons_body_and_questions_are_in_its_detail_only(client, course):
    (item,) = api(client, "?type=courses.LessonPage&fields=*").json()["items"]

    assert item["title"] == "La máxima autoridad"
    assert item["quiz_size"] == 1
    assert "body" not in item and "quiz_questions" not in item
    asking = client.get("/api/v2/pages/?type=courses.LessonPage&fields=body")
    assert asking.status_code == 400


# Private images


def test_a_private_image_is_never_shown(client, course, cover):
    secret = private_image()
    course.cover_image = secret
    course.save_revision().publish()
    lesson = lesson_of(course)
    # Saved as the raw data: the editor's form refuses a private image, but an
    # image's collection may become private after the page was published.
    lesson.body = [image_block(secret, alt="Firmas del acta")]
    lesson.save_revision().publish()
    material = MaterialPageFactory(title="Guía del agua", cover_image=secret)

    answers = [
        api(client, "?type=courses.CoursePage&fields=*").json(),
        api(client, f"{course.pk}/").json(),
        api(client, f"{lesson.pk}/").json(),
        api(client, "?type=courses.MaterialPage&fields=*").json(),
        api(client, f"{material.pk}/").json(),
        api(client, "", endpoint="images").json(),
    ]

    assert answers[0]["items"][0]["cover"] is None
    assert answers[1]["cover"] is None
    assert answers[2]["body"][0]["value"]["image"] is None
    assert answers[3]["items"][0]["cover"] is None
    text = json.dumps(answers, ensure_ascii=False)
    assert "Acta firmada" not in text
    assert f'"id": {secret.pk},' not in text
    assert secret.file.name.rsplit("/", 1)[-1].split(".")[0] not in text
    assert client.get(f"/api/v2/images/{secret.pk}/").status_code == 404
    assert client.get(f"/api/v2/images/?id={secret.pk}").json()["items"] == []


# Images endpoint


def test_the_images_endpoint_lists_public_images_with_renditions(client, cover):
    private_image()

    data = api(client, "", endpoint="images").json()

    (item,) = data["items"]
    assert item["title"] == "Asamblea en la plaza"
    assert item["alt"] == "Vecinas en asamblea"
    assert item["meta"]["detail_url"] == f"{SITE}/api/v2/images/{cover.pk}/"
    # Never the original: an upload keeps where and when the camera took it.
    assert "download_url" not in item["meta"]
    assert "original_images" not in str(data)
    assert [r["width"] for r in item["renditions"]] == [360, 720]
    detail = api(client, f"{cover.pk}/", endpoint="images").json()
    assert (detail["width"], detail["height"]) == (1200, 675)
    assert detail["renditions"] == item["renditions"]
    assert "original_images" not in str(detail)
    rendition = client.get(item["renditions"][0]["url"].removeprefix(SITE))
    assert rendition.status_code == 200


def test_the_images_listing_costs_the_same_for_more_images(
    client, django_assert_max_num_queries
):
    def count():
        api(client, "", endpoint="images")  # renditions made once
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            api(client, "", endpoint="images")
        return len(queries)

    ImageFactory()
    few = count()
    for _n in range(4):
        ImageFactory()
    assert count() == few <= 6


# Materials and councils


def test_materials_have_their_label_and_absolute_download_url(client):
    document = DocumentFactory()
    MaterialPageFactory(title="Guía del agua", kind="guia", document=document)

    (item,) = api(client, "?type=courses.MaterialPage&fields=*").json()["items"]

    assert item["kind"] == "guia"
    assert item["kind_label"] == "Guía"
    assert item["axis_info"]["number"] == 1
    assert item["download_url"] == f"{SITE}{document.url}"
    assert item["cover"] is None


def test_councils_show_their_status_label_and_axes(client):
    council = make_council("Consejo Comunitario Santa Cecilia")
    council.status = "constituido"
    council.priority_axes.set(Axis.objects.filter(number__in=[3, 1]))
    council.save_revision().publish()

    (item,) = api(client, "?type=councils.CouncilPage&fields=*").json()["items"]

    assert item["status"] == "constituido"
    assert item["status_label"] == "Constituido"
    assert [axis["number"] for axis in item["priority_axes_info"]] == [1, 3]
    assert item["meta"]["html_url"] == f"{SITE}{council.url}"


# Cost and caching


@pytest.mark.parametrize(
    "query",
    [
        "?type=courses.CoursePage&fields=*",
        "?type=courses.LessonPage&fields=*",
        "?type=courses.MaterialPage&fields=*",
        "?type=councils.CouncilPage&fields=*",
        "?fields=*",
    ],
)
def test_a_listing_costs_the_same_for_more_pages(client, query, cover):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add_pages(number):
        for _n in range(number):
            course = CoursePageFactory(cover_image=cover, tags=["asamblea"])
            LessonPageFactory(parent=course, quiz=QUIZ)
            MaterialPageFactory(cover_image=cover, document=DocumentFactory())
            council = make_council(
                f"Consejo {CoursePageFactory._meta.model.objects.count()}"
            )
            council.priority_axes.set(Axis.objects.filter(number=2))

    def count():
        api(client, query)  # renditions made once
        with CaptureQueriesContext(connection) as queries:
            api(client, query)
        return len(queries)

    add_pages(1)
    few = count()
    add_pages(3)
    assert count() == few


def test_answers_are_public_and_cacheable(client, course):
    response = api(client, "?type=courses.CoursePage")

    assert "public" in response["Cache-Control"]
    assert "max-age=300" in response["Cache-Control"]
    assert "Cookie" not in response.get("Vary", "")
    assert not response.cookies


def test_an_unknown_type_is_a_clear_400(client):
    assert client.get("/api/v2/pages/?type=courses.NoExiste").status_code == 400


def test_there_is_no_documents_endpoint(client):
    assert client.get("/api/v2/documents/").status_code == 404


def test_links_inside_rich_text_are_absolute(client, course):
    document = DocumentFactory()
    lesson = lesson_of(course)
    lesson.body = [
        {
            "type": "paragraph",
            "value": f'<p>Lee <a linktype="page" id="{course.pk}">el curso</a> y '
            f'<a linktype="document" id="{document.pk}">la guía</a>.</p>',
        }
    ]
    lesson.save_revision().publish()

    (paragraph,) = api(client, f"{lesson.pk}/").json()["body"]

    assert f'href="{SITE}/cursos/asambleas-que-deciden/"' in paragraph["value"]
    assert f'href="{SITE}{document.url}"' in paragraph["value"]
    assert "linktype" not in paragraph["value"]


def test_reading_a_published_cover_makes_no_rendition(
    client, cover, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        course = CoursePageFactory(cover_image=cover)  # the task makes them
    made = cover.renditions.count()

    api(client, f"{course.pk}/")
    api(client, "?type=courses.CoursePage&fields=cover")

    assert cover.renditions.count() == made


def test_search_finds_nothing_by_what_is_never_shown(client, course):
    found = api(client, "?search=asamblea&type=courses.CoursePage").json()
    assert found["meta"]["total_count"] == 1

    for hidden in ("privadas", "Exacto", "coordina"):
        data = api(client, f"?search={hidden}").json()
        assert data["meta"]["total_count"] == 0, hidden


@pytest.mark.parametrize("endpoint", ["pages", "images"])
@pytest.mark.parametrize(
    "query", ["?offset=99999999999999999999", "?search=asamblea&search_operator=xor"]
)
def test_parameters_past_what_the_database_takes_are_a_clear_400(
    client, course, endpoint, query
):
    response = client.get(f"/api/v2/{endpoint}/{query}")

    assert response.status_code == 400
    assert response.json()["message"]
