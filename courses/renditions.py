"""The sizes a lesson's images and a course's cover are shown at, made by a
task when the page is published, so that no reader's request waits for an
image to be resized (the templates ask for the same filters: see
``templates/courses/blocks/image_block.html`` and ``course_page.html``).

``IMAGE_PHONE`` and ``COVER_PHONE`` are the sizes a phone saves to study
offline (``offline.manifests``)."""

from wagtail.images import get_image_model

from cococi_site.api_fields import RENDITION_SPECS

IMAGE_FILTERS = (*RENDITION_SPECS, "width-1080|format-webp")
COVER_FILTERS = tuple(
    f"fill-{size}|format-webp" for size in ("360x200", "720x400", "1080x600")
)
IMAGE_PHONE = IMAGE_FILTERS[1]
COVER_PHONE = COVER_FILTERS[1]
# The renditions the public API gives of any image, a cover too: 360 and 720
# wide, uncropped.
API_FILTERS = RENDITION_SPECS


def lesson_image_ids(lesson):
    """The ids of the images of ``lesson``'s body, read from its raw data."""
    ids = []
    for block in lesson.body.raw_data:
        if block["type"] == "image" and isinstance(block.get("value"), dict):
            image_id = block["value"].get("image")
            if isinstance(image_id, int):
                ids.append(image_id)
    return ids


def renditions_make(*, image_ids, filters):
    """Make the ``filters`` renditions of each image that has not got them;
    idempotent. Returns how many images were looked at."""
    images = get_image_model().objects.filter(pk__in=set(image_ids))
    count = 0
    for image in images:
        try:
            image.get_renditions(*filters)
        except OSError:
            # A missing or unreadable original: the page shows the image
            # as Wagtail does for such files; nothing to make.
            continue
        count += 1
    return count
