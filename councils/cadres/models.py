"""Formación de cuadros: what each role asks for, mentors (acompañantes) and
what leaders are told. Readiness is computed (``councils.cadres.readiness``), never
typed; ``MemberProgress`` keeps its latest result per member for the dashboard's
large scopes (``councils.cadres.progress``)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel
from wagtail.models import Orderable

from members.querysets import PersonRowsQuerySet

from .requirements import RequirementKind, fields_of, wording


class MemberProgressQuerySet(models.QuerySet):
    def mark_stale(self, user_ids):
        """Mark these members' rows stale, creating the missing ones (one query)."""
        ids = sorted({int(pk) for pk in user_ids if pk})
        if not ids:
            return
        self.bulk_create(
            [self.model(user_id=pk, stale=True) for pk in ids],
            update_conflicts=True,
            unique_fields=["user"],
            update_fields=["stale"],
        )


class ReadByReadinessQuerySet(PersonRowsQuerySet):
    """The rows readiness reads (memberships, attendance, meetings, offices,
    sign-offs). Saving or deleting one marks its member's progress stale
    (``councils.signals``); a bulk ``update`` or ``bulk_create`` marks the
    members it touches stale itself, in the same transaction."""

    def written_in_bulk(self, user_ids):
        from .progress import progress_mark_stale  # services import models

        progress_mark_stale(user_ids)


class RoleRequirement(Orderable):
    """One condition, in order, on the road to a role."""

    role = ParentalKey(
        "councils.LeadershipRole",
        verbose_name=_("role"),
        on_delete=models.CASCADE,
        related_name="requirements",
    )
    kind = models.CharField(
        _("requirement"), max_length=25, choices=RequirementKind.choices
    )
    # SET_NULL: a deleted course leaves the requirement visibly broken (never
    # silently met) until an editor fixes it.
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    axis = models.ForeignKey(
        "courses.Axis",
        verbose_name=_("axis"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    number = models.PositiveSmallIntegerField(
        _("how many"),
        null=True,
        blank=True,
        help_text=_("Courses, hours, study circles or months, as the kind says."),
    )
    required_role = models.ForeignKey(
        "councils.LeadershipRole",
        verbose_name=_("role held"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="required_by",
    )

    panels = [
        FieldPanel("kind"),
        FieldPanel("course"),
        FieldPanel("axis"),
        FieldPanel("number"),
        FieldPanel("required_role"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")

    def __str__(self):
        return f"{self.role_id}: {self.get_kind_display()}"

    @property
    def wording(self):
        """In its own words ("Attend 2 study circles"), where the kind's label
        only names the kind ("Attend N study circles")."""
        return wording(self)

    def clean(self):
        super().clean()
        needed = fields_of(self.kind)
        errors = {}
        if "course" in needed and not self.course_id:
            errors["course"] = _("Choose the course.")
        if "axis" in needed and not self.axis_id:
            errors["axis"] = _("Choose the axis.")
        if "number" in needed and not self.number:
            errors["number"] = _("Write how many (at least 1).")
        if "required_role" in needed and not self.required_role_id:
            errors["required_role"] = _("Choose the role.")
        if errors:
            raise ValidationError(errors)
        # Fields the kind does not use are cleared, so nothing misleading stays.
        for name in {"course", "axis", "number", "required_role"} - needed:
            setattr(self, name, None)


class MentorshipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(ended_on__isnull=True)


class Mentorship(models.Model):
    """A member accompanied by a mentor (acompañante) of the same council."""

    council = models.ForeignKey(
        "councils.CouncilPage",
        verbose_name=_("council"),
        on_delete=models.CASCADE,
        related_name="mentorships",
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mentor"),
        on_delete=models.CASCADE,
        related_name="mentorships_given",
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accompanied member"),
        on_delete=models.CASCADE,
        related_name="mentorships_received",
    )
    started_on = models.DateField(_("since"), default=timezone.localdate)
    ended_on = models.DateField(_("until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("paired by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = MentorshipQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on"]
        verbose_name = _("mentorship")
        verbose_name_plural = _("mentorships")
        constraints = [
            models.UniqueConstraint(
                fields=["mentee"],
                condition=Q(ended_on__isnull=True),
                name="one_active_mentor_per_member",
            ),
            models.CheckConstraint(
                condition=~Q(mentor=models.F("mentee")),
                name="mentor_is_not_the_mentee",
            ),
        ]

    def __str__(self):
        return f"{self.mentor} → {self.mentee}"


class MentorNote(models.Model):
    """A dated check-in note written by the mentor."""

    mentorship = models.ForeignKey(
        Mentorship,
        verbose_name=_("mentorship"),
        on_delete=models.CASCADE,
        related_name="notes",
    )
    met_on = models.DateField(_("date"), default=timezone.localdate)
    text = models.TextField(_("note"), max_length=2000)
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        ordering = ["-met_on", "-pk"]
        verbose_name = _("check-in note")
        verbose_name_plural = _("check-in notes")

    def __str__(self):
        return f"{self.mentorship_id} {self.met_on}"


class MentorSignOffQuerySet(ReadByReadinessQuerySet):
    person_field = "mentee"


class MentorSignOff(models.Model):
    """A mentor's sign-off of the requirement of a role that asks for it."""

    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="mentor_sign_offs",
    )
    role = models.ForeignKey(
        "councils.LeadershipRole",
        verbose_name=_("role"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)

    objects = MentorSignOffQuerySet.as_manager()

    class Meta:
        verbose_name = _("mentor sign-off")
        verbose_name_plural = _("mentor sign-offs")
        constraints = [
            models.UniqueConstraint(
                fields=["mentee", "role"], name="one_sign_off_per_role"
            )
        ]

    def __str__(self):
        return f"{self.mentee_id} ✓ {self.role_id}"


class ReadyEvent(models.Model):
    """The day a member was first seen ready for a role: what leaders are told."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="ready_events",
    )
    role = models.ForeignKey(
        "councils.LeadershipRole",
        verbose_name=_("role"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    council = models.ForeignKey(
        "councils.CouncilPage",
        verbose_name=_("council"),
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    detected_at = models.DateTimeField(_("detected at"), default=timezone.now)

    class Meta:
        ordering = ["-detected_at"]
        verbose_name = _("member ready for a role")
        verbose_name_plural = _("members ready for a role")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="one_ready_event")
        ]

    def __str__(self):
        return f"{self.user_id} ready for {self.role_id}"


class MemberProgress(models.Model):
    """One row per member, derived and never edited: what the cadre dashboard
    adds up for a state or the nation (Kolibri's per-user summaries beside the
    per-event rows). Written by ``councils.cadres.progress`` from completions,
    attendance, memberships, offices and sign-offs; a change to any of those
    marks the row stale, and a worker recomputes stale rows soon after
    (``councils.cadres.progress``); no page ever does."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="cadre_progress",
    )
    # Few indexes: a recomputation rewrites half a million rows, and each
    # index is written again with each row (the council's is the first column
    # of progress_council_readiness; the roles' are only for a role deleted).
    council = models.ForeignKey(
        "councils.CouncilPage",
        verbose_name=_("council"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    active_member = models.BooleanField(_("active member"), default=False)
    courses = models.PositiveIntegerField(_("courses completed"), default=0)
    # {"axis id": courses completed}, only axes with at least one.
    courses_by_axis = models.JSONField(_("courses per axis"), default=dict)
    hours = models.FloatField(_("hours of study"), default=0)
    circles_attended = models.PositiveIntegerField(
        _("study circles attended"), default=0
    )
    last_activity = models.DateTimeField(_("last activity"), null=True)
    current_role = models.ForeignKey(
        "councils.LeadershipRole",
        verbose_name=_("current role"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    next_role = models.ForeignKey(
        "councils.LeadershipRole",
        verbose_name=_("next role"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    readiness = models.PositiveSmallIntegerField(_("readiness (%)"), default=0)
    ready = models.BooleanField(_("ready for the next role"), default=False)
    stale = models.BooleanField(_("to recompute"), default=True)
    # Months of membership grow with the calendar: every row is recomputed each
    # night, so readiness that depends only on time is at most a day late.
    changed_on = models.DateField(_("figures changed on"), null=True)

    objects = MemberProgressQuerySet.as_manager()

    class Meta:
        verbose_name = _("member progress")
        verbose_name_plural = _("member progress")
        indexes = [
            models.Index(
                fields=["council", "readiness"], name="progress_council_readiness"
            ),
            # The stale rows, for the worker (their ids sorted after) and for
            # "actualizando" of a council or a state.
            models.Index(
                fields=["council"],
                condition=Q(stale=True),
                name="progress_stale_council",
            ),
        ]

    def __str__(self):
        return f"progress of {self.user_id}"


class ProgressTotals(models.Model):
    """What the dashboard shows of a council or a state, added up from the
    members' progress rows by a worker (``councils.cadres.totals``): a state's
    or the nation's dashboard reads a few of these, never the members."""

    members = models.PositiveIntegerField(_("active members"), default=0)
    ready = models.PositiveIntegerField(_("ready for their next role"), default=0)
    courses = models.PositiveBigIntegerField(_("courses completed"), default=0)
    hours = models.FloatField(_("hours of study"), default=0)
    circles = models.PositiveBigIntegerField(_("study circles attended"), default=0)
    # As of ``computed_at``: at most a day late, as every total is recomputed
    # each night.
    inactive = models.PositiveIntegerField(_("inactive 30+ days"), default=0)
    # {"axis id": members with at least one course of the axis}
    by_axis = models.JSONField(_("members per axis"), default=dict)
    # {"role id" (or "" for none): [members holding it, ready for the next]}
    by_role = models.JSONField(_("members per role"), default=dict)
    # {"YYYY-MM-01": courses completed by its members that month}, 12 months
    monthly = models.JSONField(_("completions per month"), default=dict)
    computed_at = models.DateTimeField(_("computed at"), null=True)

    class Meta:
        abstract = True


class CouncilProgress(ProgressTotals):
    """A council's totals. ``dirty``: a member's row of the council changed
    since they were added up; set in the transaction of that change."""

    council = models.OneToOneField(
        "councils.CouncilPage",
        verbose_name=_("council"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="progress_totals",
    )
    dirty = models.BooleanField(_("to add up again"), default=True)

    class Meta:
        verbose_name = _("council progress totals")
        verbose_name_plural = _("council progress totals")
        indexes = [
            models.Index(
                fields=["council"], condition=Q(dirty=True), name="totals_dirty"
            )
        ]

    def __str__(self):
        return f"totals of council {self.council_id}"


class StateProgress(ProgressTotals):
    """A state's totals: the sums of its councils'. ``computed_at`` is the
    oldest of theirs."""

    state = models.OneToOneField(
        "councils.State",
        verbose_name=_("state"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="progress_totals",
    )
    # Set with its councils' new totals, in their transaction: the state is to
    # be added up again (a worker lost in between leaves it set).
    dirty = models.BooleanField(_("to add up again"), default=True)

    class Meta:
        verbose_name = _("state progress totals")
        verbose_name_plural = _("state progress totals")

    def __str__(self):
        return f"totals of state {self.state_id}"


class ProgressWork(models.Model):
    """Recomputation an editor's change asked for, done by a worker: a course
    republished (its completers' hours and axis) or requirements changed
    (everyone). Writing one is the whole cost of the change to the editor."""

    class Kind(models.TextChoices):
        EVERYONE = "todos", _("every member")
        COURSE = "curso", _("the completers of a course")

    kind = models.CharField(_("what"), max_length=5, choices=Kind.choices)
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    # When a worker took it: a change saved after that is new work, never
    # merged into this row (the worker may have read the old requirements).
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("progress recomputation")
        verbose_name_plural = _("progress recomputations")

    def __str__(self):
        return f"{self.kind} {self.course_id or ''}".strip()


class DigestOptOut(models.Model):
    """A leader who asked not to receive the weekly e-mail digest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="digest_opt_out",
    )
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("weekly digest opt-out")
        verbose_name_plural = _("weekly digest opt-outs")

    def __str__(self):
        return str(self.user_id)


class DigestDelivery(models.Model):
    """A weekly digest sent to a leader: one per person and week, whatever the
    number of times the task runs."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="digest_deliveries",
    )
    week = models.DateField(_("week starting"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    summary = models.JSONField(_("summary"), default=dict)

    class Meta:
        ordering = ["-week"]
        verbose_name = _("weekly digest sent")
        verbose_name_plural = _("weekly digests sent")
        constraints = [
            models.UniqueConstraint(fields=["user", "week"], name="one_digest_per_week")
        ]

    def __str__(self):
        return f"{self.user_id} {self.week}"
