"""A member's learning: enrolments, lesson completions, quiz attempts, constancias.

Progress is kept as one row per event (a completion, an attempt), unique where it
must be, and summarised with database aggregates — never typed in.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cococi_site.files import private_storage
from members.querysets import PersonRowsQuerySet

from .. import verification

# Sent inside the writer's transaction after a bulk ``update`` or
# ``bulk_create`` of enrolments or completions, which send no ``post_save``:
# ``user_ids`` are the members whose rows were written. Whoever keeps figures
# derived from a member's learning (councils' progress summaries) listens.
learning_written_in_bulk = Signal()


class LearningRowsQuerySet(PersonRowsQuerySet):
    """Rows of a member's learning. A bulk write tells who it touched, so that
    nobody has to remember to."""

    def written_in_bulk(self, user_ids):
        learning_written_in_bulk.send(sender=self.model, user_ids=user_ids)


class EnrollmentQuerySet(LearningRowsQuerySet):
    def completed(self):
        """Enrolments whose course the person completed."""
        return self.filter(completed_at__isnull=False)

    def in_progress(self):
        """Enrolments whose course the person has not completed yet."""
        return self.filter(completed_at__isnull=True)


class Enrollment(models.Model):
    """A member's enrolment in a course; ``completed_at`` is set when every
    published lesson of the course is complete."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="enrollments",
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="enrollments",
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"], name="unique_enrollment_per_course"
            )
        ]
        indexes = [models.Index(fields=["course", "completed_at"])]

    def __str__(self):
        return f"{self.user_id} → {self.course_id}"

    @property
    def is_completed(self):
        return self.completed_at is not None


class CompletionSource(models.TextChoices):
    ONLINE = "en_linea", _("Online")
    CIRCLE = "circulo", _("Study circle")
    IMPORT = "importacion", _("Import")
    # Done on a phone without signal and sent when it came back (``offline``).
    OFFLINE = "sin_conexion", _("Offline")


class LessonCompletionQuerySet(LearningRowsQuerySet):
    def lesson_ids(self):
        """The ids of the lessons completed, as a set."""
        return set(self.values_list("lesson_id", flat=True))


class LessonCompletion(models.Model):
    """A lesson a member has completed, online, in a study circle or by import.
    Completing twice is one completion (unique constraint)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="lesson_completions",
    )
    lesson = models.ForeignKey(
        "courses.LessonPage",
        verbose_name=_("lesson"),
        on_delete=models.CASCADE,
        related_name="completions",
    )
    # The lesson's course, kept on the row so progress per course is one aggregate.
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="lesson_completions",
    )
    source = models.CharField(
        _("source"),
        max_length=12,
        choices=CompletionSource.choices,
        default=CompletionSource.ONLINE,
    )
    completed_at = models.DateTimeField(_("completed at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = LessonCompletionQuerySet.as_manager()

    class Meta:
        verbose_name = _("lesson completion")
        verbose_name_plural = _("lesson completions")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson"], name="unique_completion_per_lesson"
            )
        ]
        indexes = [
            models.Index(fields=["user", "course"]),
            models.Index(fields=["completed_at"]),
        ]

    def __str__(self):
        return f"{self.user_id} ✓ {self.lesson_id}"


class QuizAttempt(models.Model):
    """One graded attempt at a lesson's quiz; every attempt is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="quiz_attempts",
    )
    lesson = models.ForeignKey(
        "courses.LessonPage",
        verbose_name=_("lesson"),
        on_delete=models.CASCADE,
        related_name="quiz_attempts",
    )
    answers = models.JSONField(_("answers"), default=dict)
    score = models.PositiveSmallIntegerField(_("score (%)"))
    passed = models.BooleanField(_("passed"))
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    # When the server got it: the same as ``created_at`` online; later for an
    # attempt answered offline. The attempt policy (a wait between attempts)
    # runs from here, so answers dated in the past never skip a wait.
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    source = models.CharField(
        _("source"),
        max_length=12,
        choices=CompletionSource.choices,
        default=CompletionSource.ONLINE,
    )
    # An attempt answered offline carries the key the phone gave it, so that
    # the same attempt sent twice (a lost answer, a retry) is stored once.
    client_key = models.CharField(_("key on the phone"), max_length=40, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        indexes = [models.Index(fields=["user", "lesson", "-received_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "client_key"],
                condition=~models.Q(client_key=""),
                name="unique_quiz_attempt_per_phone_key",
            )
        ]

    def __str__(self):
        return f"{self.user_id} {self.lesson_id} {self.score}%"


def new_certificate_code():
    # 20 symbols a person can read aloud, 100 random bits (``verification``).
    return verification.new_code()


# Codes of constancias issued before the readable ones: 16 URL-safe characters.
EARLIER_CODE_LENGTH = 16


class CertificateQuerySet(models.QuerySet):
    def valid(self):
        """Constancias not revoked: they verify, and their owner sees them."""
        return self.filter(revoked_at__isnull=True)

    def matching(self, typed):
        """The constancia a code names as a person typed it: a readable code in
        any case, with or without dashes or spaces; an earlier code exactly as
        printed or, when only one earlier code reads so, in another case."""
        typed = typed.strip()[:64]
        code = verification.readable(typed)
        if code is not None:
            return self.filter(code=code)
        exact = self.filter(code=typed)
        if len(typed) != EARLIER_CODE_LENGTH or exact.exists():
            return exact
        # An earlier code copied from paper in the wrong case; never a guess
        # between two codes that differ only in case.
        alike = self.filter(code__iexact=typed)
        return alike if alike.count() == 1 else self.none()


class Certificate(models.Model):
    """A constancia for a completed course, verifiable by anyone from its code.

    What it certifies is copied onto the row, so it stays true if the course is
    later renamed; when the person deletes their account it is revoked.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="certificates",
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="certificates",
    )
    code = models.CharField(
        _("verification code"), max_length=32, unique=True, default=new_certificate_code
    )
    person_name = models.CharField(_("name"), max_length=300)
    course_title = models.CharField(_("course title"), max_length=255)
    axis_name = models.CharField(_("axis"), max_length=150)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    # Out of every URL: the owner downloads it through a view that checks who asks.
    file = models.FileField(
        _("PDF"), upload_to="constancias/", storage=private_storage, blank=True
    )
    # When the person's notice of it was written (``certificate_tell``), on
    # whatever channel they chose; the notice says whether and when it went.
    emailed_at = models.DateTimeField(_("notified at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("constancia")
        verbose_name_plural = _("constancias")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"], name="unique_certificate_per_course"
            )
        ]
        indexes = [
            # An earlier code typed in another case is looked up by
            # ``code__iexact`` (UPPER on PostgreSQL) on a public page: by index,
            # never by reading every constancia.
            models.Index(Upper("code"), name="certificate_code_upper"),
        ]

    def __str__(self):
        return f"{self.course_title} — {self.person_name}"

    @property
    def is_valid(self):
        return self.revoked_at is None
