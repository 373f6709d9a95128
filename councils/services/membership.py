"""Joining, leaving and being registered in a council, with the offices and
mentorships that end with a membership."""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import (
    CodePurpose,
    ConsentMethod,
    PrivacyNotice,
    Purpose,
)
from members.security import (
    has_two_factor,
    may_give_activation_code,
    sees_others_data,
)
from members.services import consents_record, sign_in_code_create, sign_in_code_issue
from notifications.phone import PhoneError, sign_in_code_send
from outbox.services import enqueue

from ..models import (
    CouncilPage,
    CouncilStatus,
    Membership,
    MembershipStatus,
    Mentorship,
    RoleAssignment,
)
from ..models.scopes import leader_scope
from ..tasks import notify_membership_decision
from .permissions import CouncilError, require_lead
from .slugs import username_suggest


def membership_request(*, user, council):
    """Ask to join ``council``; asking again while pending changes nothing."""
    if not council.live or council.status == CouncilStatus.INACTIVE:
        raise CouncilError(_("This council is not taking in members right now."))
    if Membership.objects.active().filter(user=user, council=council).exists():
        raise CouncilError(_("You are already a member of this council."))
    pending = Membership.objects.pending().filter(user=user, council=council).first()
    if pending:
        return pending
    try:
        with transaction.atomic():
            return Membership.objects.create(user=user, council=council)
    except IntegrityError:  # a double click won the race
        return Membership.objects.pending().get(user=user, council=council)


def _activate(membership, actor):
    """Make ``membership`` the person's one active council; an earlier active
    membership ends (a transfer keeps it as history). The person's row is
    locked first: two acceptances of one person at once take turns."""
    get_user_model().objects.select_for_update().filter(pk=membership.user_id).first()
    today = timezone.localdate()
    earlier = (
        Membership.objects.active()
        .filter(user_id=membership.user_id)
        .exclude(pk=membership.pk)
    )
    left_councils = list(earlier.values_list("council_id", flat=True))
    earlier.update(status=MembershipStatus.LEFT, left_on=today)
    mentorships_end(membership.user_id, keep_council=membership.council_id)
    offices_end(membership.user_id, left_councils)
    membership.status = MembershipStatus.ACTIVE
    membership.joined_on = today
    membership.decided_by = actor
    membership.decided_at = timezone.now()
    membership.save()


@transaction.atomic
def membership_decide(*, council, membership_id, actor, accept, note=""):
    """Accept or reject a pending request to join ``council``. The request must be
    one of this council's: an id from elsewhere is refused, whatever the form."""
    require_lead(actor, council)
    requests = Membership.objects.filter(pk=membership_id, council=council)
    user_id = requests.values_list("user_id", flat=True).first()
    if user_id is None:
        raise CouncilError(_("That request does not belong to this council."))
    # The person's row before the request's, as ``_activate`` and every
    # change to a person take it: two leaders accepting this person's requests
    # to two councils at once take turns, and the second finds the first's
    # membership (the acceptance becomes a transfer), not a second active one.
    get_user_model().objects.select_for_update().filter(pk=user_id).first()
    membership = requests.select_for_update().first()
    if membership is None or membership.status != MembershipStatus.PENDING:
        raise CouncilError(_("That request was already decided."))
    if accept:
        try:
            with transaction.atomic():
                _activate(membership, actor)
        except IntegrityError:  # a database that could not take the lock
            raise CouncilError(
                _(
                    "%(name)s was being accepted in another council at the same "
                    "moment. Look at the list and try again."
                )
                % {"name": membership.user}
            ) from None
    else:
        membership.status = MembershipStatus.REJECTED
        membership.decided_by = actor
        membership.decided_at = timezone.now()
        membership.note = note[:300]
        membership.save()
    _notify_membership(membership.pk)
    return membership


def _notify_membership(membership_id):
    enqueue(notify_membership_decision, membership_id)


@transaction.atomic
def membership_end(*, council, membership_id, actor):
    require_lead(actor, council)
    membership = (
        Membership.objects.select_for_update()
        .active()
        .filter(pk=membership_id, council=council)
        .first()
    )
    if membership is None:
        raise CouncilError(_("That person is not an active member of this council."))
    membership.status = MembershipStatus.LEFT
    membership.left_on = timezone.localdate()
    membership.save(update_fields=["status", "left_on"])
    mentorships_end(membership.user_id)
    offices_end(membership.user_id, [council.pk])
    return membership


def mentorships_end(user_id, keep_council=None):
    """A person who leaves a council stops accompanying, and being accompanied,
    there from today: a former member keeps no sight of anyone's progress."""
    ended = Mentorship.objects.active().filter(
        Q(mentor_id=user_id) | Q(mentee_id=user_id)
    )
    if keep_council is not None:
        ended = ended.exclude(council_id=keep_council)
    ended.update(ended_on=timezone.localdate())


def offices_end(user_id, council_ids):
    """A person who leaves a council stops leading it from today: their offices
    there that grant rights over it end, and the rights go with them (least
    privilege: a former member keeps no sight of its members)."""
    today = timezone.localdate()
    offices = (
        RoleAssignment.objects.leading()
        .not_ended()
        .filter(user_id=user_id, council_id__in=council_ids)
    )
    for office in offices:
        # One that had not started yet ends before it starts. Saving brings
        # the person's groups in step (``councils.signals``).
        office.ended_on = max(today, office.started_on)
        office.save(update_fields=["ended_on"])


# Members without internet


@transaction.atomic
def member_register_offline(
    *,
    council,
    actor,
    first_name,
    last_name,
    phone="",
    email="",
    voluntary_purposes=(),
):
    """Register a member who consented on a paper form: an account without a
    password, their consent (method: paper, recorded by ``actor``), an active
    membership, and a one-time sign-in code returned in clear, once."""
    require_lead(actor, council)
    notice = PrivacyNotice.objects.current()
    if notice is None:
        raise CouncilError(
            _("There is no privacy notice in force: nobody can be registered.")
        )
    User = get_user_model()
    # One registration at a time per council: a double tap, or the page sent
    # again, finds the first one below.
    CouncilPage.objects.select_for_update().filter(pk=council.pk).first()
    same = User.objects.filter(
        first_name__iexact=first_name.strip(),
        last_name__iexact=last_name.strip(),
        phone=phone.strip(),
        email__iexact=email.strip(),
        memberships__in=Membership.objects.active().filter(council=council),
    ).first()
    if same is not None:
        raise CouncilError(
            _(
                "%(name)s is already registered in this council (user "
                "%(username)s). If it is another person, add their phone or "
                "e-mail."
            )
            % {"name": same.get_full_name(), "username": same.username}
        )
    user = User(
        username=username_suggest(first_name, last_name),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        phone=phone.strip(),
        email=email.strip(),
    )
    user.set_unusable_password()
    user.save()
    consents_record(
        user=user,
        notice=notice,
        decisions={
            Purpose.NECESSARY: True,
            **{p: p in voluntary_purposes for p in Purpose.voluntary()},
        },
        method=ConsentMethod.PAPER,
        recorded_by=actor,
    )
    membership = Membership.objects.create(user=user, council=council)
    _activate(membership, actor)
    code = sign_in_code_create(user=user, created_by=actor)
    return user, code


@transaction.atomic
def sign_in_code_send_by_sms(*, council, actor, person):
    """A new one-time sign-in code for ``person``, an active member of
    ``council`` who has not chosen a password yet, sent by SMS to her phone
    and shown to nobody (the one shown before stops working): signing in with
    it proves the number is hers. Returns the notice."""
    require_lead(actor, council)
    if not active_members(council).filter(pk=person.pk).exists():
        raise CouncilError(
            _("%(name)s is not an active member of this council.") % {"name": person}
        )
    if person.has_usable_password():
        raise CouncilError(
            _(
                "%(name)s already chose a password: a sign-in code is only for "
                "the first time."
            )
            % {"name": person}
        )
    code, row = sign_in_code_issue(user=person, created_by=actor)
    try:
        return sign_in_code_send(
            user=person, code_row=row, code=code, scope=f"council:{council.pk}"
        )
    except PhoneError as error:
        raise CouncilError(error.message) from error


def two_factor_code_give(*, council, actor, username):
    """A one-time activation code with which ``username``, an active member of
    ``council`` who sees others' data (and so must use two-step verification
    when it is required), turns it on the first time. Given by someone who
    leads everything that person leads (a co-leader of their council, their
    state's or national coordination), who hands it over in person or by
    phone. Returns (person, code)."""
    require_lead(actor, council)
    person = active_members(council).filter(username__iexact=username.strip()).first()
    if person is None:
        raise CouncilError(
            _("%(username)s is not an active member of this council.")
            % {"username": username.strip()}
        )
    if not sees_others_data(person):
        raise CouncilError(
            _("%(name)s does not need two-step verification.") % {"name": person}
        )
    if has_two_factor(person):
        raise CouncilError(
            _("%(name)s already has two-step verification turned on.")
            % {"name": person}
        )
    if not (
        may_give_activation_code(actor, person)
        and leader_scope(actor).includes(leader_scope(person))
    ):
        raise CouncilError(
            _(
                "Only someone who leads everything %(name)s leads can give them "
                "this code: ask your state's or national coordination."
            )
            % {"name": person}
        )
    code = sign_in_code_create(
        user=person, created_by=actor, purpose=CodePurpose.TWO_FACTOR
    )
    return person, code


def active_members(council):
    User = get_user_model()
    return User.objects.filter(
        memberships__in=Membership.objects.active().filter(council=council)
    ).order_by("first_name", "last_name", "username")
