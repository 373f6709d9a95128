"""Leadership roles and who holds them. ``RoleAssignment`` is the single source of
truth for offices: Wagtail group memberships are derived from the active ones."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel

from cococi_site.pages import validate_one_line

from ..cadres.models import ReadByReadinessQuerySet


class ScopeLevel(models.TextChoices):
    COUNCIL = "consejo", _("Council")
    STATE = "estado", _("State")
    NATIONAL = "nacional", _("National")


class LeadershipRole(ClusterableModel):
    """An office in the movement (Integrante, Coordinador/a de consejo…), held in a
    council, a state or nationally; ``grants_editing`` gives its holders the
    leaders' rights over that scope (its pages, files and member records)."""

    name = models.CharField(
        _("name"), max_length=100, unique=True, validators=[validate_one_line]
    )
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    scope_level = models.CharField(
        _("scope"), max_length=10, choices=ScopeLevel.choices
    )
    grants_editing = models.BooleanField(
        _("leads the scope"),
        default=False,
        help_text=_(
            "Holders edit the scope's pages and see and manage its members' records."
        ),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    in_pathway = models.BooleanField(
        _("step of the formation pathway"),
        default=False,
        help_text=_(
            "Pathway roles follow one another by their order: a member's next "
            "role is the next pathway role after the highest one they hold."
        ),
    )
    description = models.TextField(_("description"), blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("scope_level"),
        FieldPanel("grants_editing"),
        FieldPanel("sort_order"),
        FieldPanel("in_pathway"),
        FieldPanel("description"),
        InlinePanel("requirements", heading=_("Requirements"), label=_("Requirement")),
    ]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("leadership role")
        verbose_name_plural = _("leadership roles")

    def __str__(self):
        return self.name


class RoleAssignmentQuerySet(ReadByReadinessQuerySet):
    def active(self, on=None):
        """Held on ``on`` (today by default): started, and not yet ended."""
        on = on or timezone.localdate()
        return self.filter(started_on__lte=on).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=on)
        )

    def not_ended(self, on=None):
        """Held on ``on`` (today by default) or endorsed to start later."""
        on = on or timezone.localdate()
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))

    def leading(self):
        return self.filter(role__grants_editing=True)


class RoleAssignment(models.Model):
    """Who holds which office, where, since when, endorsed by which assembly."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.ForeignKey(
        LeadershipRole,
        verbose_name=_("role"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    council = models.ForeignKey(
        "councils.CouncilPage",
        verbose_name=_("council"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    state = models.ForeignKey(
        "councils.State",
        verbose_name=_("state"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    started_on = models.DateField(_("since"), default=timezone.localdate)
    ended_on = models.DateField(_("until"), null=True, blank=True)
    endorsing_meeting = models.ForeignKey(
        "councils.Meeting",
        verbose_name=_("endorsing assembly"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="endorsements",
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "-pk"]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(council__isnull=True) | Q(state__isnull=True),
                name="role_assignment_one_scope",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="role_assignment_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["user", "ended_on"])]

    def __str__(self):
        return f"{self.user} — {self.role} ({self.scope_label})"

    @property
    def scope_label(self):
        if self.council_id:
            return self.council.title
        if self.state_id:
            return self.state.name
        return str(_("National"))

    def clean(self):
        super().clean()
        level = self.role.scope_level if self.role_id else None
        if level == ScopeLevel.COUNCIL and not self.council_id:
            raise ValidationError({"council": _("This role is held in a council.")})
        if level == ScopeLevel.STATE and not self.state_id:
            raise ValidationError({"state": _("This role is held in a state.")})
        if level != ScopeLevel.COUNCIL and self.council_id:
            raise ValidationError({"council": _("This role is not held in a council.")})
        if level != ScopeLevel.STATE and self.state_id:
            raise ValidationError({"state": _("This role is not held in a state.")})
        if self.ended_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": _("The end comes before the start.")})
