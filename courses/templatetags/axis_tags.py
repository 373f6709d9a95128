from django import template

from courses.models import Axis

register = template.Library()


@register.inclusion_tag("courses/includes/axis_styles.html")
def axis_styles():
    """One CSS class per axis with its colour, so templates need no inline styles."""
    return {"axes": Axis.objects.ordered().only("slug", "colour")}
