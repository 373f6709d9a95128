"""A course's list of what a phone saves to study it offline
(GET /cursos/<curso>/sin-conexion/): its page, its live public lessons, their
images at phone size once made, each with a version that changes only when
what the page shows changes. Never makes an image on the reader's request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.images import get_image_model
from wagtail.models import PageViewRestriction

from courses.factories import ImageFactory, LessonPageFactory, lesson_body
from courses.renditions import IMAGE_PHONE
from courses.services import page_renditions_make
from tests.courses.learning_fixtures import lessons_of, make_lesson

pytestmark = pytest.mark.django_db


def manifest_url(course):
    return course.url + "sin-conexion/"


def manifest(client, course):
    response = client.get(manifest_url(course))
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def urls(data):
    return [entry["url"] for entry in data["entries"]]


def versions(data):
    return {entry["url"]: entry["version"] for entry in data["entries"]}


def renditions_count():
    return get_image_model().get_rendition_model().objects.count()


@pytest.fixture
def image_lesson(course, media_root):
    image = ImageFactory(title="Asamblea en la plaza")
    body = [
        *lesson_body("La plaza es de todas."),
        {"type": "image", "value": {"image": image.pk, "alt_text": "La plaza"}},
    ]
    return LessonPageFactory(
        parent=course, title="La plaza", slug="la-plaza", body=body
    )


def test_an_anonymous_visitor_is_refused_with_a_json_403(client, course):
    response = client.get(manifest_url(course))

    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert "message" in response.json()


def test_an_anonymous_visitor_is_told_in_spanish_to_sign_in(client, course):
    message = client.get(manifest_url(course)).json()["message"]

    assert message == "Entra para guardar cursos en tu teléfono."


def test_the_manifest_is_only_read(member_client, course):
    assert member_client.post(manifest_url(course)).status_code == 405


def test_a_member_gets_the_course_page_and_its_lessons_in_order(member_client, course):
    data = manifest(member_client, course)

    assert urls(data) == [course.url] + [lesson.url for lesson in lessons_of(course)]
    assert data["course"] == {"id": course.pk, "title": course.title, "url": course.url}
    assert all(entry["bytes"] > 0 for entry in data["entries"])
    assert data["bytes"] == sum(entry["bytes"] for entry in data["entries"])
    assert "generation" in data


def test_drafts_unpublished_and_restricted_lessons_are_left_out(member_client, course):
    draft = make_lesson(course, "Borrador", live=False)
    withdrawn = make_lesson(course, "Retirada")
    withdrawn.unpublish()
    secret = make_lesson(course, "Solo mesa")
    PageViewRestriction.objects.create(
        page=secret, restriction_type=PageViewRestriction.LOGIN
    )

    listed = urls(manifest(member_client, course))

    assert len(listed) == 4
    for lesson in (draft, withdrawn, secret):
        assert not [url for url in listed if url.endswith(f"/{lesson.slug}/")]


def test_a_course_closed_to_her_gives_her_no_list_of_its_lessons(member_client, course):
    from django.contrib.auth.models import Group

    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.create(name="Mesa estratégica")])

    response = member_client.get(manifest_url(course))

    assert response.status_code != 200
    for lesson in lessons_of(course):
        assert lesson.url.encode() not in response.content


def test_an_unpublished_course_has_no_manifest(member_client, course):
    course.unpublish()

    assert member_client.get(manifest_url(course)).status_code == 404


def test_images_are_listed_only_once_made_and_the_manifest_never_makes_them(
    member_client, course, image_lesson
):
    before = renditions_count()

    first = manifest(member_client, course)

    assert renditions_count() == before
    assert not [url for url in urls(first) if url.startswith("/media/")]

    page_renditions_make(page_id=image_lesson.pk)
    made = renditions_count()
    second = manifest(member_client, course)

    assert renditions_count() == made
    images = [
        entry for entry in second["entries"] if entry["url"].startswith("/media/")
    ]
    (image,) = images
    rendition = (
        get_image_model().get_rendition_model().objects.get(filter_spec=IMAGE_PHONE)
    )
    assert image["url"] == rendition.url
    assert ".width-720." in image["url"] and image["url"].endswith(".webp")
    assert image["bytes"] == rendition.file.size > 0
    assert second["bytes"] > first["bytes"]


def test_the_images_of_a_restricted_lesson_are_not_listed(
    member_client, course, image_lesson
):
    page_renditions_make(page_id=image_lesson.pk)
    PageViewRestriction.objects.create(
        page=image_lesson, restriction_type=PageViewRestriction.LOGIN
    )

    listed = urls(manifest(member_client, course))

    assert not [url for url in listed if url.startswith("/media/")]


def test_versions_stay_the_same_while_nothing_changes(member_client, course):
    assert versions(manifest(member_client, course)) == versions(
        manifest(member_client, course)
    )


def test_a_republished_lesson_gets_a_new_version(member_client, course):
    lesson = lessons_of(course)[1]
    before = versions(manifest(member_client, course))

    lesson.body = lesson_body("Otra explicación de la convocatoria.")
    lesson.save_revision().publish()
    after = versions(manifest(member_client, course))

    assert after.keys() == before.keys()
    assert after[lesson.url] != before[lesson.url]


def test_a_lesson_added_to_the_course_changes_the_course_page_s_version(
    member_client, course
):
    """The course page lists its lessons: a new one changes what it shows."""
    before = versions(manifest(member_client, course))

    make_lesson(course, "Dar seguimiento")
    after = versions(manifest(member_client, course))

    assert after[course.url] != before[course.url]


def test_a_new_release_gets_new_versions(member_client, course, monkeypatch):
    """New templates may show a page differently: a saved copy is fetched again."""
    from cococi_site import content

    before = versions(manifest(member_client, course))
    monkeypatch.setattr(content, "release", lambda: "otra-version")

    after = versions(manifest(member_client, course))

    assert all(after[url] != before[url] for url in before)


def manifest_queries(client, course):
    with CaptureQueriesContext(connection) as queries:
        manifest(client, course)
    return len(queries)


def test_the_manifest_s_queries_do_not_grow_with_the_lessons(
    member_client, course, media_root
):
    few = manifest_queries(member_client, course)
    image = ImageFactory()
    for number in range(6):
        body = [
            *lesson_body("Más lecciones."),
            {"type": "image", "value": {"image": image.pk, "alt_text": ""}},
        ]
        LessonPageFactory(parent=course, title=f"Más {number}", body=body)

    many = manifest_queries(member_client, course)

    assert many <= few + 2, (few, many)
    assert many <= 15
