"""What search engines are told: ``/robots.txt`` and ``/sitemap.xml``.

The sitemap is Wagtail's (``wagtail.contrib.sitemaps``): live pages without a
view restriction on them or an ancestor (a council's private pages, a
restricted course), less the lessons of a course not live yet (a draft or in
review), each at its absolute address on ``SITE_URL`` with the date it was
last published. It is built in a few queries whatever the number of pages,
and kept under the content generation.
"""

from urllib.parse import urlsplit

from django.contrib.sitemaps import views as sitemap_views
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET
from wagtail.contrib.sitemaps import Sitemap

from cococi_site import content
from cococi_site.site_address import absolute, site_url
from courses.models.pages import without_unpublished_courses


class PublicPagesSitemap(Sitemap):
    def items(self):
        # Plain pages, not specific ones: an address and a date need no more,
        # so one query for every page type.
        return without_unpublished_courses(
            self.get_wagtail_site()
            .root_page.get_descendants(inclusive=True)
            .live()
            .public()
            .order_by("path")
            .only("url_path", "last_published_at", "latest_revision_created_at")
        )

    def _urls(self, page, protocol, domain):
        # On SITE_URL itself: Wagtail's Site record cannot say https on a
        # port other than 443, and would make such an address http.
        urls = super()._urls(page, protocol, domain)
        for url in urls:
            url["location"] = absolute(urlsplit(url["location"]).path)
        return urls


@require_GET
def sitemap(request):
    def build():
        response = sitemap_views.sitemap(
            request, {"pages": PublicPagesSitemap(request)}
        )
        return response.render().content

    # Its pages depend on the site the request's host leads to.
    body = content.cached(f"sitemap:{request.get_host()}:{site_url()}", build)
    return HttpResponse(body, content_type="application/xml; charset=utf-8")


@require_GET
def robots_txt(request):
    return TemplateResponse(
        request,
        "home/robots.txt",
        {"site_url": site_url()},
        content_type="text/plain; charset=utf-8",
    )
