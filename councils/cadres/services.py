"""Workflows of the formación de cuadros: mentors, endorsement by the assembly,
who became ready, and the leaders' weekly digest. Each write is one transaction."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from courses.models import Enrollment

from ..models import (
    CouncilPage,
    DigestDelivery,
    DigestOptOut,
    LeadershipRole,
    Meeting,
    MeetingKind,
    Membership,
    MentorNote,
    Mentorship,
    MentorSignOff,
    ReadyEvent,
    RequirementKind,
    RoleAssignment,
    ScopeLevel,
)
from ..services.permissions import CouncilError, require_lead
from .progress import progress_refresh_all
from .readiness import member_facts, member_readiness


def _active_member_ids(council, user_ids):
    return set(
        Membership.objects.active()
        .filter(council=council, user_id__in=user_ids)
        .values_list("user_id", flat=True)
    )


@transaction.atomic
def mentorship_pair(*, council, actor, mentee_id, mentor_id):
    """Pair a member with a mentor of the same council; an earlier mentor of that
    member stops accompanying them from today."""
    require_lead(actor, council)
    if mentee_id == mentor_id:
        raise CouncilError(_("A person cannot be their own mentor."))
    # The member's row is locked: the same pairing sent twice at once (a
    # double click, two leaders) takes turns, and the second finds the first.
    get_user_model().objects.select_for_update().filter(pk=mentee_id).first()
    members = _active_member_ids(council, [mentee_id, mentor_id])
    if members != {mentee_id, mentor_id}:
        raise CouncilError(
            _("The mentor and the member must both be active members of this council.")
        )
    current = (
        Mentorship.objects.active()
        .filter(mentee_id=mentee_id)
        .select_related("mentor", "mentee")
        .first()
    )
    if current and current.mentor_id == mentor_id and current.council_id == council.pk:
        raise CouncilError(
            _("%(mentor)s already accompanies %(member)s.")
            % {"mentor": current.mentor, "member": current.mentee}
        )
    today = timezone.localdate()
    Mentorship.objects.active().filter(mentee_id=mentee_id).update(ended_on=today)
    try:
        with transaction.atomic():
            return Mentorship.objects.create(
                council=council,
                mentor_id=mentor_id,
                mentee_id=mentee_id,
                created_by=actor,
            )
    except IntegrityError:  # a database that could not take the lock
        raise CouncilError(
            _(
                "Someone paired this member at the same moment. Look at the list "
                "and try again."
            )
        ) from None


def mentorships_held(mentor):
    """The active mentorships of ``mentor``: the only way a mentor reaches a
    mentee's data. Both must still be active members of the council, so a
    mentorship that outlived a membership opens nothing."""
    active_here = Membership.objects.active().filter(council_id=OuterRef("council_id"))
    return (
        Mentorship.objects.active()
        .filter(mentor=mentor)
        .filter(Exists(active_here.filter(user_id=OuterRef("mentor_id"))))
        .filter(Exists(active_here.filter(user_id=OuterRef("mentee_id"))))
        .select_related("mentee", "council")
    )


def mentorship_of(mentor, mentorship_id):
    """One of ``mentorships_held(mentor)``, or None."""
    return mentorships_held(mentor).filter(pk=mentorship_id).first()


def mentor_note_add(*, mentorship, met_on, text):
    if met_on > timezone.localdate():
        raise CouncilError(_("The date of a check-in cannot be in the future."))
    return MentorNote.objects.create(
        mentorship=mentorship, met_on=met_on, text=text.strip()
    )


def sign_off_roles(role_ids=None):
    roles = LeadershipRole.objects.filter(
        requirements__kind=RequirementKind.MENTOR_SIGN_OFF
    ).distinct()
    return roles.filter(pk__in=role_ids) if role_ids is not None else roles


@transaction.atomic
def mentor_sign_off(*, mentorship, role):
    """The mentor signs off the requirement of ``role`` that asks for it."""
    if not sign_off_roles().filter(pk=role.pk).exists():
        raise CouncilError(_("That role does not ask for a mentor's sign-off."))
    sign_off, _created = MentorSignOff.objects.get_or_create(
        mentee=mentorship.mentee,
        role=role,
        defaults={"signed_by": mentorship.mentor},
    )
    return sign_off


def endorsable_assemblies(council):
    """Closed assemblies of the council with their acta: what can endorse."""
    return Meeting.objects.filter(
        council=council,
        kind__in=MeetingKind.assemblies(),
        closed_at__isnull=False,
        acta__isnull=False,
    ).order_by("-starts_at")


@transaction.atomic
def role_endorse(*, council, actor, user, role, meeting, started_on, note=""):
    """Record an office endorsed by an assembly. When the member does not meet
    every requirement a note is required: the assembly decides, the platform
    only shows the evidence."""
    require_lead(actor, council)
    if role.scope_level != ScopeLevel.COUNCIL:
        raise CouncilError(_("Only council roles are recorded here."))
    if not _active_member_ids(council, [user.pk]):
        raise CouncilError(_("That person is not an active member of this council."))
    if not endorsable_assemblies(council).filter(pk=meeting.pk).exists():
        raise CouncilError(
            _("Choose a closed assembly of this council that has its acta.")
        )
    # The person's row is locked: a double click finds the first office.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if (
        RoleAssignment.objects.not_ended()
        .filter(user=user, role=role, council=council)
        .exists()
    ):
        raise CouncilError(_("That person already holds this office in this council."))
    readiness = member_readiness(user, role)
    if readiness.readiness and not readiness.readiness.ready and not note.strip():
        raise CouncilError(
            _(
                "The person does not meet every requirement yet. Write a note to "
                "record the assembly's decision anyway."
            )
        )
    return RoleAssignment.objects.create(
        user=user,
        role=role,
        council=council,
        started_on=started_on,
        endorsing_meeting=meeting,
        note=note.strip(),
        recorded_by=actor,
    )


def ready_members_detect():
    """Record who is newly ready for their next role (one row per person and
    role, ever), so leaders hear of it once: every member's progress is
    recomputed (``councils.cadres.progress``), in bounded queries per chunk."""
    return progress_refresh_all()


def week_start(today=None):
    today = today or timezone.localdate()
    return today - timedelta(days=today.weekday())


def digest_for(user, councils, since, now):
    """What a leader's weekly digest says about their councils."""
    User = get_user_model()
    council_ids = [council.pk for council in councils]
    members = Membership.objects.active().filter(council_id__in=council_ids)
    # Accepted since the last digest, to the minute: one accepted on a digest's
    # morning, before it, was in that one. Memberships made without a decision
    # (fixtures, old rows) count by day.
    joined_since = Q(decided_at__gte=since) | Q(
        decided_at__isnull=True, joined_on__gt=timezone.localdate(since)
    )
    new_members = list(
        members.filter(joined_since)
        .select_related("user", "council")
        .order_by("joined_on")
    )
    completions = list(
        Enrollment.objects.filter(
            user_id__in=members.values("user_id"), completed_at__gte=since
        )
        .select_related("user", "course")
        .order_by("completed_at")
    )
    ready = list(
        ReadyEvent.objects.filter(council_id__in=council_ids, detected_at__gte=since)
        .select_related("user", "role")
        .order_by("detected_at")
    )
    # Only the facts are needed here, not readiness toward any role.
    inactive_ids = [
        user_id
        for user_id, facts in member_facts(members.values("user_id")).items()
        if facts.active_member and facts.inactive_since(now)
    ]
    inactive = list(User.objects.filter(pk__in=inactive_ids).order_by("first_name"))
    return {
        "councils": councils,
        "new_members": new_members,
        "completions": completions,
        "ready": ready,
        "inactive": inactive,
    }


def digests_send(now=None):
    """Send this week's digest to every council leader with an e-mail who has
    not opted out; a leader already served this week is skipped."""
    now = now or timezone.now()
    week = week_start(timezone.localdate(now))
    since = now - timedelta(days=7)
    leaders = (
        RoleAssignment.objects.active()
        .leading()
        .filter(role__scope_level=ScopeLevel.COUNCIL, user__is_active=True)
        .exclude(user__email="")
        .exclude(user__in=DigestOptOut.objects.values("user_id"))
        .exclude(user__in=DigestDelivery.objects.filter(week=week).values("user_id"))
        .values_list("user_id", "council_id")
    )
    by_leader = {}
    for user_id, council_id in leaders:
        by_leader.setdefault(user_id, set()).add(council_id)
    User = get_user_model()
    sent = 0
    for user in User.objects.filter(pk__in=by_leader):
        councils = list(
            CouncilPage.objects.filter(pk__in=by_leader[user.pk]).order_by("title")
        )
        digest = digest_for(user, councils, since, now)
        summary = {
            "consejos": [council.pk for council in councils],
            "nuevos": len(digest["new_members"]),
            "terminados": len(digest["completions"]),
            "listos": len(digest["ready"]),
            "inactivos": len(digest["inactive"]),
        }
        try:
            with transaction.atomic():
                DigestDelivery.objects.create(user=user, week=week, summary=summary)
                with translation.override(settings.LANGUAGE_CODE):
                    context = {
                        **digest,
                        "person": user,
                        "site_url": settings.WAGTAILADMIN_BASE_URL,
                    }
                    subject = render_to_string(
                        "councils/email/digest_subject.txt", context
                    )
                    body = render_to_string("councils/email/digest.txt", context)
                send_mail(" ".join(subject.split()), body, None, [user.email])
        except IntegrityError:
            continue  # another run served this person this week
        sent += 1
    return sent


def digest_opt_out(*, user, receive):
    if receive:
        DigestOptOut.objects.filter(user=user).delete()
    else:
        DigestOptOut.objects.get_or_create(user=user)
