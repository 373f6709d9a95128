"""A published lesson's images (and a course's cover) are resized by a task
when the page is published, at the sizes its page asks for, so that neither a
reader nor a phone saving the course waits for an image to be resized."""

import pytest

from courses import tasks
from courses.factories import (
    CoursePageFactory,
    ImageFactory,
    LessonPageFactory,
    lesson_body,
)
from courses.renditions import COVER_FILTERS, IMAGE_FILTERS

pytestmark = pytest.mark.django_db

LESSON_SIZES = {f"width-{width}|format-webp" for width in (360, 720, 1080)}


def specs(image):
    return set(image.renditions.values_list("filter_spec", flat=True))


def image_body(image):
    return [
        *lesson_body("La plaza es de todas."),
        {"type": "image", "value": {"image": image.pk, "alt_text": "La plaza"}},
    ]


@pytest.fixture
def image(media_root):
    return ImageFactory(title="Asamblea en la plaza")


def test_the_sizes_made_are_the_ones_the_lesson_page_asks_for():
    assert set(IMAGE_FILTERS) == LESSON_SIZES


def test_publishing_a_lesson_with_an_image_makes_its_sizes(
    image, django_capture_on_commit_callbacks
):
    course = CoursePageFactory()
    lesson = LessonPageFactory(parent=course, body=[*lesson_body("Sin imagen.")])
    assert specs(image) == set()

    lesson.body = image_body(image)
    with django_capture_on_commit_callbacks(execute=True):
        lesson.save_revision().publish()

    # Besides: the booklet's and the share card's sizes (their own tasks).
    assert specs(image) >= LESSON_SIZES


def test_reading_the_lesson_after_its_publication_makes_no_image(
    client, image, django_capture_on_commit_callbacks
):
    course = CoursePageFactory()
    with django_capture_on_commit_callbacks(execute=True):
        lesson = LessonPageFactory(parent=course, body=image_body(image))
    made = image.renditions.count()
    assert specs(image) >= LESSON_SIZES

    response = client.get(lesson.url)

    assert response.status_code == 200
    assert ".width-720." in response.content.decode()
    assert image.renditions.count() == made


def test_a_course_s_cover_sizes_are_made_when_it_is_published_and_not_on_reading(
    client, image, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        course = CoursePageFactory(cover_image=image)
    made = specs(image)
    assert made >= set(COVER_FILTERS)

    assert client.get(course.url).status_code == 200

    assert specs(image) == made


def test_the_task_makes_the_sizes_once(image):
    course = CoursePageFactory()
    lesson = LessonPageFactory(parent=course, body=image_body(image))
    assert specs(image) == set()

    assert tasks.make_page_renditions(lesson.pk) == 1
    ids = set(image.renditions.values_list("pk", flat=True))
    tasks.make_page_renditions(lesson.pk)

    assert specs(image) == LESSON_SIZES
    assert set(image.renditions.values_list("pk", flat=True)) == ids


def test_an_image_whose_file_is_gone_does_not_fail_the_task(image):
    course = CoursePageFactory()
    lesson = LessonPageFactory(parent=course, body=image_body(image))
    image.file.delete(save=False)

    assert tasks.make_page_renditions(lesson.pk) == 0
    assert specs(image) == set()


def test_the_task_for_a_page_gone_or_of_another_type_does_nothing(home_page):
    assert tasks.make_page_renditions(home_page.pk) == 0
    assert tasks.make_page_renditions(999_999) == 0
