import base64
import hashlib

from django import template

from courses.cache import axes_ordered

register = template.Library()


@register.inclusion_tag("courses/includes/axis_styles.html", takes_context=True)
def axis_styles(context):
    """One CSS class per axis with its colour, so templates need no inline style
    attributes; the element is allowed by the Content-Security-Policy through
    its hash (``cococi_site.middleware.InlineStyleHashesMiddleware``)."""
    css = "".join(
        f".axis--{axis.slug}{{--axis-colour:{axis.colour}}}" for axis in axes_ordered()
    )
    request = context.get("request")
    if request is not None:
        digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
        hashes = getattr(request, "csp_style_hashes", set())
        hashes.add(f"'sha256-{digest}'")
        request.csp_style_hashes = hashes
    return {"css": css}
