"""Per-site data that every page reads and editors change a few times a year,
kept under the content generation (``cococi_site.content``): any change to the
content forgets it, in every process. ``courses.signals`` also forgets it at a
write and again when its transaction commits."""

from cococi_site import content

from .models import Axis

TIMEOUT = 60 * 60


def axes_ordered():
    """The six axes in order (one query when the cache is cold)."""
    return content.cached("courses:axes", lambda: list(Axis.objects.ordered()), TIMEOUT)


def axes_forget():
    content.forget()
