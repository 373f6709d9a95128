"""Workflows of the formación de cuadros: mentors, endorsement by the assembly,
who became ready, and the leaders' weekly digest. Each write is one transaction."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from courses.models import Enrollment
from notifications.services import notify
from notifications.texts import long_form

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


def _ready_texts(event, site):
    values = {
        "role": event.role.name,
        "council": event.council.title,
        "person": event.user.get_full_name() or event.user.username,
    }
    with translation.override(settings.LANGUAGE_CODE):
        member = (
            _(
                "You are ready for the role of %(role)s in %(council)s. Talk with "
                "your council's leaders."
            )
            % values
        )
        leader = _("%(person)s is ready for the role of %(role)s in %(council)s.") % (
            values
        )
    return member, leader


def ready_notify(pairs):
    """Tell each member of ``pairs`` ([user id, role id] of ``ReadyEvent``s)
    that she is ready for the role, and her council's leaders that she is:
    once each (the notice's key), in a bounded number of queries to plan
    (events, then the councils' leaders), whatever the number of members.
    Returns how many notices were written or found."""
    wanted = {tuple(pair) for pair in pairs}
    if not wanted:
        return 0
    events = [
        event
        for event in ReadyEvent.objects.filter(
            user_id__in={user_id for user_id, _role in wanted},
            council__isnull=False,
            user__is_active=True,
        ).select_related("user", "role", "council")
        if (event.user_id, event.role_id) in wanted
    ]
    leaders = {}
    for assignment in (
        RoleAssignment.objects.active()
        .leading()
        .filter(
            council_id__in={event.council_id for event in events},
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user_id")
    ):
        people = leaders.setdefault(assignment.council_id, {})
        people[assignment.user_id] = assignment.user
    site = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    told = 0
    for event in events:
        member_text, leader_text = _ready_texts(event, site)
        scope = f"council:{event.council_id}"
        key = f"ready:{event.user_id}:{event.role_id}"
        with transaction.atomic():
            notify(
                "ready_for_role",
                event.user,
                key,
                member_text,
                f"{site}/mi-formacion/",
                scope=scope,
            )
            told += 1
            for leader in leaders.get(event.council_id, {}).values():
                if leader.pk == event.user_id:
                    continue
                notify(
                    "ready_for_role",
                    leader,
                    f"{key}:leader",
                    leader_text,
                    f"{site}/admin/formacion-de-cuadros/",
                    scope=scope,
                )
                told += 1
    return told


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


def digest_short(councils, digest):
    """The digest for phones, one SMS where the names allow: "Semana en
    <consejo>: 3 nuevas integrantes, 2 cursos terminados, 1 lista para un
    rol. <Mi consejo>"."""
    site = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    if len(councils) == 1:
        link = f"{site}/admin/mi-consejo/{councils[0].pk}/"
    else:
        link = f"{site}/admin/mi-consejo/"
    new, done, ready = (
        len(digest["new_members"]),
        len(digest["completions"]),
        len(digest["ready"]),
    )
    with translation.override(settings.LANGUAGE_CODE):
        figures = ", ".join(
            [
                ngettext("%(count)s new member", "%(count)s new members", new)
                % {"count": new},
                ngettext(
                    "%(count)s course completed", "%(count)s courses completed", done
                )
                % {"count": done},
                ngettext(
                    "%(count)s ready for a role", "%(count)s ready for a role", ready
                )
                % {"count": ready},
            ]
        )
        text = _("Week in %(councils)s: %(figures)s.") % {
            "councils": ", ".join(council.title for council in councils),
            "figures": figures,
        }
    return f"{text} {link}", link


def digests_send(now=None):
    """Write this week's digest for every council leader who has not opted
    out, as a notice on their channel (the long form for e-mail, the short one
    for phones); a leader already served this week is skipped
    (``DigestDelivery``, one per person and week, written with the notice).
    Returns how many digests were written."""
    now = now or timezone.now()
    week = week_start(timezone.localdate(now))
    since = now - timedelta(days=7)
    leaders = (
        RoleAssignment.objects.active()
        .leading()
        .filter(role__scope_level=ScopeLevel.COUNCIL, user__is_active=True)
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
        subject, body = long_form(
            "councils/email/digest",
            {**digest, "person": user, "site_url": settings.WAGTAILADMIN_BASE_URL},
        )
        text, link = digest_short(councils, digest)
        try:
            with transaction.atomic():
                DigestDelivery.objects.create(user=user, week=week, summary=summary)
                notify(
                    "weekly_digest",
                    user,
                    f"digest:{week.isoformat()}",
                    text,
                    link,
                    # A digest over several councils names people of each:
                    # it belongs to no single council's view.
                    scope=f"council:{councils[0].pk}" if len(councils) == 1 else "",
                    subject=subject,
                    body=body,
                )
        except IntegrityError:
            continue  # another run served this person this week
        sent += 1
    return sent


def digest_opt_out(*, user, receive):
    if receive:
        DigestOptOut.objects.filter(user=user).delete()
    else:
        DigestOptOut.objects.get_or_create(user=user)
