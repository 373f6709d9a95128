"""What every page type of the site shares."""

from wagtail.models import PageViewRestriction

from . import content


class SitePageMixin:
    """Wagtail checks a page's view restrictions, and those of its ancestors,
    on every request: two queries. Most sites restrict nothing, this one
    included; while no restriction exists anywhere (known under the content
    generation, which a new restriction bumps) the answer costs no query."""

    def get_view_restrictions(self):
        if not content.cached(
            "view-restrictions:any", PageViewRestriction.objects.exists
        ):
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()
