"""The public read-only API (Wagtail API v2): published, public pages only."""

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet

from courses.models.pages import without_unpublished_courses


class PublicPagesAPIViewSet(PagesAPIViewSet):
    """Published, public pages; lessons of a course still in review are left out."""

    def get_base_queryset(self):
        return without_unpublished_courses(super().get_base_queryset())


api_router = WagtailAPIRouter("wagtailapi")
# Only pages: images and documents endpoints would list councils' private files.
api_router.register_endpoint("pages", PublicPagesAPIViewSet)
