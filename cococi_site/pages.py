"""What every page type of the site shares."""

from django.utils.text import slugify
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

    def full_clean(self, *args, **kwargs):
        """Addresses travel by WhatsApp and SMS: a slug typed with accents or
        an eñe is kept plain (``organizacion``, ``companeras``), as Wagtail's
        admin already makes it from a title (WAGTAIL_ALLOW_UNICODE_SLUGS off)."""
        if self.slug and not self.slug.isascii():
            self.slug = slugify(self.slug) or self.slug
        super().full_clean(*args, **kwargs)
