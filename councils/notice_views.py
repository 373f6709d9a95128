""" "Avisos enviados" in "Mi consejo": what the site told a council's people
about the council's business (``Notice.scope == "council:<id>"``), for its
leaders. Nothing else: not the notices of other councils, nor a person's own
affairs (her codes, her other councils), which carry another scope or none. A
sign-in code a leader sent is listed, never its text; a phone's verification
code never is, whatever its scope.

Why a notice was not sent is told coarsely: the exact reason (no consent, no
verified number, the channel she chose) is a person's privacy choice, not the
leaders' business. A provider's refusal is shown as it came.

From above the council (a state's or the nation's coordination) the page lists
people, so it asks for a reason first, as every page of a council's people
does (``councils.names``)."""

from datetime import timedelta

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from notifications.kinds import label
from notifications.models import Channel, Notice, Status

from .admin_views import leaders_only, log_people, people_of, render_admin
from .models import CouncilPage
from .services.permissions import can_lead
from .timezones import council_zone

DAYS = 30
PER_PAGE = 50
# The four counts the page shows, each over the statuses it stands for.
GROUPS = {
    "sent": (Status.SENT,),
    "waiting": (Status.PENDING, Status.HELD, Status.SENDING),
    "failed": (Status.FAILED,),
    "skipped": (Status.SKIPPED, Status.CANCELLED),
}
# A person's own codes, never shown to her council's leaders.
PRIVATE_KINDS = ("phone_verification",)


def coarse_reason(notice):
    """What the leaders may read of why ``notice`` did not go out."""
    if notice.status == Status.FAILED:
        return notice.last_error
    if notice.status == Status.CANCELLED:
        return pgettext("notice reason", "Cancelled")
    if notice.status == Status.SKIPPED:
        # Whatever the reason (her consent, her channel, a channel the site
        # has not set up): which one would tell her choices.
        return pgettext("notice reason", "Not sent")
    return ""


def coarse_channel(notice):
    """E-mail or phone: which of SMS, WhatsApp or Telegram she chose is hers."""
    if not notice.channel:
        return "—"
    if notice.channel == Channel.EMAIL:
        return Channel.EMAIL.label
    return pgettext("notice channel", "phone")


def council_scope(council):
    """The scope of the notices a council's leaders may see."""
    return f"council:{council.pk}"


def council_or_404(request, council_id):
    """The council if the viewer leads it (or reaches it from above): for any
    other id, a 404, the same as for one that does not exist."""
    council = CouncilPage.objects.select_related("state").filter(pk=council_id).first()
    if council is None or not can_lead(request.user, council):
        raise Http404
    people_of(request, council)
    return council


@leaders_only
@require_GET
def council_notices(request, council_id):
    council = council_or_404(request, council_id)
    since = timezone.now() - timedelta(days=DAYS)
    notices = Notice.objects.filter(
        scope=council_scope(council), created_at__gte=since
    ).exclude(kind__in=PRIVATE_KINDS)
    counts = notices.aggregate(
        **{
            name: Count("pk", filter=Q(status__in=statuses))
            for name, statuses in GROUPS.items()
        }
    )
    page = Paginator(
        notices.select_related("user")
        .only(
            "kind",
            "channel",
            "status",
            "last_error",
            "created_at",
            "sent_at",
            "user__username",
            "user__first_name",
            "user__last_name",
        )
        .order_by("-created_at", "-pk"),
        PER_PAGE,
    ).get_page(request.GET.get("p"))
    rows = [
        {
            "kind": label(notice.kind),
            "person": notice.user.get_full_name() or notice.user.username,
            "channel": coarse_channel(notice),
            "status": notice.get_status_display(),
            "reason": coarse_reason(notice),
            "when": notice.sent_at or notice.created_at,
        }
        for notice in page.object_list
    ]
    log_people(request, council, len(rows))
    return render_admin(
        request,
        "council_notices.html",
        _("Notices sent: %(council)s") % {"council": council.title},
        {
            "council": council,
            "counts": counts,
            "days": DAYS,
            "rows": rows,
            "notices_page": page,
            "query": request.GET,
            "zone": council_zone(council),
        },
    )
