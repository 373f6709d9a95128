"""Council e-mails and the daily resync of rights from role assignments."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from outbox.tasks import RETRY


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


@shared_task(**RETRY)
def notify_membership_decision(membership_id):
    """Tell a person, where they have e-mail, that their council decided."""
    from .models import Membership

    membership = (
        Membership.objects.select_related("user", "council")
        .filter(pk=membership_id)
        .first()
    )
    if membership is None:
        return 0
    return _send(
        "membership_decision",
        {"membership": membership, "site_url": settings.WAGTAILADMIN_BASE_URL},
        [membership.user.email],
    )


@shared_task(**RETRY)
def notify_constitution_decision(request_id):
    """Tell the requester and the founders with e-mail how their request ended."""
    from .models import ConstitutionRequest

    request = (
        ConstitutionRequest.objects.select_related("requester", "council", "state")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        return 0
    recipients = {request.requester.email if request.requester else ""}
    recipients |= {
        founder.user.email
        for founder in request.founders.select_related("user")
        if founder.user_id
    }
    return _send(
        "constitution_decision",
        {"request": request, "site_url": settings.WAGTAILADMIN_BASE_URL},
        sorted(recipients),
    )


@shared_task(**RETRY)
def sync_ended_role_assignments():
    """Daily: whoever's office ended (or started) today gets their rights updated."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.db.models import Q
    from django.utils import timezone

    from .models import RoleAssignment
    from .provisioning import user_groups_sync

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
def refresh_member_progress():
    """After a change of requirements: recompute the stale progress rows, so
    that the next dashboard view need not."""
    from .progress import progress_refresh

    return progress_refresh()


@shared_task(**RETRY)
def detect_ready_members():
    """Daily: recompute every member's progress and record who became ready
    for their next role."""
    from .cadres import ready_members_detect

    return ready_members_detect()


@shared_task(**RETRY)
def send_weekly_digests():
    """Weekly: each council leader's digest (new members, completions, members
    ready for their next role, members inactive for 30 days)."""
    from .cadres import digests_send, ready_members_detect

    ready_members_detect()
    return digests_send()
