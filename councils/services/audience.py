"""Whether a council's notice is still for its person when it goes
(``notifications.audience``): a notice written at night and held until
morning, or by the daily cap, may find that its person left the council, or
no longer leads it, since. Such a notice is cancelled, never sent."""

from ..models import CouncilPage, Membership
from .permissions import can_lead

GONE = "ya no forma parte del consejo"
NOT_LEADING = "ya no coordina el consejo"


def council_id_of(notice):
    council_id = notice.scope.removeprefix("council:")
    return int(council_id) if council_id.isdigit() else None


def still_member(notice):
    """A meeting's notice, or her own "ready for a role": only to an active
    member of the council it concerns."""
    council_id = council_id_of(notice)
    if (
        council_id is not None
        and Membership.objects.active()
        .filter(council_id=council_id, user_id=notice.user_id, user__is_active=True)
        .exists()
    ):
        return None
    return GONE


def still_leading(notice):
    """What a council's leaders are told of its people (a member ready for a
    role, the weekly digest): only to someone who still leads it. A digest
    over several councils has no scope and goes as it is."""
    if not notice.scope:
        return None
    council = CouncilPage.objects.filter(pk=council_id_of(notice)).first()
    if council is not None and can_lead(notice.user, council):
        return None
    return NOT_LEADING


def ready_for_role(notice):
    """The member's own notice, or her leaders' (key ending ``:leader``)."""
    if notice.key.endswith(":leader"):
        return still_leading(notice)
    return still_member(notice)
