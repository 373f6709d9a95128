"""Requests to constitute a new council, decided by the state's coordination."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cococi_site import files
from cococi_site.pages import (
    validate_one_line,
    validate_person_name,
    validate_plain_text,
)

from .scopes import leader_scope


def private_storage():
    # Named here since the first migration: the storage is cococi_site's.
    return files.private_storage()


class RequestStatus(models.TextChoices):
    PENDING = "pendiente", _("Pending")
    APPROVED = "aprobada", _("Approved")
    REJECTED = "rechazada", _("Rejected")


class ConstitutionRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Requests of the states ``user`` coordinates, plus their own."""
        if not user.is_authenticated:
            return self.none()
        scope = leader_scope(user)
        if scope.national:
            return self.all()
        return self.filter(Q(state_id__in=scope.state_ids) | Q(requester=user))

    def pending(self):
        return self.filter(status=RequestStatus.PENDING)


class ConstitutionRequest(models.Model):
    """A promoting team's request to constitute a council, with its acta."""

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="constitution_requests",
    )
    proposed_name = models.CharField(
        _("proposed name"), max_length=150, validators=[validate_one_line]
    )
    state = models.ForeignKey(
        "councils.State",
        verbose_name=_("state"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    municipality = models.ForeignKey(
        "councils.Municipality",
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sector = models.CharField(
        _("sector"), max_length=120, blank=True, validators=[validate_one_line]
    )
    assembly_on = models.DateField(_("date of the constitutive assembly"))
    assembly_place = models.CharField(
        _("place of the assembly"), max_length=200, validators=[validate_one_line]
    )
    acta = models.FileField(
        _("acta"), storage=private_storage, upload_to="constituciones/%Y/%m/"
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RequestStatus.choices,
        default=RequestStatus.PENDING,
    )
    decision_reason = models.TextField(
        _("reason"), blank=True, validators=[validate_plain_text]
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # As ``Membership.decision_notified_at``: the decision is told once.
    decision_notified_at = models.DateTimeField(
        _("decision e-mailed at"), null=True, blank=True
    )
    council = models.ForeignKey(
        "councils.CouncilPage",
        verbose_name=_("council"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    objects = ConstitutionRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("constitution request")
        verbose_name_plural = _("constitution requests")

    def __str__(self):
        return self.proposed_name


class ConstitutionFounderQuerySet(models.QuerySet):
    def confirmed(self):
        """Founders whose account confirmed it (and still exists): the only
        ones an approval makes members of the new council and gives an office."""
        return self.filter(
            confirmed_at__isnull=False,
            user__is_active=True,
            user__anonymised_at__isnull=True,
        )

    def awaiting(self, user):
        """The founder rows naming ``user`` in requests still pending: what
        they are asked to confirm (or have confirmed) on /mi-formacion/."""
        return self.filter(user=user, request__status=RequestStatus.PENDING)


class ConstitutionFounder(models.Model):
    """A founding member named in a request. A username the requester wrote
    links the row to that account, and the person sees the request on
    /mi-formacion/: ``confirmed_at`` is their "yes, I am a founder"; "no"
    removes the link. Nobody is moved into the new council, or given an
    office, without that confirmation. ``role`` is the position the
    constitutive assembly elected them to."""

    request = models.ForeignKey(
        ConstitutionRequest,
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="founders",
    )
    full_name = models.CharField(
        _("full name"), max_length=150, validators=[validate_person_name]
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    role = models.ForeignKey(
        "councils.LeadershipRole",
        verbose_name=_("elected position"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(
        _("confirmed by the person at"), null=True, blank=True
    )

    objects = ConstitutionFounderQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("founding member")
        verbose_name_plural = _("founding members")

    def __str__(self):
        return self.full_name
