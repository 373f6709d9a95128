"""A course or lesson published, unpublished, deleted or moved → rebuild the
booklets it is in, after the commit (a withdrawn lesson leaves the public PDF);
a changed axis → forget the cached axes."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from wagtail.signals import page_published, page_unpublished, post_page_move

from outbox.services import enqueue


def enqueue_booklet_build(sender, instance, **kwargs):
    """Published, unpublished or about to be deleted: its course's booklet."""
    from .models import CoursePage, LessonPage

    if isinstance(instance, CoursePage):
        enqueue_booklet_of(instance)
    elif isinstance(instance, LessonPage):
        enqueue_booklet_of(instance.get_parent())


def lesson_moved(sender, instance, parent_page_before, parent_page_after, **kwargs):
    """A lesson moved between courses: both booklets change."""
    from .models import LessonPage

    # ``instance`` is a plain Page; ``sender`` its specific class.
    if issubclass(sender, LessonPage):
        for parent in {parent_page_before, parent_page_after}:
            enqueue_booklet_of(parent)


def enqueue_booklet_of(page):
    from .models import CoursePage
    from .tasks import build_course_booklet

    if page is not None and isinstance(page.specific_deferred, CoursePage):
        enqueue(build_course_booklet, page.pk)


def axes_changed(sender, **kwargs):
    from .cache import axes_forget

    axes_forget()
    transaction.on_commit(axes_forget)


def connect():
    from .models import Axis, LessonPage

    page_published.connect(enqueue_booklet_build, dispatch_uid="courses-booklet")
    page_unpublished.connect(
        enqueue_booklet_build, dispatch_uid="courses-booklet-unpublished"
    )
    pre_delete.connect(
        enqueue_booklet_build, sender=LessonPage, dispatch_uid="courses-booklet-gone"
    )
    post_page_move.connect(lesson_moved, dispatch_uid="courses-booklet-moved")
    post_save.connect(axes_changed, sender=Axis, dispatch_uid="courses-axes-saved")
    post_delete.connect(axes_changed, sender=Axis, dispatch_uid="courses-axes-gone")
