"""What courses promise and the reconciliation (``outbox.reconcile``) repairs:
a constancia for every completed course, with its PDF and its notice; a
current booklet for every published course."""

from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone

from outbox import reconcile

from .models import Certificate, CourseBooklet, CoursePage, Enrollment, LessonPage
from .tasks import build_course_booklet, issue_certificate

# Left alone for this long: the task sent when it happened is still on its way.
GRACE = timedelta(minutes=5)


def certificates_missing():
    """Completed courses without their constancia, its PDF or its notice."""
    cutoff = timezone.now() - GRACE
    without_certificate = (
        Enrollment.objects.filter(
            completed_at__lte=cutoff, user__anonymised_at__isnull=True
        )
        .exclude(
            Exists(
                Certificate.objects.filter(
                    user=OuterRef("user"), course=OuterRef("course")
                )
            )
        )
        .values_list("user_id", "course_id")
    )
    unfinished = Certificate.objects.valid().filter(
        issued_at__lte=cutoff, user__anonymised_at__isnull=True
    )
    without_pdf = unfinished.filter(file="").values_list("user_id", "course_id")
    # No notice written yet (``emailed_at``): whatever its channel. Its
    # delivery, once written, is the notices' own reconciliation.
    not_emailed = unfinished.filter(emailed_at__isnull=True).values_list(
        "user_id", "course_id"
    )
    seen = set()
    for rows in (without_certificate, without_pdf, not_emailed):
        for pair in rows.order_by().iterator():
            if pair not in seen:
                seen.add(pair)
                yield issue_certificate, pair


def booklets_missing():
    """Published courses whose booklet is missing, lost its file, or was last
    made before the course or one of its lessons was last published."""
    courses = list(
        CoursePage.objects.live().values_list("pk", "path", "last_published_at")
    )
    if not courses:
        return
    booklets = {booklet.course_id: booklet for booklet in CourseBooklet.objects.all()}
    latest_lesson = {}
    for path, published in LessonPage.objects.live().values_list(
        "path", "last_published_at"
    ):
        parent = path[: -LessonPage.steplen]
        if published and published > latest_lesson.get(parent, published):
            latest_lesson[parent] = published
        elif published:
            latest_lesson.setdefault(parent, published)
    cutoff = timezone.now() - GRACE
    for course_id, path, published in courses:
        changed = max(filter(None, [published, latest_lesson.get(path)]), default=None)
        if changed and changed > cutoff:
            continue  # its own build is on its way
        booklet = booklets.get(course_id)
        if (
            booklet is None
            or not booklet.file
            or not booklet.facilitator_file
            or (changed and booklet.generated_at < changed)
            or not booklet.file.storage.exists(booklet.file.name)
            or not booklet.file.storage.exists(booklet.facilitator_file.name)
        ):
            yield build_course_booklet, (course_id,)


def connect():
    reconcile.register("constancias", certificates_missing)
    reconcile.register("cuadernillos", booklets_missing)
