from django import template
from wagtail.models import Page

from cococi_site import content
from home.routing import site_for_request

register = template.Library()


@register.simple_tag(takes_context=True)
def main_menu_pages(context):
    """The site root's live children marked "show in menus", for the main
    navigation: titles and addresses, kept under the content generation."""
    request = context.get("request")
    site = site_for_request(request) if request else None
    if site is None:
        return []
    root_page_id = site.root_page_id

    def build():
        root = Page.objects.get(pk=root_page_id)
        return [
            {"title": page.title, "url": page.relative_url(site)}
            # Shared by every visitor: no page behind a view restriction.
            for page in root.get_children().live().public().in_menu()
        ]

    return content.cached(f"menu:{site.pk}", build)
