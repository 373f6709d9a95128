"""Wagtail's publish signal → rebuild the course booklet after the commit;
a changed axis → forget the cached axes."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published

from outbox.services import enqueue


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
    enqueue(build_course_booklet, course_id)


def axes_changed(sender, **kwargs):
    from .cache import axes_forget

    axes_forget()
    transaction.on_commit(axes_forget)


def connect():
    from .models import Axis

    page_published.connect(enqueue_booklet_build, dispatch_uid="courses-booklet")
    post_save.connect(axes_changed, sender=Axis, dispatch_uid="courses-axes-saved")
    post_delete.connect(axes_changed, sender=Axis, dispatch_uid="courses-axes-gone")
