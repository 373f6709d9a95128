"""Council e-mails and the daily resync of rights from role assignments (the
cadre pathway's tasks are in ``councils.cadres.tasks``)."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.services import notify, prefers_email
from outbox import services as outbox
from outbox.tasks import RETRY

from .models import ConstitutionRequest, Membership, MembershipStatus, RoleAssignment
from .provisioning import user_groups_sync
from .services.reminders import plan_reminders


def _send(template, context, recipients):
    recipients = [address for address in recipients if address]
    if not recipients:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"councils/email/{template}_subject.txt", context)
        body = render_to_string(f"councils/email/{template}.txt", context)
    return send_mail(
        " ".join(subject.split()), body, None, recipients, fail_silently=False
    )


def _send_decision_once(queryset, pk, template, name, recipients):
    """E-mail the decision held by the row ``pk`` of ``queryset`` at most once
    (``outbox.services.send_once``, keyed by the row): a task run again after
    it (a retry, a worker killed before acknowledging the task, the database
    gone right after the send), or at the same time, sends nothing. A send that
    fails is released, so the retry sends it. The row's
    ``decision_notified_at`` records when it went."""
    row = queryset.filter(pk=pk).first()
    if row is None or row.decision_notified_at is not None:
        return 0
    key = f"{queryset.model._meta.label_lower}:decision:{pk}"
    try:
        sent = outbox.send_once(
            key,
            lambda: _send(
                template,
                {name: row, "site_url": settings.WAGTAILADMIN_BASE_URL},
                recipients(row),
            ),
        )
    except outbox.NotSent:
        sent = 0
    when = outbox.sent_at(key)
    if when:
        queryset.filter(pk=pk, decision_notified_at__isnull=True).update(
            decision_notified_at=when
        )
    return sent


def _membership_notice(membership):
    """The decision as a short notice (an SMS fits in one or two segments),
    through ``notifications`` (once per membership, whatever runs it)."""
    site = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    with translation.override(settings.LANGUAGE_CODE):
        values = {"council": membership.council.title, "link": f"{site}/mi-formacion/"}
        if membership.status == MembershipStatus.ACTIVE:
            text = _("%(council)s accepted your request. %(link)s") % values
        else:
            text = _("%(council)s could not accept your request. %(link)s") % values
        text += " " + _("To stop notices: %(link)s") % {
            "link": f"{site}/cuenta/mis-datos/"
        }
    notify(
        "membership_decision",
        membership.user,
        f"membership:{membership.pk}",
        text,
        f"{site}/mi-formacion/",
    )


@shared_task(**RETRY)
def notify_membership_decision(membership_id):
    """Tell a person that their council decided: by e-mail (this template) when
    e-mail is their channel, as it is by default for whoever has one; otherwise
    by a notice on their channel (SMS…), which checks consent and quiet hours."""
    membership = (
        Membership.objects.select_related("user", "council")
        .filter(pk=membership_id, decision_notified_at__isnull=True)
        .first()
    )
    by_email = membership is not None and prefers_email(membership.user)
    if membership is not None and not by_email:
        if membership.status in (MembershipStatus.ACTIVE, MembershipStatus.REJECTED):
            _membership_notice(membership)
    return _send_decision_once(
        Membership.objects.select_related("user", "council"),
        membership_id,
        "membership_decision",
        "membership",
        lambda membership: [membership.user.email] if by_email else [],
    )


def _constitution_recipients(request):
    # Founders who confirmed only: the others' accounts were named without
    # their consent (and their links are gone once the request is decided).
    recipients = {request.requester.email if request.requester else ""}
    recipients |= {
        founder.user.email
        for founder in request.founders.confirmed().select_related("user")
    }
    return sorted(recipients)


@shared_task(**RETRY)
def notify_constitution_decision(request_id):
    """Tell the requester and the founders with e-mail how their request ended."""
    return _send_decision_once(
        ConstitutionRequest.objects.select_related("requester", "council", "state"),
        request_id,
        "constitution_decision",
        "request",
        _constitution_recipients,
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
