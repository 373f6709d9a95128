"""A course or lesson published, unpublished, deleted or moved → rebuild the
booklets it is in, after the commit (a withdrawn lesson leaves the public PDF),
and complete the course it left for whoever had done every other lesson;
a changed axis → forget the cached axes."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from wagtail.signals import page_published, page_unpublished, post_page_move

from outbox.services import enqueue


def course_published(sender, instance, **kwargs):
    """Published: the booklet of the course it is or is in."""
    _course_changed(instance, withdrawn=False)


def course_withdrawn(sender, instance, **kwargs):
    """Unpublished or about to be deleted: the same, and whoever had done
    every other lesson of the course completes it."""
    _course_changed(instance, withdrawn=True)


def _course_changed(page, withdrawn):
    from .models import CoursePage, LessonPage

    if isinstance(page, CoursePage):
        enqueue_course_tasks(page)
    elif isinstance(page, LessonPage):
        enqueue_course_tasks(page.get_parent(), withdrawn=withdrawn)


def lesson_moved(sender, instance, parent_page_before, parent_page_after, **kwargs):
    """A lesson moved between courses: both booklets change, its completions
    now count for the course it is in, and the course it left may now be
    complete for some."""
    from .models import CoursePage, LessonCompletion, LessonPage

    # ``instance`` is a plain Page; ``sender`` its specific class.
    if not issubclass(sender, LessonPage) or parent_page_before == parent_page_after:
        return
    if isinstance(parent_page_after.specific_deferred, CoursePage):
        LessonCompletion.objects.filter(lesson_id=instance.pk).update(
            course_id=parent_page_after.pk
        )
    enqueue_course_tasks(parent_page_before, withdrawn=True)
    enqueue_course_tasks(parent_page_after)


def enqueue_course_tasks(page, withdrawn=False):
    from .models import CoursePage
    from .tasks import build_course_booklet, check_course_completions

    if page is not None and isinstance(page.specific_deferred, CoursePage):
        enqueue(build_course_booklet, page.pk)
        if withdrawn:
            enqueue(check_course_completions, page.pk)


def axes_changed(sender, **kwargs):
    from .cache import axes_forget

    axes_forget()
    transaction.on_commit(axes_forget)


def connect():
    from .models import Axis, LessonPage

    page_published.connect(course_published, dispatch_uid="courses-booklet")
    page_unpublished.connect(
        course_withdrawn, dispatch_uid="courses-booklet-unpublished"
    )
    pre_delete.connect(
        course_withdrawn, sender=LessonPage, dispatch_uid="courses-booklet-gone"
    )
    post_page_move.connect(lesson_moved, dispatch_uid="courses-booklet-moved")
    post_save.connect(axes_changed, sender=Axis, dispatch_uid="courses-axes-saved")
    post_delete.connect(axes_changed, sender=Axis, dispatch_uid="courses-axes-gone")
