"""Workflows that write across models, each in one transaction."""

from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cococi_site.files import save_atomically
from cococi_site.pages import restricted_ids
from notifications.services import absolute, notify, notify_many
from notifications.texts import long_form
from outbox.services import enqueue

from .booklets import (
    booklet_filename,
    html_fingerprint,
    html_to_pdf,
    render_booklet_html,
)
from .models import (
    AxisFollow,
    Certificate,
    CompletionSource,
    CourseBooklet,
    CoursePage,
    Enrollment,
    LessonCompletion,
    LessonPage,
    QuizAttempt,
)
from .quiz import quiz_grade
from .renditions import (
    API_FILTERS,
    COVER_FILTERS,
    IMAGE_FILTERS,
    lesson_image_ids,
    renditions_make,
)
from .verification import qr_svg


def course_booklet_build(*, course_id):
    """Render the course's cuadernillo PDF unless the stored one is already current.

    Idempotent: the same content gives the same fingerprint and no new file, so a
    repeated or re-delivered task does no harm. The PDF is written whole
    (``save_atomically``) under a name made of the content's fingerprint before
    the row points to it: a worker killed in between leaves a file that the task,
    run again, overwrites with the same bytes and then records. Returns the
    booklet, or None when the course is not live.
    """
    course = (
        CoursePage.objects.live()
        .select_related("primary_axis")
        .filter(pk=course_id)
        .first()
    )
    if course is None:
        return None
    lessons = list(course.lessons())
    html = render_booklet_html(course, lessons)
    facilitator_html = render_booklet_html(course, lessons, facilitator=True)
    fingerprint = html_fingerprint(html, facilitator_html)
    current = CourseBooklet.objects.filter(course=course).first()
    if (
        current
        and current.fingerprint == fingerprint
        and current.file.storage.exists(current.file.name)
        and current.facilitator_file
        and current.facilitator_file.storage.exists(current.facilitator_file.name)
    ):
        # Checked and current: the reconciliation compares this time with the
        # course's last publish.
        CourseBooklet.objects.filter(pk=current.pk).update(generated_at=timezone.now())
        return current

    field = CourseBooklet._meta.get_field("file")
    facilitator_field = CourseBooklet._meta.get_field("facilitator_file")
    pdf = html_to_pdf(html)
    name = save_atomically(
        field.storage,
        field.generate_filename(None, booklet_filename(course, fingerprint)),
        pdf,
    )
    facilitator_pdf = html_to_pdf(facilitator_html)
    facilitator_name = save_atomically(
        facilitator_field.storage,
        facilitator_field.generate_filename(
            None, booklet_filename(course, fingerprint, facilitator=True)
        ),
        facilitator_pdf,
    )
    with transaction.atomic():
        booklet, _ = CourseBooklet.objects.select_for_update().get_or_create(
            course=course, defaults={"fingerprint": ""}
        )
        old_names = {booklet.file.name, booklet.facilitator_file.name} - {
            "",
            name,
            facilitator_name,
        }
        booklet.file.name = name
        booklet.facilitator_file.name = facilitator_name
        booklet.fingerprint = fingerprint
        booklet.size = len(pdf)
        booklet.facilitator_size = len(facilitator_pdf)
        booklet.save()
        for old_name in sorted(old_names):
            transaction.on_commit(partial(field.storage.delete, old_name))
    return booklet


class LearningError(Exception):
    """A learning action that cannot be done; ``message`` is for the member."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class PrerequisitesMissing(LearningError):
    def __init__(self, missing):
        # A course behind a view restriction is counted, never named.
        hidden = restricted_ids(missing)
        names = [f"«{course.title}»" for course in missing if course.pk not in hidden]
        if hidden:
            names.append(
                ngettext(
                    "a course with restricted access",
                    "%(count)s courses with restricted access",
                    len(hidden),
                )
                % {"count": len(hidden)}
            )
        names = ", ".join(names)
        super().__init__(
            _("Before this course, complete: %(courses)s.") % {"courses": names}
        )
        self.missing = missing


def published_lesson(lesson_id):
    """The lesson if it and its course are published and public, else None."""
    lesson = LessonPage.objects.live().public().filter(pk=lesson_id).first()
    if lesson is None:
        return None
    course = CoursePage.objects.live().public().filter(path=lesson.path[:-4]).first()
    return (lesson, course) if course else None


def missing_prerequisites(*, user, course):
    completed = (
        Enrollment.objects.completed()
        .filter(user=user)
        .values_list("course_id", flat=True)
    )
    return list(course.prerequisites.live().exclude(pk__in=completed))


@transaction.atomic
def course_enroll(*, user, course):
    """Enrol ``user``; refused while a prerequisite course is not complete."""
    missing = missing_prerequisites(user=user, course=course)
    if missing:
        raise PrerequisitesMissing(missing)
    enrollment, created = Enrollment.objects.get_or_create(user=user, course=course)
    return enrollment, created


def course_progress(*, user, course):
    """(completed lessons, published lessons) of ``course`` for ``user``."""
    lessons = course.lessons()
    total = lessons.count()
    done = LessonCompletion.objects.filter(
        user=user, lesson__in=lessons.values("pk")
    ).count()
    return done, total


@transaction.atomic
def lesson_complete(
    *,
    user,
    lesson,
    course,
    source=CompletionSource.ONLINE,
    recorded_by=None,
    completed_at=None,
):
    """Record that ``user`` completed ``lesson``; twice is still one completion.

    Completing the last lesson completes the course, and the constancia is
    issued by a task once the transaction has committed. ``completed_at``
    (default: now) is when it was done, for what was done offline.
    """
    Enrollment.objects.get_or_create(user=user, course=course)
    # Lock the enrolment so that concurrent completions by the same person are
    # counted one after the other and the course completes exactly once.
    enrollment = Enrollment.objects.select_for_update().get(user=user, course=course)
    # get_or_create retries the read when a concurrent insert wins the race.
    completion, created = LessonCompletion.objects.get_or_create(
        user=user,
        lesson=lesson,
        defaults={
            "course": course,
            "source": source,
            "recorded_by": recorded_by,
            "completed_at": completed_at or timezone.now(),
        },
    )
    course_completion_check(user=user, course=course, enrollment=enrollment)
    return completion, created


def course_completion_check(*, user, course, enrollment):
    if enrollment.is_completed:
        return False
    done, total = course_progress(user=user, course=course)
    if total == 0 or done < total:
        return False
    updated = (
        Enrollment.objects.in_progress()
        .filter(pk=enrollment.pk)
        .update(completed_at=timezone.now())
    )
    if updated:
        enqueue("courses.tasks.issue_certificate", user.pk, course.pk)
    return bool(updated)


def course_completions_check(*, course_id):
    """After a lesson leaves a course (unpublished, deleted, moved): whoever has
    now done every lesson left completes it, with their constancia, as if they
    had just completed the last one. Returns how many completed."""
    course = CoursePage.objects.live().filter(pk=course_id).first()
    if course is None:
        return 0
    lessons = course.lessons().values("pk")
    total = lessons.count()
    if total == 0:
        return 0
    candidates = (
        LessonCompletion.objects.filter(
            lesson__in=lessons,
            user__in=Enrollment.objects.in_progress()
            .filter(course=course)
            .values("user"),
        )
        .values("user")
        .annotate(done=Count("lesson", distinct=True))
        .filter(done=total)
        .values_list("user", flat=True)
    )
    completed = 0
    for user_id in list(candidates):
        with transaction.atomic():
            enrollment = (
                Enrollment.objects.select_for_update()
                .select_related("user")
                .get(user_id=user_id, course=course)
            )
            completed += course_completion_check(
                user=enrollment.user, course=course, enrollment=enrollment
            )
    return completed


def course_changed(page, *, withdrawn=False):
    """A course or lesson published, or (``withdrawn``) unpublished or about
    to be deleted: the booklet of the course it is or is in is built again,
    after the commit (a withdrawn lesson leaves the public PDF); a lesson
    withdrawn may leave its course complete for whoever did every other one."""
    if isinstance(page, CoursePage):
        course_tasks_enqueue(page)
    elif isinstance(page, LessonPage):
        course_tasks_enqueue(page.get_parent(), withdrawn=withdrawn)
    if not withdrawn and isinstance(page, CoursePage | LessonPage):
        enqueue("courses.tasks.make_page_renditions", page.pk)


def lesson_moved(*, lesson_id, course_before, course_after):
    """A lesson moved between courses: its completions now count for the
    course it is in, both booklets change, and the course it left may now be
    complete for some."""
    if isinstance(course_after.specific_deferred, CoursePage):
        LessonCompletion.objects.filter(lesson_id=lesson_id).update(
            course_id=course_after.pk
        )
    course_tasks_enqueue(course_before, withdrawn=True)
    course_tasks_enqueue(course_after)


def page_renditions_make(*, page_id):
    """The image sizes a published course (its cover) or lesson (its body's
    images) is shown at, made now rather than on a reader's request."""
    page = CoursePage.objects.filter(pk=page_id).first() or (
        LessonPage.objects.filter(pk=page_id).first()
    )
    if isinstance(page, CoursePage):
        if not page.cover_image_id:
            return 0
        return renditions_make(
            image_ids=[page.cover_image_id], filters=(*COVER_FILTERS, *API_FILTERS)
        )
    if isinstance(page, LessonPage):
        return renditions_make(image_ids=lesson_image_ids(page), filters=IMAGE_FILTERS)
    return 0


def course_tasks_enqueue(page, *, withdrawn=False):
    """If ``page`` is a course: build its booklet again and, when a lesson
    left it, complete it for whoever has done the rest (tasks named: they
    import this module)."""
    if page is not None and isinstance(page.specific_deferred, CoursePage):
        enqueue("courses.tasks.build_course_booklet", page.pk)
        if withdrawn:
            enqueue("courses.tasks.check_course_completions", page.pk)


def quiz_answers_check(lesson, answers):
    """Refuse answers ({question id: [choice ids]}) that leave a question
    unanswered, or name a choice that is not the question's own or several
    where one is asked: the page's form never sends them."""
    for question in lesson.quiz:
        if not answers.get(question.id):
            raise LearningError(_("Answer every question, then check your answers."))
    for question in lesson.quiz:
        choices = question.value["choices"]
        own_ids = {bound.id for bound in choices.bound_blocks}
        chosen = set(answers[question.id])
        one_asked = sum(1 for choice in choices if choice["correct"]) == 1
        if not chosen <= own_ids or (one_asked and len(chosen) > 1):
            raise LearningError(
                _(
                    "These answers are not this quiz's (it may have changed "
                    "meanwhile): reload the page and answer again."
                )
            )


@transaction.atomic
def quiz_submit(
    *,
    user,
    lesson,
    course,
    answers,
    source=CompletionSource.ONLINE,
    created_at=None,
    client_key="",
):
    """Grade and store an attempt, if the quiz's attempt policy allows one now
    and every question has an answer of its own; passing completes the lesson.
    Refused (``LearningError``), nothing is stored. An attempt answered
    offline comes with when it was answered (``created_at``) and the key the
    phone gave it (``client_key``): see ``offline.sync``."""
    if not lesson.quiz:
        raise LearningError(_("This lesson has no quiz."))
    # One attempt of a person at a time (a double click, two tabs): both
    # would count the attempts before either is stored.
    Enrollment.objects.get_or_create(user=user, course=course)
    Enrollment.objects.select_for_update().get(user=user, course=course)
    state = lesson.attempt_state(lesson.last_attempt(user))
    if not state.open:
        raise LearningError(state.refusal())
    quiz_answers_check(lesson, answers)
    score, results = quiz_grade(lesson, answers)
    passed = score >= lesson.pass_mark
    attempt = QuizAttempt.objects.create(
        user=user,
        lesson=lesson,
        answers={
            question.id: list(dict.fromkeys(answers[question.id]))
            for question in lesson.quiz
        },
        score=score,
        passed=passed,
        source=source,
        created_at=created_at or timezone.now(),
        client_key=client_key,
    )
    if passed:
        lesson_complete(
            user=user,
            lesson=lesson,
            course=course,
            source=source,
            completed_at=created_at,
        )
    return attempt, results


def certificate_issue(*, user_id, course_id):
    """Issue the constancia of a completed course: one per person and course.

    Safe to run again, also after a worker died half-way: the unique constraint
    keeps one row; the PDF is rendered while the row has none and written whole
    under the one name the row's code gives it (a retry overwrites, never adds a
    copy); the e-mail is sent under a lock on the row, once.
    """
    enrollment = (
        Enrollment.objects.completed()
        .select_related("user", "course__primary_axis")
        .filter(user_id=user_id, course_id=course_id)
        .first()
    )
    if enrollment is None or enrollment.user.anonymised_at:
        return None
    user, course = enrollment.user, enrollment.course
    certificate, _ = Certificate.objects.get_or_create(
        user=user,
        course=course,
        defaults={
            # Never the username: the verification page is public.
            "person_name": user.get_full_name(),
            "course_title": course.title,
            "axis_name": course.primary_axis.name,
            "hours": course.estimated_hours,
            "issued_at": enrollment.completed_at,
        },
    )
    if not certificate.file:
        pdf = html_to_pdf(render_certificate_html(certificate))
        field = Certificate._meta.get_field("file")
        name = save_atomically(
            field.storage,
            field.generate_filename(None, f"constancia-{certificate.code}.pdf"),
            pdf,
        )
        Certificate.objects.filter(pk=certificate.pk, file="").update(file=name)
        certificate.refresh_from_db()
    if certificate.emailed_at is None:
        certificate_tell(certificate)
        certificate.refresh_from_db()
    return certificate


def certificate_tell(certificate):
    """Tell the person their constancia is ready, once: the notice (the PDF
    attached to its e-mail form) is written under the row's lock, and
    ``emailed_at`` records when, in the same transaction. Whether it went, and
    by which channel, is on the notice."""
    with transaction.atomic():
        locked = (
            Certificate.objects.select_for_update(of=("self",))
            .select_related("user", "course")
            .filter(pk=certificate.pk, emailed_at__isnull=True)
            .first()
        )
        if locked is None:
            return False
        verify_url = certificate_verify_url(locked)
        with translation.override(settings.LANGUAGE_CODE):
            text = _("Your constancia of «%(course)s» is ready. Check it: %(link)s") % {
                "course": locked.course_title,
                "link": verify_url,
            }
        subject, body = long_form(
            "courses/email/certificate",
            {"certificate": locked, "verify_url": verify_url},
        )
        notify(
            "constancia",
            locked.user,
            f"constancia:{locked.pk}",
            text,
            verify_url,
            subject=subject,
            body=body,
            attachment=f"constancia:{locked.pk}",
        )
        Certificate.objects.filter(pk=locked.pk).update(emailed_at=timezone.now())
    return True


def certificate_attachment(certificate_id):
    """The constancia's PDF for its e-mail (``notifications.attachments``):
    (filename, content, mimetype), or None when it has no file (revoked)."""
    certificate = (
        Certificate.objects.select_related("course")
        .filter(pk=certificate_id, revoked_at__isnull=True)
        .exclude(file="")
        .first()
    )
    if certificate is None:
        return None
    with certificate.file.open("rb") as handle:
        content = handle.read()
    return f"constancia-{certificate.course.slug}.pdf", content, "application/pdf"


def certificate_verify_url(certificate):
    return settings.WAGTAILADMIN_BASE_URL + reverse(
        "courses:certificate_verify", args=[certificate.code]
    )


def render_certificate_html(certificate):
    verify_url = certificate_verify_url(certificate)
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            "courses/certificate.html",
            {
                "certificate": certificate,
                "verify_url": verify_url,
                # Printed: the paper says what it opens (the address beside it).
                "qr": qr_svg(verify_url, scale=3),
            },
        )


def certificates_revoke_for(user):
    """On account deletion: constancias stop naming the person and stop verifying."""
    for certificate in Certificate.objects.filter(user=user):
        if certificate.file:
            certificate.file.delete(save=False)
        certificate.person_name = ""
        certificate.revoked_at = timezone.now()
        certificate.save(update_fields=["file", "person_name", "revoked_at"])


# Following an axis: told of its new courses (opt-in)


def axis_follow_set(*, user, axis, follow):
    """Start or stop telling ``user`` of new courses of ``axis``; asking twice
    changes nothing. Returns whether she follows it now."""
    if follow:
        AxisFollow.objects.get_or_create(user=user, axis=axis)
    else:
        AxisFollow.objects.filter(user=user, axis=axis).delete()
    return follow


def course_first_published(page):
    """A course published for the first time (not again after an edit, nor
    after being unpublished): its axis's followers are told, by a worker,
    after the commit."""
    if (
        isinstance(page, CoursePage)
        and page.first_published_at is not None
        and page.first_published_at == page.last_published_at
    ):
        enqueue("courses.tasks.announce_course", page.pk)


def course_announce(course_id):
    """Tell the followers of a new course's axis, once each (the notice's key
    is the course). In a number of queries that does not grow with the
    followers: the course, then one statement writes a notice for each
    follower not yet told (``notify_many``), handed to the workers in
    batches. A course that is not live and public by now (unpublished,
    restricted) is announced to nobody. Returns how many notices were
    written (none when run again)."""
    course = (
        CoursePage.objects.live()
        .public()
        .select_related("primary_axis")
        .filter(pk=course_id)
        .first()
    )
    if course is None or course.primary_axis is None:
        return 0
    link = absolute(course.url or "")
    with translation.override(settings.LANGUAGE_CODE):
        text = _("New course in %(axis)s: «%(course)s». %(link)s") % {
            "axis": course.primary_axis.name,
            "course": course.title,
            "link": link,
        }
    followers = AxisFollow.objects.filter(
        axis=course.primary_axis,
        user__is_active=True,
        user__anonymised_at__isnull=True,
    ).values("user_id")
    with transaction.atomic():
        return len(
            notify_many("new_course", followers, f"course:{course.pk}", text, link)
        )
