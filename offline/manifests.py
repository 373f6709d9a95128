"""What a phone saves of a course to study it offline: its page, its lessons'
pages and their images at phone size, each with a version, so that a saved
copy is fetched again only when what it shows changed.

Images are listed only once their renditions exist: they are made by a task
when a lesson is published (``courses.tasks.make_page_renditions``), never
on this request.
"""

import hashlib

from wagtail.images import get_image_model

from cococi_site import content
from cococi_site.files import collection_is_private
from courses.models import LessonPage
from courses.renditions import COVER_PHONE, IMAGE_PHONE, lesson_image_ids

# What a saved page takes beyond its text: the layout, header and footer
# (measured on the demo's lessons as served, see docs/benchmarks.md).
PAGE_OVERHEAD_BYTES = 8600


def _version(*parts):
    text = "|".join(str(part) for part in (content.release(), *parts))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _text_bytes(page):
    """About what the text of ``page`` takes as HTML."""
    raw = getattr(page, "body", None)
    size = len(str(raw.raw_data)) if raw is not None else 0
    size += len(getattr(page, "summary", "") or "")
    size += len(str(page.quiz.raw_data)) if isinstance(page, LessonPage) else 0
    return PAGE_OVERHEAD_BYTES + size


def course_manifest(course, request):
    """The course's list of what to save, as the phone reads it."""
    lessons = list(course.lessons().public().specific())
    outline = [
        (lesson.pk, lesson.title, lesson.last_published_at) for lesson in lessons
    ]
    # A lesson's page shows its course, its number and its neighbours' titles.
    frame = (course.pk, course.title, course.last_published_at, outline)
    entries = [
        {
            "url": course.get_url(request),
            "version": _version(frame),
            "bytes": _text_bytes(course),
        }
    ]
    entries += [
        {
            "url": lesson.get_url(request),
            "version": _version(frame, lesson.pk, lesson.last_published_at),
            "bytes": _text_bytes(lesson),
        }
        for lesson in lessons
    ]
    entries += _image_entries(course, lessons)
    return {
        "course": {
            "id": course.pk,
            "title": course.title,
            "url": course.get_url(request),
        },
        "generation": content.generation() or "",
        "bytes": sum(entry["bytes"] for entry in entries),
        "entries": entries,
    }


def _image_entries(course, lessons):
    image_ids = {
        image_id for lesson in lessons for image_id in lesson_image_ids(lesson)
    }
    wanted = [(image_id, IMAGE_PHONE) for image_id in image_ids]
    if course.cover_image_id:
        wanted.append((course.cover_image_id, COVER_PHONE))
    if not wanted:
        return []
    renditions = (
        get_image_model()
        .get_rendition_model()
        .objects.filter(
            image_id__in={image_id for image_id, _spec in wanted},
            filter_spec__in={spec for _image_id, spec in wanted},
        )
        .select_related("image__collection")
    )
    # An image of a private collection is not every reader's (a lesson's
    # blocks refuse one; an older page may still hold it): never listed.
    private = {}
    made = {}
    for rendition in renditions:
        collection = rendition.image.collection
        if collection.pk not in private:
            private[collection.pk] = collection_is_private(collection)
        if not private[collection.pk]:
            made[(rendition.image_id, rendition.filter_spec)] = rendition
    entries = []
    for key in sorted(wanted):
        rendition = made.get(key)
        if rendition is None:
            continue
        try:
            size = rendition.file.size
        except OSError:
            continue
        entries.append({"url": rendition.url, "version": "", "bytes": size})
    return entries
