"""Put the body image of the demo course "Democracia participativa" into a
private collection (one with a view restriction), as an editor might by
mistake (run with manage.py shell; restart the server after: the page and
file caches are keyed to a generation this script does not bump)."""

from wagtail.images import get_image_model
from wagtail.models import CollectionViewRestriction

from courses.models import LessonPage
from courses.renditions import lesson_image_ids

restricted = CollectionViewRestriction.objects.first().collection
ids = {
    i
    for l in LessonPage.objects.filter(
        path__startswith=LessonPage.objects.get(pk=46).path[:-4]
    )
    for i in lesson_image_ids(l)
}
get_image_model().objects.filter(pk__in=ids).update(collection=restricted)
print("images", ids, "moved to", restricted)
