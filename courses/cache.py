"""Per-site data that every page reads and editors change a few times a year,
kept in the shared cache and forgotten whenever it changes (see
``courses.signals``). A write forgets the entry at once and again when its
transaction commits, so a reader that rebuilt it in between cannot keep an old
copy; the timeout bounds any copy a failure might leave behind."""

from django.core.cache import cache

TIMEOUT = 60 * 60
AXES_KEY = "courses:axes:v1"


def axes_ordered():
    """The six axes in order (one query when the cache is cold)."""
    from .models import Axis

    axes = cache.get(AXES_KEY)
    if axes is None:
        axes = list(Axis.objects.ordered())
        cache.set(AXES_KEY, axes, TIMEOUT)
    return axes


def axes_forget():
    cache.delete(AXES_KEY)
