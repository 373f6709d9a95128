"""Receivers, each a call to the service named for what happened: a course
or lesson published, unpublished, deleted or moved (``courses.services``:
booklets built again, courses completed); a changed axis → forget the cached
axes."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import services
from .cache import axes_forget
from .models import Axis, LessonPage


def course_published(sender, instance, **kwargs):
    """Published: the booklet of the course it is or is in; the first time,
    the followers of its axis are told."""
    services.course_changed(instance)
    services.course_first_published(instance)


def course_withdrawn(sender, instance, **kwargs):
    """Unpublished or about to be deleted: the same, and whoever had done
    every other lesson of the course completes it."""
    services.course_changed(instance, withdrawn=True)


def lesson_moved(sender, instance, parent_page_before, parent_page_after, **kwargs):
    # ``instance`` is a plain Page; ``sender`` its specific class.
    if not issubclass(sender, LessonPage) or parent_page_before == parent_page_after:
        return
    services.lesson_moved(
        lesson_id=instance.pk,
        course_before=parent_page_before,
        course_after=parent_page_after,
    )


def axes_changed(sender, **kwargs):
    axes_forget()
    transaction.on_commit(axes_forget)


def connect():
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
