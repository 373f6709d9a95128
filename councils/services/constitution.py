"""Requests to constitute a council: submitted, answered by founders, decided
by the state's coordination."""

from datetime import datetime, time

from django.core.exceptions import PermissionDenied
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.services import sign_in_code_create, sign_in_code_issue
from notifications.phone import PhoneError, phone_verified, sign_in_code_send
from outbox.services import enqueue

from ..models import (
    Attendance,
    ConstitutionFounder,
    ConstitutionRequest,
    CouncilIndexPage,
    CouncilPage,
    CouncilStatus,
    Meeting,
    MeetingKind,
    Membership,
    RequestStatus,
    RoleAssignment,
    StatePage,
    council_name_taken,
)
from ..models.scopes import leader_scope
from ..tasks import notify_constitution_decision
from .meetings import acta_store
from .membership import _activate
from .permissions import CouncilError
from .slugs import unique_child_slug


@transaction.atomic
def constitution_submit(*, requester, data, founders, acta):
    """Store a request with its founding members; nothing is created until the
    state's coordination approves it. Founders named by an account's username
    are asked to confirm it on /mi-formacion/; the requester, naming
    themselves, has just done so."""
    request = ConstitutionRequest(
        requester=requester,
        proposed_name=data["proposed_name"].strip(),
        state=data["state"],
        municipality=data.get("municipality"),
        sector=data.get("sector", "").strip(),
        assembly_on=data["assembly_on"],
        assembly_place=data["assembly_place"].strip(),
    )
    request.acta.save(acta.name, acta, save=False)
    request.save()
    now = timezone.now()
    ConstitutionFounder.objects.bulk_create(
        ConstitutionFounder(
            request=request,
            full_name=founder["full_name"],
            phone=founder.get("phone", ""),
            user=founder.get("user"),
            role=founder.get("role"),
            confirmed_at=now if founder.get("user") == requester else None,
        )
        for founder in founders
    )
    return request


@transaction.atomic
def constitution_founder_answer(*, user, founder_id, confirm):
    """``user``'s answer to being named a founder: yes (approval will make
    them a member of the new council, with their elected office) or no (the
    row loses its link to their account; "no" after a "yes" withdraws it).
    Only while the request is pending; raises ``ConstitutionFounder.DoesNotExist``
    for a row that does not name ``user``."""
    founder = ConstitutionFounder.objects.select_related("request").get(
        pk=founder_id, user=user
    )
    # The request's row, locked: an approval at the same moment reads the
    # confirmations either before this answer or after it, never half of it.
    request = (
        ConstitutionRequest.objects.select_for_update(of=("self",))
        .filter(pk=founder.request_id)
        .first()
    )
    founder.refresh_from_db()
    if request.status != RequestStatus.PENDING or founder.user_id != user.pk:
        raise CouncilError(_("This request was already decided."))
    if confirm:
        founder.confirmed_at = founder.confirmed_at or timezone.now()
    else:
        founder.user = None
        founder.confirmed_at = None
    founder.save(update_fields=["user", "confirmed_at"])
    founder.request = request
    return founder


def founders_elsewhere_check(request, actor):
    """Approving moves the founders who confirmed into the new council, ending
    their membership (and offices) in their current one: only from councils
    the approver coordinates too. Someone active in a council elsewhere must
    leave it, or be moved by its own coordination, first. The message does
    not name that council: it is out of the approver's reach."""
    scope = leader_scope(actor)
    current = (
        Membership.objects.active()
        .filter(user__in=request.founders.confirmed().values("user"))
        .select_related("council", "user")
    )
    for membership in current:
        if not scope.covers(membership.council):
            raise CouncilError(
                _(
                    "%(person)s is an active member of a council you do not "
                    "coordinate: approving would take them out of it. They must "
                    "leave it first."
                )
                % {
                    "person": membership.user.get_full_name()
                    or membership.user.username,
                }
            )


def founders_unconfirmed_unlink(request):
    """Once a request is decided, founders who never confirmed are names only:
    their accounts were named without their consent."""
    unconfirmed = request.founders.exclude(user=None).exclude(
        pk__in=request.founders.confirmed().values("pk")
    )
    unconfirmed.update(user=None, confirmed_at=None)


def holds_more_than_membership(person):
    """Whether ``person`` holds anything beyond being a member: a group (an
    office, the formation team), a permission of her own, staff or superuser.
    A code to sign in as her would reach all of it."""
    return (
        person.is_superuser
        or person.is_staff
        or person.groups.exists()
        or person.user_permissions.exists()
    )


def founders_sign_in_codes(*, council, actor, people, not_in_clear=()):
    """One-time sign-in codes for the new council's founders who have no
    password yet (an account made for the request, or registered without
    internet): without them nobody could sign in to complete the page. A
    founder whose phone is verified gets hers by SMS, seen by nobody else;
    the others' codes are returned in clear, once, for ``actor`` to hand over
    as when registering someone without internet. Never in clear for the
    people in ``not_in_clear`` (ids of founders who held more than a
    membership before the approval: the approver would sign in as them with
    powers she may not have); they get one by SMS or sign in their usual
    way. Returns [(person, code)]."""
    handed = []
    for person in sorted(people, key=lambda user: (user.get_full_name(), user.pk)):
        if person.has_usable_password():
            continue
        if phone_verified(person):
            code, row = sign_in_code_issue(user=person, created_by=actor)
            try:
                sign_in_code_send(
                    user=person, code_row=row, code=code, scope=f"council:{council.pk}"
                )
                continue
            except PhoneError:
                pass  # SMS turned off or too many codes lately: handed over instead.
        if person.pk in not_in_clear:
            continue
        handed.append((person, sign_in_code_create(user=person, created_by=actor)))
    return handed


def _notify_constitution(request_id):
    enqueue(notify_constitution_decision, request_id)


@transaction.atomic
def constitution_decide(*, request_id, actor, approve, reason=""):
    """Approve or reject a pending request of a state ``actor`` coordinates.

    Approval creates, together: the council page, published at once with the
    request's public facts (name, municipality or sector, founding date;
    never the assembly's place, which may be someone's home) so that the
    council is in the directory as the guide promises, for its leaders to
    complete; its group, collection and permissions; the
    constitutive assembly with its acta and attendance; memberships of the
    founders who confirmed with their account and their elected positions;
    one-time sign-in codes for those of them without a password
    (``founders_sign_in_codes``). It waits for one founder elected to an
    office that edits the council to confirm: otherwise nobody could complete
    its page. Founders who did not confirm are never moved; the decision
    leaves them as names only, who may ask to join the published council.

    Returns (request, [(person, code)] for ``actor`` to hand over).
    """
    request = (
        # Lock the request row only: PostgreSQL cannot lock the nullable side
        # of the outer join to the municipality.
        ConstitutionRequest.objects.select_for_update(of=("self",))
        .select_related("state", "municipality")
        .filter(pk=request_id)
        .first()
    )
    if request is None or not leader_scope(actor).covers_state(request.state_id):
        raise PermissionDenied
    if request.status != RequestStatus.PENDING:
        raise CouncilError(_("This request was already decided."))
    reason = reason.strip()
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_reason = reason
    if not approve:
        if not reason:
            raise CouncilError(_("Write the reason for rejecting the request."))
        request.status = RequestStatus.REJECTED
        request.save()
        founders_unconfirmed_unlink(request)
        _notify_constitution(request.pk)
        return request, []

    founders = list(request.founders.confirmed().select_related("user", "role"))
    if not any(founder.role_id and founder.role.grants_editing for founder in founders):
        raise CouncilError(
            _(
                "Nobody elected to coordinate the council has confirmed with their "
                "account yet, so nobody could edit its page. Wait for their "
                "confirmation, or reject the request."
            )
        )
    founders_elsewhere_check(request, actor)
    # Read before the approval gives anyone the new council's group.
    not_in_clear = {
        founder.user_id
        for founder in founders
        if holds_more_than_membership(founder.user)
    }
    # Approvals take turns (the directory's one page row is locked): two
    # requests for the same name (a sector's name counts in every state)
    # approved at once find each other's council, and two new pages are never
    # given the same place in the page tree. Approvals are a few a day.
    CouncilIndexPage.objects.select_for_update().first()
    state_page = StatePage.objects.filter(state=request.state).first()
    if state_page is None:
        raise CouncilError(_("The state has no page in the directory."))
    if council_name_taken(
        request.proposed_name, request.municipality_id, request.sector
    ):
        raise CouncilError(
            _("There is already a council called «%(name)s» there.")
            % {"name": request.proposed_name}
        )
    council = CouncilPage(
        title=request.proposed_name,
        slug=unique_child_slug(state_page, request.proposed_name),
        municipality=request.municipality,
        sector=request.sector,
        status=CouncilStatus.CONSTITUTED,
        founded_on=request.assembly_on,
        # Not the assembly's place: it may be someone's home, and approval
        # publishes the page. The council's leaders write where it meets.
        live=False,
        owner=request.requester,
    )
    state_page.add_child(instance=council)
    revision = council.save_revision(user=actor, log_action=True)

    with request.acta.open("rb") as source:
        acta = acta_store(
            council=council,
            uploaded=File(source, name=request.acta.name.rsplit("/", 1)[-1]),
            title=_("Acta of the constitutive assembly: %(name)s")
            % {"name": council.title},
        )
    assembly = Meeting.objects.create(
        council=council,
        kind=MeetingKind.CONSTITUTIVE,
        title=_("Constitutive assembly"),
        starts_at=timezone.make_aware(
            datetime.combine(request.assembly_on, time(hour=10))
        ),
        place=request.assembly_place,
        acta=acta,
        created_by=actor,
        closed_at=timezone.now(),
        closed_by=actor,
    )
    people = {founder.user for founder in founders}
    Attendance.objects.bulk_create(
        Attendance(meeting=assembly, user=person) for person in people
    )
    for person in people:
        membership = Membership.objects.create(user=person, council=council)
        _activate(membership, actor)
    for founder in founders:
        if founder.role_id:
            RoleAssignment.objects.create(
                user=founder.user,
                role=founder.role,
                council=council,
                started_on=request.assembly_on,
                endorsing_meeting=assembly,
                recorded_by=actor,
                note=_("Elected at the constitutive assembly."),
            )
    handed = founders_sign_in_codes(
        council=council, actor=actor, people=people, not_in_clear=not_in_clear
    )
    # Published by the state's coordination that approved it: a constituted
    # council is public (its founders' names are not on it, only what the
    # request says of the council itself).
    revision.publish(user=actor)
    request.status = RequestStatus.APPROVED
    request.council = council
    request.save()
    founders_unconfirmed_unlink(request)
    _notify_constitution(request.pk)
    return request, handed
