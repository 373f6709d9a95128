"""Assemblies, study circles and community actions, with their attendance."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cococi_site.pages import validate_one_line

from ..cadres.models import ReadByReadinessQuerySet
from .scopes import leader_scope


class MeetingKind(models.TextChoices):
    ORDINARY = "asamblea_ordinaria", _("Ordinary assembly")
    EXTRAORDINARY = "asamblea_extraordinaria", _("Extraordinary assembly")
    CONSTITUTIVE = "asamblea_constitutiva", _("Constitutive assembly")
    CIRCLE = "circulo", _("Study circle")
    ACTION = "accion", _("Community action")

    @classmethod
    def assemblies(cls):
        return [cls.ORDINARY, cls.EXTRAORDINARY, cls.CONSTITUTIVE]


class Modality(models.TextChoices):
    IN_PERSON = "presencial", _("In person")
    ONLINE = "en_linea", _("Online")
    MIXED = "mixta", _("Mixed")


class MeetingQuerySet(ReadByReadinessQuerySet):
    # A closed study circle counts for its attendees and its facilitator; a
    # meeting made in bulk has no attendance yet.
    person_field = "facilitator"

    def people_touched(self):
        return [
            *Attendance.objects.filter(meeting__in=self).values_list(
                "user_id", flat=True
            ),
            *self.values_list("facilitator_id", flat=True),
        ]

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(leader_scope(user).council_q("council__"))

    def closed(self):
        return self.filter(closed_at__isnull=False)

    def circles(self):
        return self.filter(kind=MeetingKind.CIRCLE)

    def assemblies(self):
        return self.filter(kind__in=MeetingKind.assemblies())


class Meeting(models.Model):
    """A council's meeting. Closing a study circle completes its lessons for the
    members present; closing an assembly needs its attendance and acta."""

    council = models.ForeignKey(
        "councils.CouncilPage",
        verbose_name=_("council"),
        on_delete=models.CASCADE,
        related_name="meetings",
    )
    kind = models.CharField(_("kind"), max_length=25, choices=MeetingKind.choices)
    title = models.CharField(
        _("title"), max_length=200, blank=True, validators=[validate_one_line]
    )
    starts_at = models.DateTimeField(_("date and time"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), default=120
    )
    place = models.CharField(
        _("place"), max_length=200, blank=True, validators=[validate_one_line]
    )
    modality = models.CharField(
        _("modality"),
        max_length=12,
        choices=Modality.choices,
        default=Modality.IN_PERSON,
    )
    agenda = models.TextField(_("agenda"), blank=True)
    lessons = models.ManyToManyField(
        "courses.LessonPage",
        verbose_name=_("lessons studied"),
        blank=True,
        related_name="meetings",
    )
    agreements = models.TextField(_("agreements"), blank=True)
    # A Wagtail document in the council's private collection: served only to
    # those the collection's view restriction lets in.
    acta = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("acta"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_(
            "Shown on the council's page as an upcoming meeting, and in its "
            "calendar with its agenda."
        ),
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("facilitator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="facilitated_meetings",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    # Calendars number their versions of an event from it (SEQUENCE).
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(
        _("reason for cancelling"),
        max_length=200,
        blank=True,
        validators=[validate_one_line],
    )
    # The version of what members were told: grows when the time or the place
    # changes, or the meeting is cancelled (calendars' SEQUENCE, the key of the
    # change notices).
    revision = models.PositiveIntegerField(_("revision"), default=0)

    objects = MeetingQuerySet.as_manager()

    SCHEDULE = ("starts_at", "duration_minutes", "place")

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [models.Index(fields=["council", "kind", "starts_at"])]

    def __str__(self):
        # The local day: an evening meeting in Mexico is the next day in UTC.
        day = timezone.localtime(self.starts_at)
        return self.title or gettext("%(kind)s of %(date)s") % {
            "kind": self.get_kind_display(),
            "date": date_format(day, "DATE_FORMAT"),
        }

    def save(self, *args, **kwargs):
        # A new time or place is a new version for calendars and notices.
        if self.pk is not None and self.schedule_changed():
            self.revision += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "revision"}
        super().save(*args, **kwargs)
        self._stored_schedule = self.schedule()

    @classmethod
    def from_db(cls, db, field_names, values):
        meeting = super().from_db(db, field_names, values)
        if set(cls.SCHEDULE) <= set(field_names):
            meeting._stored_schedule = meeting.schedule()
        return meeting

    def schedule(self):
        """What members are told again when it changes: when, how long, where."""
        return tuple(getattr(self, name) for name in self.SCHEDULE)

    def schedule_changed(self):
        stored = getattr(self, "_stored_schedule", None)
        return stored is not None and stored != self.schedule()

    @property
    def is_closed(self):
        return self.closed_at is not None

    @property
    def is_cancelled(self):
        return self.cancelled_at is not None

    @property
    def is_assembly(self):
        return self.kind in MeetingKind.assemblies()

    @property
    def is_circle(self):
        return self.kind == MeetingKind.CIRCLE


class AttendanceQuerySet(ReadByReadinessQuerySet):
    pass


class Attendance(models.Model):
    """A person present at a meeting (absent people have no row)."""

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"], name="one_attendance_per_meeting"
            )
        ]

    def __str__(self):
        return f"{self.user_id} @ {self.meeting_id}"
