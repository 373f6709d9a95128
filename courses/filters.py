"""Catalogue and library filters read from the query string, never trusted."""

from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from taggit.models import Tag

from cococi_site.page_cache import not_for_the_cache, page_asked

from .models.axes import Axis

PAGE_SIZE = 12
FILTER_PARAMETERS = ("eje", "nivel", "tipo", "tema")


class ListingFilters:
    """Axis, level, kind and tag filters; unknown values give a message, not a 500."""

    def __init__(self, request, *, levels=(), kinds=()):
        self.request = request
        self.params = request.GET
        self.messages = []
        self.axes = list(Axis.objects.ordered())
        self.axis = self._pick(
            "eje",
            {axis.slug: axis for axis in self.axes},
            _("There is no strategic axis called “%(value)s”."),
        )
        self.level = self._pick(
            "nivel", dict(levels), _("There is no level called “%(value)s”.")
        )
        self.kind = self._pick(
            "tipo", dict(kinds), _("There is no material type called “%(value)s”.")
        )
        self.tag = None
        tag_slug = self.params.get("tema", "").strip()
        if tag_slug:
            self.tag = Tag.objects.filter(slug=tag_slug[:100]).first()
            if self.tag is None:
                self.invalid = True
                self.messages.append(
                    _("There is no topic called “%(value)s”.")
                    % {"value": tag_slug[:100]}
                )

    invalid = False

    @property
    def active(self):
        """(label, link without it) of each filter in force, for the summary
        above the results: what is filtered, and one tap to take it off."""
        chosen = [
            ("eje", self.axis.name if self.axis else None),
            ("nivel", self.level),
            ("tipo", self.kind),
            ("tema", self.tag.name if self.tag else None),
        ]
        return [
            (label, self.querystring(**{name: None})) for name, label in chosen if label
        ]

    def _pick(self, name, options, message):
        value = self.params.get(name, "").strip()
        if not value:
            return None
        if value in options:
            return options[value]
        self.invalid = True
        self.messages.append(message % {"value": value[:100]})
        return None

    def querystring(self, **changes):
        """The current filters with some changed, for links that need no JavaScript."""
        params = self.params.copy()
        params.pop("pagina", None)
        for key, value in changes.items():
            if value:
                params[key] = value
            else:
                params.pop(key, None)
        encoded = params.urlencode()
        return f"?{encoded}" if encoded else "?"

    @property
    def page_query(self):
        """The filters as a query string ready for ``pagina=N`` to be appended."""
        query = self.querystring()
        return query if query == "?" else f"{query}&"

    def paginate(self, queryset):
        """The requested page; a page number past the end shows the last page."""
        if self.invalid:
            queryset = queryset.none()
            not_for_the_cache(self.request)
        return page_asked(
            self.request, Paginator(queryset, PAGE_SIZE), FILTER_PARAMETERS
        )


def filter_links(filters, name, choices, current):
    """(label, url, active) for each option of one filter, plus "all" first."""
    links = [(_("All"), filters.querystring(**{name: None}), current is None)]
    for value, label in choices:
        links.append((label, filters.querystring(**{name: value}), value == current))
    return links
