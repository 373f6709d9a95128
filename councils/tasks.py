"""Council notices (decisions on requests) and the daily resync of rights
from role assignments (the cadre pathway's tasks are in
``councils.cadres.tasks``)."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.services import notify
from notifications.texts import long_form
from outbox.tasks import RETRY

from .models import (
    ConstitutionRequest,
    Membership,
    MembershipStatus,
    RequestStatus,
    RoleAssignment,
)
from .provisioning import user_groups_sync
from .services.reminders import plan_reminders


def _decision_tell(queryset, pk, tell, person_first=False):
    """Tell the decision held by the row ``pk`` of ``queryset`` once: under
    the row's lock, ``tell(row)`` writes the notices (``notify``, once per
    kind, person and key whatever runs it) and ``decision_notified_at``
    records when they were written, in the same transaction. A task run again
    (a retry, a worker killed before acknowledging it) or at the same time
    finds it set and writes nothing. Whether and when each notice went (sent,
    held until morning, skipped without consent) is on the notice itself.

    ``person_first``: the row's person is locked before the row, the order
    in which a membership decision takes them (``membership_decide``): the
    other order deadlocks with a leader accepting the same person elsewhere
    (the notice's insert waits on the person's row, the leader on this one)."""
    with transaction.atomic():
        if person_first:
            user_id = queryset.filter(pk=pk).values_list("user_id", flat=True)
            get_user_model().objects.select_for_update().filter(
                pk__in=list(user_id)
            ).first()
        row = (
            queryset.select_for_update(of=("self",))
            .filter(pk=pk, decision_notified_at__isnull=True)
            .first()
        )
        if row is None:
            return 0
        told = tell(row)
        if told is None:
            return 0  # nothing decided yet
        queryset.filter(pk=pk).update(decision_notified_at=timezone.now())
    return told


def _membership_tell(membership):
    """The decision as a short notice for phones (one or two SMS segments)
    and, for e-mail, the long form of the e-mail template."""
    if membership.status == MembershipStatus.PENDING:
        return None
    site = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    with translation.override(settings.LANGUAGE_CODE):
        values = {"council": membership.council.title, "link": f"{site}/mi-formacion/"}
        if membership.status == MembershipStatus.REJECTED:
            text = _("%(council)s could not accept your request. %(link)s") % values
        else:
            text = _("%(council)s accepted your request. %(link)s") % values
    subject, body = long_form(
        "councils/email/membership_decision",
        {"membership": membership, "site_url": settings.WAGTAILADMIN_BASE_URL},
    )
    notify(
        "membership_decision",
        membership.user,
        f"membership:{membership.pk}",
        text,
        f"{site}/mi-formacion/",
        scope=f"council:{membership.council_id}",
        subject=subject,
        body=body,
    )
    return 1


@shared_task(**RETRY)
def notify_membership_decision(membership_id):
    """Tell a person that their council decided, on the channel they chose
    (e-mail by default for whoever has an address), under their consent to
    notices, checked when it is sent."""
    return _decision_tell(
        Membership.objects.select_related("user", "council"),
        membership_id,
        _membership_tell,
        person_first=True,
    )


def _constitution_people(request):
    # Founders who confirmed only: the others' accounts were named without
    # their consent (and their links are gone once the request is decided).
    people = {request.requester} if request.requester else set()
    people |= {
        founder.user for founder in request.founders.confirmed().select_related("user")
    }
    return sorted(people, key=lambda person: person.pk)


def _constitution_tell(request):
    if request.status not in (RequestStatus.APPROVED, RequestStatus.REJECTED):
        return None
    site = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    link = f"{site}/mi-formacion/"
    with translation.override(settings.LANGUAGE_CODE):
        if request.status == RequestStatus.APPROVED:
            text = _("%(name)s is now a registered council") % {
                "name": request.proposed_name
            }
            text = f"{text}. {link}"
        else:
            reason = " ".join(request.decision_reason.split())
            if len(reason) > 120:
                reason = reason[:119] + "…"
            text = _(
                "The state coordination could not approve %(name)s: %(reason)s %(link)s"
            ) % {"name": request.proposed_name, "reason": reason, "link": link}
    subject, body = long_form(
        "councils/email/constitution_decision",
        {"request": request, "site_url": settings.WAGTAILADMIN_BASE_URL},
    )
    people = _constitution_people(request)
    for person in people:
        notify(
            "constitution_decision",
            person,
            f"constitution:{request.pk}",
            text,
            link,
            scope=f"council:{request.council_id}" if request.council_id else "",
            subject=subject,
            body=body,
        )
    return len(people)


@shared_task(**RETRY)
def notify_constitution_decision(request_id):
    """Tell the requester and the founders who confirmed how their request
    ended, each on their own channel."""
    return _decision_tell(
        ConstitutionRequest.objects.select_related("requester", "council", "state"),
        request_id,
        _constitution_tell,
    )


@shared_task(**RETRY)
def sync_ended_role_assignments():
    """Daily: whoever's office ended (or started) today gets their rights updated."""
    today = timezone.localdate()
    window = Q(ended_on__range=(today - timedelta(days=2), today)) | Q(
        started_on__range=(today - timedelta(days=2), today)
    )
    users = get_user_model().objects.filter(
        pk__in=RoleAssignment.objects.filter(window).values("user_id")
    )
    for user in users:
        user_groups_sync(user)
    return len(users)


@shared_task(**RETRY)
def plan_meeting_reminders():
    """Hourly from beat: remind the members of tomorrow's meetings (each
    reminder written once however often it runs)."""
    return plan_reminders()
