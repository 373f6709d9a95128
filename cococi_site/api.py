"""The public read-only API (Wagtail API v2 at /api/v2/), for a phone app or a
partner site: what anyone may read on the site, nothing more (docs/api.md).

- ``pages``: published pages behind no view restriction, whoever asks (a
  signed-in leader's session opens nothing more here); lessons of a course in
  review are left out. Heavy fields (a page's body, a lesson's questions) only
  in a page's detail, so a listing costs the same few queries for any number of
  pages.
- ``images``: images of public collections only (no view restriction on the
  collection or above it), with their renditions.

Every URL is absolute on SITE_URL (``WAGTAILAPI_BASE_URL``, the Site record),
every label Spanish, and the answers are the same for everyone: anonymous and
cacheable.
"""

import re

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from rest_framework.fields import Field
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.images.api.v2.serializers import ImageSerializer
from wagtail.images.api.v2.views import ImagesAPIViewSet

from cococi_site.api_fields import ShownField, private_collections, renditions_of
from cococi_site.site_address import absolute, site_url
from councils.models import CouncilPage
from courses.models import CoursePage, LessonPage, MaterialPage
from courses.models.pages import live_children_count, without_unpublished_courses

# How long a browser or a shared cache may keep an answer: published content
# changes seldom, and a phone on a slow network asks again anyway.
API_MAX_AGE = 5 * 60

# What each page type's listing reads with it, so that it costs the same few
# queries for any number of pages.
LISTING_RELATED = {
    CoursePage: {
        "select": ["primary_axis", "cover_image"],
        "prefetch": ["tags", "cover_image__renditions"],
    },
    MaterialPage: {
        "select": ["axis", "document", "cover_image"],
        "prefetch": ["cover_image__renditions"],
    },
    CouncilPage: {
        "select": ["municipality", "state"],
        "prefetch": ["priority_axes"],
    },
    LessonPage: {"select": [], "prefetch": []},
}


# A link or a source on this site inside rich text ("/cursos/…", "/documentos/…"):
# Wagtail's HTML gives them as paths, which a phone app cannot follow.
SITE_PATH_ATTRIBUTE = re.compile(r'\b(href|src)="/(?!/)')


def with_absolute_links(data):
    """``data`` (an answer's data) with every path in rich text made absolute."""
    if isinstance(data, str):
        if data.startswith("http://"):
            return absolute(data)
        if 'href="/' in data or 'src="/' in data:
            return SITE_PATH_ATTRIBUTE.sub(rf'\1="{site_url()}/', data)
        return data
    if isinstance(data, dict):
        return {key: with_absolute_links(value) for key, value in data.items()}
    if isinstance(data, list):
        return [with_absolute_links(value) for value in data]
    return data


# Far past any listing there could be, and within a database's integers.
MAX_OFFSET = 10**9
SEARCH_OPERATORS = ("and", "or")


class PublicAPIMixin:
    """Anonymous, Spanish, cacheable answers, with absolute links only."""

    # No session or login is read: the answer is the one anyone gets.
    authentication_classes = []
    permission_classes = []

    def dispatch(self, request, *args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        """Parameters Wagtail would pass on to the database or the search
        backend unchecked (a 500): a clear 400 instead."""
        super().initial(request, *args, **kwargs)
        offset = request.GET.get("offset", "")
        if offset.isdigit() and int(offset) > MAX_OFFSET:
            raise BadRequestError(
                _("offset cannot be higher than %(max)d") % {"max": MAX_OFFSET}
            )
        if request.GET.get("search_operator", "and") not in SEARCH_OPERATORS:
            raise BadRequestError(_("search_operator must be “and” or “or”"))

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == 200:
            response.data = with_absolute_links(response.data)
            patch_cache_control(response, public=True, max_age=API_MAX_AGE)
        # Spanish whatever the language cookie says: no Vary on it, and it
        # says so while the Spanish of ``dispatch`` is still active.
        response.same_in_every_language = True
        response["Content-Language"] = translation.get_language()
        return response


class PublicPagesAPIViewSet(PublicAPIMixin, PagesAPIViewSet):
    """Published, public pages; lessons of a course still in review are left out."""

    detail_only_fields = [*PagesAPIViewSet.detail_only_fields, "body", "quiz_questions"]

    def get_base_queryset(self):
        # Wagtail asks for it up to three times a request: read it once.
        if not hasattr(self, "_base_queryset"):
            pages = super().get_base_queryset().public()
            self._base_queryset = without_unpublished_courses(pages)
        return self._base_queryset

    def get_queryset(self):
        pages = super().get_queryset()
        # The locale: each page's html_url reads it.
        pages = pages.select_related("locale")
        related = LISTING_RELATED.get(pages.model)
        if related:
            pages = pages.select_related(*related["select"]).prefetch_related(
                *related["prefetch"]
            )
        if pages.model is CoursePage:
            pages = pages.annotate(lesson_count=live_children_count(LessonPage))
        return pages


def alt_text(image, context):
    """What an image shows, for people who cannot see it."""
    return image.default_alt_text


class PrefetchedTagsField(Field):
    """An image's tag names, read from the listing's prefetch (Wagtail's own
    field asks the database again for each image)."""

    def to_representation(self, tags):
        return sorted(tag.name for tag in tags.all())


class PublicImageSerializer(ImageSerializer):
    tags = PrefetchedTagsField(read_only=True)
    alt = ShownField(alt_text, source="*")
    renditions = ShownField(renditions_of, source="*")


class PublicImagesAPIViewSet(PublicAPIMixin, ImagesAPIViewSet):
    """Images of public collections, with their renditions and never their
    original: an upload keeps what the camera wrote in it (where, when), which
    a rendition leaves out."""

    base_serializer_class = PublicImageSerializer
    body_fields = [*ImagesAPIViewSet.body_fields, "alt", "renditions"]
    meta_fields = [f for f in ImagesAPIViewSet.meta_fields if f != "download_url"]
    listing_default_fields = [
        *(f for f in ImagesAPIViewSet.listing_default_fields if f != "download_url"),
        "alt",
        "renditions",
    ]
    nested_default_fields = [
        f for f in ImagesAPIViewSet.nested_default_fields if f != "download_url"
    ]

    def get_queryset(self):
        return (
            self.model.objects.exclude(
                collection__in=private_collections({"request": self.request})
            )
            .prefetch_related("tags", "renditions")
            .order_by("id")
        )


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PublicPagesAPIViewSet)
# No documents endpoint: a council's actas are documents of private collections,
# and what a page links to is in that page's own fields.
api_router.register_endpoint("images", PublicImagesAPIViewSet)
