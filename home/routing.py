"""Wagtail's page serving with the route found without a query.

Wagtail finds a page by walking the tree from the site's root, two queries per
level (the child with that slug, then its specific page): nine for a lesson,
with the site. Here the site, the page an address leads to (its id and type),
the page itself and the sites' root paths (which every link to a page reads)
are kept under the content generation (``cococi_site.content``: any page or
site saved, moved or deleted forgets them), so serving a page costs no query
and no round trip to Redis of its own once a process has served it in this
generation. Each request gets its own copy of the page, so that nothing one
request sets on it reaches another. The rest, hooks and view restrictions
included, is Wagtail's own ``serve``, which takes the route we leave on the
request.

The deepest page whose ``url_path`` starts the address is the one Wagtail's
walk would reach; what is left of the address goes to that page's own
``route`` (a routable page's sub-paths, or a 404).
"""

import copy

from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.http.request import split_domain_port
from wagtail import views as wagtail_views
from wagtail.models import Page, Site

from cococi_site import content


def _site(request):
    """(site, its root page's url_path), or None where no site matches."""
    hostname = split_domain_port(request._get_raw_host())[0]
    port = request.get_port()

    def build():
        site = Site._find_for_request(request)
        if site is None:
            return ()
        root = Page.objects.values_list("url_path", flat=True).get(pk=site.root_page_id)
        return (site, root)

    return content.cached(f"site:{hostname}:{port}", build) or None


def site_for_request(request):
    """``Site.find_for_request``, from the cache: no query."""
    if not hasattr(request, "_wagtail_site"):
        found = _site(request)
        request._wagtail_site = found[0] if found else None
    return request._wagtail_site


def _deepest(root_url_path, components):
    """(page id, content type id, components matched) of the deepest page
    along ``components`` below the root, or None."""
    candidates = [
        root_url_path + "".join(f"{part}/" for part in components[:length])
        for length in range(len(components) + 1)
    ]
    found = (
        Page.objects.filter(url_path__in=candidates)
        .order_by("-depth")
        .values_list("pk", "content_type_id", "url_path")
        .first()
    )
    if found is None:
        return ()
    pk, content_type_id, url_path = found
    return (pk, content_type_id, candidates.index(url_path))


def _page(pk, content_type_id):
    """The specific page ``pk``, a copy of the one kept for this generation
    (Django copies its related-object cache too), or None."""

    def build():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        return model.objects.filter(pk=pk).first() if model else None

    kept = content.cached(f"page:{pk}", build)
    return copy.copy(kept) if kept is not None else None


def route(request, path):
    """The route Wagtail's ``serve`` will use, left on the request."""
    found = _site(request)
    if found is None:
        return  # Wagtail's own lookup will say there is no site
    site, root_url_path = found
    request._wagtail_site = site
    # Where Wagtail's links to pages look first (Page._get_site_root_paths).
    request._wagtail_cached_site_root_paths = content.cached(
        "site-root-paths", Site.get_site_root_paths
    )
    components = [component for component in path.split("/") if component]
    # Only addresses of pages are kept: not every mistyped or made-up one.
    target = content.cached(
        f"route:{site.pk}:{'/'.join(components)}",
        lambda: _deepest(root_url_path, components),
        keep=lambda found: bool(found) and found[2] == len(components),
    )
    result = None
    if target:
        pk, content_type_id, matched = target
        page = _page(pk, content_type_id)
        if page is not None:
            try:
                result = page.route(request, components[matched:])
            except Http404:
                result = None
    request._wagtail_route_for_request = result


def serve(request, path):
    route(request, path)
    return wagtail_views.serve(request, path)
