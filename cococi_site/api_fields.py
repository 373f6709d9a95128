"""What the public API (``cococi_site.api``, docs/api.md) says of images,
documents, codes and numbers, shared by the pages' ``api_fields`` and their
StreamField blocks.

- An image is ``{"id", "title", "alt", "width", "height", "renditions": [{"url",
  "width", "height"}]}``, its renditions WebP (RENDITION_SPECS), every URL
  absolute on SITE_URL; an image of a private collection is ``null``, whatever
  the page that uses it says.
- A document is an absolute download URL, or ``null`` when it is private.
- A code (``level``, ``kind``, ``status``) has its Spanish label beside it, in a
  field named after it with ``_label``.
"""

from django.conf import settings
from django.utils import translation
from rest_framework.fields import Field, FloatField
from wagtail.api import APIField
from wagtail.images.models import SourceImageIOError

from cococi_site.files import private_collection_ids
from cococi_site.site_address import absolute

# An image's renditions: 360 wide (a phone's screen) and 720 (twice it: a
# tablet, a sharp phone screen), never enlarged beyond the original; the
# lessons' own first two sizes, which a task makes when a page is published
# (``courses.renditions``).
RENDITION_SPECS = tuple(f"width-{width}|format-webp" for width in (360, 720))


def private_collections(context):
    """The ids of the private collections, read once per API request."""
    request = (context or {}).get("request")
    if request is None:
        return private_collection_ids()
    if not hasattr(request, "_private_collection_ids"):
        request._private_collection_ids = private_collection_ids()
    return request._private_collection_ids


def is_public(item, context):
    """``item`` (an image or a document) exists and is of a public collection."""
    return item is not None and item.collection_id not in private_collections(context)


def image_representation(image, context, alt="", decorative=False):
    """``image`` as the API shows it (see above), or None when it is private.
    A decorative image (a lesson's block says so) has an empty ``alt``."""
    if not is_public(image, context):
        return None
    try:
        renditions = list(image.get_renditions(*RENDITION_SPECS).values())
    except SourceImageIOError:
        renditions = []
    return {
        "id": image.pk,
        "title": image.title,
        "alt": "" if decorative else (alt or image.default_alt_text),
        "width": image.width,
        "height": image.height,
        "renditions": [
            {"url": absolute(r.url), "width": r.width, "height": r.height}
            for r in renditions
        ],
    }


def document_url(document, context):
    """The absolute download URL of ``document``, or None when it is private."""
    return absolute(document.url) if is_public(document, context) else None


class ShownField(Field):
    """A read-only field that shows its value with ``show(value, context)``,
    e.g. ``ShownField(image_representation, source="cover_image")``."""

    def __init__(self, show, **kwargs):
        self.show = show
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return self.show(value, self.context)


def renditions_of(image, context):
    """The renditions of ``image`` alone (the images endpoint's own field)."""
    shown = image_representation(image, context)
    return shown["renditions"] if shown else []


def number_field(name):
    """An APIField for a decimal that is a JSON number, not a string."""
    return APIField(name, serializer=FloatField(read_only=True))


def label_of(instance, code_field):
    """The Spanish label of ``instance``'s code in ``code_field``: the same
    whatever language a visitor chose, so a cached answer fits everyone."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(getattr(instance, f"get_{code_field}_display")())
