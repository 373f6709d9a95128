"""Council workflows that write across models, each in one transaction."""

import codecs
import csv
import io
from datetime import datetime, time

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.documents import get_document_model

from cococi_site.spreadsheets import starts_as_formula
from courses.models import CompletionSource, CoursePage
from courses.services import lesson_complete
from members.models import (
    CodePurpose,
    ConsentMethod,
    PrivacyNotice,
    Purpose,
    phone_validator,
)
from members.security import (
    has_two_factor,
    may_give_activation_code,
    sees_others_data,
)
from members.services import consents_record, sign_in_code_create
from outbox.services import enqueue

from .models import (
    Attendance,
    ConstitutionFounder,
    ConstitutionRequest,
    CouncilIndexPage,
    CouncilPage,
    CouncilStatus,
    Meeting,
    MeetingKind,
    Membership,
    MembershipStatus,
    Mentorship,
    RequestStatus,
    RoleAssignment,
    StatePage,
    council_name_taken,
)
from .models.scopes import leader_scope
from .tasks import notify_constitution_decision, notify_membership_decision


class CouncilError(Exception):
    """A council action that cannot be done; ``message`` is for the person."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def can_lead(user, council):
    return leader_scope(user).covers(council)


def require_lead(user, council):
    if not can_lead(user, council):
        raise PermissionDenied


# Membership


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
    earlier = Membership.objects.filter(
        user_id=membership.user_id, status=MembershipStatus.ACTIVE
    ).exclude(pk=membership.pk)
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
        .filter(pk=membership_id, council=council, status=MembershipStatus.ACTIVE)
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


def username_suggest(first_name, last_name):
    """A free username from the person's names: "maria.lopez", "maria.lopez2"…"""
    User = get_user_model()
    first = slugify(first_name).split("-")[0] if first_name else ""
    last = slugify(last_name).split("-")[0] if last_name else ""
    base = ".".join(part for part in (first, last) if part) or "integrante"
    base = base[:140]
    candidate, number = base, 2
    while User.objects.filter(username__iexact=candidate).exists():
        candidate = f"{base}{number}"
        number += 1
    return candidate


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
        memberships__council=council,
        memberships__status=MembershipStatus.ACTIVE,
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


IMPORT_COLUMNS = ["nombre", "apellidos", "telefono", "correo", "avisos", "contacto"]
YES = {"si", "sí", "s", "x", "1", "yes"}
NO = {"", "no", "n", "0"}
IMPORT_MAX_ROWS = 500


def members_import_parse(data):
    """Rows of a CSV of members with paper consent, and per-row errors.

    Returns (rows, errors): rows are dicts ready for ``member_register_offline``,
    errors are (line, message). Nothing is written here.
    """

    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # A spreadsheet's "Unicode text" export: UTF-16, tab-separated.
        text = data.decode("utf-16", errors="replace")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    if "\x00" in text:
        return [], [(1, _("The file is not a CSV text file."))]
    if not text.strip("\ufeff \t\r\n"):
        return [], [(1, _("The file is empty."))]
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = [slugify(name).replace("-", "") for name in next(reader)]
    except StopIteration:
        return [], [(1, _("The file is empty."))]
    missing = [name for name in ("nombre", "apellidos") if name not in header]
    if missing:
        return [], [
            (
                1,
                _("The first line must name the columns; missing: %(columns)s.")
                % {"columns": ", ".join(missing)},
            )
        ]
    rows, errors = [], []
    for line, values in enumerate(reader, start=2):
        if not any(value.strip() for value in values):
            continue
        if len(rows) + len(errors) >= IMPORT_MAX_ROWS:
            errors.append(
                (line, _("At most %(max)s people per file.") % {"max": IMPORT_MAX_ROWS})
            )
            break
        record = {
            name: value.strip() for name, value in zip(header, values, strict=False)
        }
        row = {
            "line": line,
            "first_name": record.get("nombre", ""),
            "last_name": record.get("apellidos", ""),
            "phone": record.get("telefono", ""),
            "email": record.get("correo", ""),
            "voluntary_purposes": [],
        }
        problems = []
        if not row["first_name"]:
            problems.append(_("the name is missing"))
        if len(row["first_name"]) > 150 or len(row["last_name"]) > 150:
            problems.append(_("the name is too long"))
        # No name or e-mail begins as a spreadsheet formula does.
        if any(
            starts_as_formula(row[name])
            for name in ("first_name", "last_name", "email")
        ):
            problems.append(
                _("a cell starts with =, +, - or @, as a spreadsheet formula does")
            )
        if row["phone"]:
            try:
                phone_validator(row["phone"])
            except ValidationError:
                problems.append(_("the phone must have 10 digits"))
        if row["email"]:
            try:
                validate_email(row["email"])
            except ValidationError:
                problems.append(_("the e-mail is not valid"))
        for column, purpose in (
            ("avisos", Purpose.NOTICES),
            ("contacto", Purpose.COUNCIL_CONTACT),
        ):
            answer = record.get(column, "").lower()
            if answer in YES:
                row["voluntary_purposes"].append(purpose)
            elif answer not in NO:
                problems.append(
                    _("column %(column)s must say sí or no") % {"column": column}
                )
        if problems:
            errors.append((line, "; ".join(problems).capitalize() + "."))
        else:
            rows.append(row)
    if not rows and not errors:
        errors.append((2, _("The file has no people to import.")))
    return rows, errors


@transaction.atomic
def members_import_commit(*, council, actor, rows):
    """Register every row, all or nothing. Returns [(user, code)]."""
    require_lead(actor, council)
    return [
        member_register_offline(
            council=council,
            actor=actor,
            first_name=row["first_name"],
            last_name=row["last_name"],
            phone=row["phone"],
            email=row["email"],
            voluntary_purposes=row["voluntary_purposes"],
        )
        for row in rows
    ]


# Meetings


def active_members(council):
    User = get_user_model()
    return User.objects.filter(
        memberships__council=council,
        memberships__status=MembershipStatus.ACTIVE,
    ).order_by("first_name", "last_name", "username")


@transaction.atomic
def attendance_record(*, meeting, actor, user_ids):
    """Set who was present; only active members of the council can be named."""
    require_lead(actor, meeting.council)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_closed:
        raise CouncilError(_("This meeting is closed: its attendance is final."))
    wanted = {int(pk) for pk in user_ids}
    members = set(
        active_members(meeting.council)
        .filter(pk__in=wanted)
        .values_list("pk", flat=True)
    )
    if wanted - members:
        raise CouncilError(
            _("The list names people who are not members of this council.")
        )
    # Only current members can be unticked: the attendance of someone who has
    # left since stays, as the list no longer offers them.
    Attendance.objects.filter(
        meeting=meeting, user__in=active_members(meeting.council)
    ).exclude(user_id__in=wanted).delete()
    Attendance.objects.bulk_create(
        [Attendance(meeting=meeting, user_id=pk) for pk in wanted],
        ignore_conflicts=True,
    )
    return len(wanted)


def acta_store(*, council, uploaded, title):
    """Keep an acta as a Wagtail document in the council's private collection."""
    Document = get_document_model()
    document = Document(title=title[:255], collection=council.collection)
    document.file.save(uploaded.name, uploaded, save=False)
    document.save()
    return document


@transaction.atomic
def meeting_close(*, meeting, actor):
    """Close a meeting. An assembly needs its attendance and acta; a study circle
    completes its lessons for every member present (source: círculo)."""
    require_lead(actor, meeting.council)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_closed:
        raise CouncilError(_("This meeting is already closed."))
    present = list(
        Attendance.objects.filter(meeting=meeting).values_list("user", flat=True)
    )
    if meeting.is_assembly:
        if not present:
            raise CouncilError(_("Record who attended before closing the assembly."))
        if not meeting.acta_id:
            raise CouncilError(_("Upload the acta before closing the assembly."))
    if meeting.is_circle:
        if not present:
            raise CouncilError(
                _("Record who attended before closing the study circle.")
            )
        User = get_user_model()
        people = list(User.objects.filter(pk__in=present))
        # A course restricted (or unpublished) since the circle was recorded
        # is not opened to those present by closing it.
        for lesson in meeting.lessons.open_to_all():
            course = CoursePage.objects.filter(path=lesson.path[:-4]).first()
            if course is None:
                continue
            for person in people:
                lesson_complete(
                    user=person,
                    lesson=lesson,
                    course=course,
                    source=CompletionSource.CIRCLE,
                    recorded_by=actor,
                )
    meeting.closed_at = timezone.now()
    meeting.closed_by = actor
    meeting.save(update_fields=["closed_at", "closed_by"])
    return meeting


# Constitution of new councils


def unique_child_slug(parent, title):
    base = slugify(title)[:200] or "consejo"
    existing = set(
        parent.get_children()
        .filter(slug__startswith=base)
        .values_list("slug", flat=True)
    )
    slug, number = base, 2
    while slug in existing:
        slug = f"{base}-{number}"
        number += 1
    return slug


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
    current = Membership.objects.filter(
        user__in=request.founders.confirmed().values("user"),
        status=MembershipStatus.ACTIVE,
    ).select_related("council", "user")
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


def _notify_constitution(request_id):
    enqueue(notify_constitution_decision, request_id)


@transaction.atomic
def constitution_decide(*, request_id, actor, approve, reason=""):
    """Approve or reject a pending request of a state ``actor`` coordinates.

    Approval creates, together: the council page (a draft its leaders complete
    and publish), its group, collection and permissions, the constitutive
    assembly with its acta and attendance, memberships of the founders who
    confirmed with their account and their elected positions. It waits for
    one founder elected to an office that edits the council to confirm:
    otherwise nobody could complete its page. Founders who did not confirm
    are never moved; the decision leaves them as names only.
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
        return request

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
        meeting_place=request.assembly_place,
        live=False,
        owner=request.requester,
    )
    state_page.add_child(instance=council)
    council.save_revision(user=actor, log_action=True)

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
    request.status = RequestStatus.APPROVED
    request.council = council
    request.save()
    founders_unconfirmed_unlink(request)
    _notify_constitution(request.pk)
    return request
