"""Who belongs to which council. Personal data: read through ``visible_to``."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cococi_site.pages import validate_plain_text

from ..cadres.models import ReadByReadinessQuerySet
from .scopes import leader_scope


class MembershipStatus(models.TextChoices):
    PENDING = "pendiente", _("Pending")
    ACTIVE = "activa", _("Active")
    LEFT = "baja", _("Left")
    REJECTED = "rechazada", _("Rejected")


class MembershipQuerySet(ReadByReadinessQuerySet):
    def active(self):
        return self.filter(status=MembershipStatus.ACTIVE)

    def pending(self):
        return self.filter(status=MembershipStatus.PENDING)

    def not_rejected(self):
        return self.exclude(status=MembershipStatus.REJECTED)

    def visible_to(self, user):
        """Memberships of the councils ``user`` leads, plus their own."""
        if not user.is_authenticated:
            return self.none()
        scope = leader_scope(user)
        return self.filter(scope.council_q("council__") | Q(user=user))


class Membership(models.Model):
    """A person's membership of a council: requested, accepted, left. Rows are never
    deleted, so a transfer keeps the history of where someone has been."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    council = models.ForeignKey(
        "councils.CouncilPage",
        verbose_name=_("council"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MembershipStatus.choices,
        default=MembershipStatus.PENDING,
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.CharField(
        _("note"), max_length=300, blank=True, validators=[validate_plain_text]
    )
    # When the decision's notice was written (``councils.tasks``), under the
    # row's lock and in its transaction: a task run again (a retry, a worker
    # killed before acknowledging it) finds it and writes nothing. Whether the
    # notice went, and by which channel, is on the ``Notice``.
    decision_notified_at = models.DateTimeField(
        _("decision e-mailed at"), null=True, blank=True
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status=MembershipStatus.ACTIVE),
                name="one_active_council_per_member",
            ),
            models.UniqueConstraint(
                fields=["user", "council"],
                condition=Q(status=MembershipStatus.PENDING),
                name="one_pending_request_per_council",
            ),
        ]
        indexes = [models.Index(fields=["council", "status"])]

    def __str__(self):
        return f"{self.user} @ {self.council} ({self.status})"
