"""``{% share_meta %}`` in every page's head (with its description, kept out
of a page behind a view restriction as the rest is), ``{% share_link %}`` where a page
offers to be shared: both read ``home.sharing.metadata`` of the page shown."""

from django import template

from home import sharing

register = template.Library()


def _metadata(context):
    page = context.get("page")
    if page is None or not hasattr(page, "get_url_parts"):
        return None
    return sharing.metadata(page, context.get("request"), course=context.get("course"))


@register.inclusion_tag("includes/share_meta.html", takes_context=True)
def share_meta(context):
    return {
        "page": context.get("page"),
        "share": _metadata(context),
        "site_name": sharing.SITE_NAME,
        "locale": sharing.LOCALE,
    }


@register.inclusion_tag("includes/share.html", takes_context=True)
def share_link(context):
    return {"share": _metadata(context)}
