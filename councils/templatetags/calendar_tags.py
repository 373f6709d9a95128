"""Addresses of the councils' calendar files (``councils.calendars``)."""

from django import template

from cococi_site import site_address

register = template.Library()


@register.simple_tag(takes_context=True)
def ics_url(context, page, name, *args):
    """The address of the page route ``name`` of ``page``, without the
    trailing slash Wagtail's routes carry: a calendar file ends in ``.ics``
    (served by the ``wagtail_serve_ics`` address)."""
    route = page.reverse_subpage(name, args=args).rstrip("/")
    return page.get_url(context.get("request")) + route


@register.filter
def webcal(url):
    """A calendar's address as ``webcal://`` on SITE_URL, for "subscribe"."""
    return site_address.webcal(url)
