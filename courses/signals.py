"""Wagtail's publish signal → rebuild the course booklet after the commit."""

from functools import partial

from django.db import transaction
from wagtail.signals import page_published


def enqueue_booklet_build(sender, instance, **kwargs):
    from .models import CoursePage, LessonPage
    from .tasks import build_course_booklet

    if isinstance(instance, CoursePage):
        course_id = instance.pk
    elif isinstance(instance, LessonPage):
        parent = instance.get_parent()
        if parent is None:
            return
        course_id = parent.pk
    else:
        return
    transaction.on_commit(partial(build_course_booklet.delay, course_id))


def connect():
    page_published.connect(enqueue_booklet_build, dispatch_uid="courses-booklet")
