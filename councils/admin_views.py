"""The leaders' place in the Wagtail admin: "Mi consejo" (their councils, requests,
members, meetings and attendance) and the constitution requests of a state.

Every view takes the council from the URL and checks it against the viewer's
scope first; every object inside is then looked up within that council, so an
id guessed from another council finds nothing.
"""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from cococi_site import files
from members.models import AccessLog, PrivacyNotice, Purpose

from . import names
from .forms import (
    AttendanceForm,
    ConstitutionDecisionForm,
    DecisionForm,
    MeetingCancelForm,
    MeetingForm,
    MembersImportForm,
    OfflineMemberForm,
    PersonalRowsForm,
)
from .models import (
    Attendance,
    ConstitutionRequest,
    CouncilPage,
    DigestOptOut,
    Meeting,
    Membership,
    MembershipStatus,
    RequestStatus,
)
from .models.scopes import councils_led_by, leader_scope
from .services import constitution as constitution_services
from .services import meetings as meeting_services
from .services import membership as membership_services
from .services import roster_import
from .services.permissions import CouncilError, can_lead

IMPORT_SESSION_KEY = "councils_import_{}"


def leaders_only(view):
    """For those who lead something. A view of a council's people reached from
    wider than the council (a state's or the nation's coordination) asks for a
    reason first (``councils.names``)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if leader_scope(request.user).is_empty:
            raise PermissionDenied
        try:
            return view(request, *args, **kwargs)
        except names.ReasonRequired as needed:
            return reason_page(request, needed.council)

    return wrapper


def council_in_scope(request, council_id, *, people=True):
    """The council, if the viewer reaches it; with ``people`` (every view here
    but the viewer's own digest setting), see ``people_of``."""
    council = get_object_or_404(
        CouncilPage.objects.select_related("state", "municipality", "collection"),
        pk=council_id,
    )
    if not can_lead(request.user, council):
        raise PermissionDenied
    if people:
        people_of(request, council)
    return council


def people_of(request, council):
    """Whoever reaches ``council`` from wider than it needs a reason in force
    to see or change its people: ``request.names_reason`` holds it ("" for the
    council's own leaders), and ``log_people`` records each page seen."""
    request.names_reason = names.council_reason(request, council)


def log_people(request, council, people):
    """Write to the access log a page of ``council``'s people seen under a
    reason (``people``: how many, or a queryset of them, counted only then);
    nothing for the council's own leaders."""
    reason = getattr(request, "names_reason", "")
    if reason:
        names.names_view_log(
            request,
            scope=f"mi-consejo:{council.pk}",
            reason=reason,
            count=people if isinstance(people, int) else people.count(),
            vista=request.resolver_match.url_name,
        )


def reason_page(request, council):
    """Asked instead of a council's people: why the viewer needs to see them."""
    if request.method != "GET":
        messages.warning(
            request,
            _("To see or change the people of a council you do not lead, write why."),
        )
        return redirect("councils_admin:council", council.pk)
    return render_admin(
        request,
        "names_reason.html",
        council.title,
        {
            "council": council,
            "reason_form": PersonalRowsForm(),
            "reason_key": names.council_key(council),
            "reason_next": request.get_full_path(),
            "reason_minutes": names.REASON_MINUTES,
        },
    )


@leaders_only
@require_POST
def names_reason(request):
    """Take a reason to see people by name in a scope above the viewer's own
    councils: kept in the session for a while, logged with each page seen."""
    key = request.POST.get("alcance", "")[:40]
    reached = names.key_held(request.user, key)
    if reached is None:
        raise PermissionDenied
    target = request.POST.get("next", "")
    if not (
        # Back to the page that asked: an admin page, or a council's acta.
        target.startswith(("/admin/", "/documentos/"))
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=False
        )
    ):
        target = reverse("councils_admin:cadre_dashboard")
    form = PersonalRowsForm(request.POST)
    if not form.is_valid():
        messages.warning(
            request,
            _(
                "To see people by name above a council, write why you need to (at "
                "least %(minimum)s letters or digits)."
            )
            % {"minimum": names.REASON_MIN_VISIBLE},
        )
        return redirect(target)
    names.reason_give(request, key, form.cleaned_data["motivo"])
    where = reached if reached is not True else _("the whole country")
    messages.success(
        request,
        _(
            "For %(minutes)s minutes you can see people by name in %(where)s. Your "
            "reason is written to the access log with every page you see."
        )
        % {"minutes": names.REASON_MINUTES, "where": where},
    )
    return redirect(target)


def render_admin(request, template, title, context, status=200):
    context = {"page_title": title, "header_icon": "group", **context}
    return render(request, f"councils/admin/{template}", context, status=status)


@leaders_only
def my_councils(request):
    councils = councils_led_by(request.user).order_by("state__name", "title")
    query = request.GET.get("q", "").strip()[:100]
    if query:
        councils = councils.filter(title__icontains=query)
    page = Paginator(councils, 50).get_page(request.GET.get("p"))
    if not query and page.paginator.count == 1:
        return redirect("councils_admin:council", page.object_list[0].pk)
    return render_admin(
        request,
        "my_councils.html",
        _("My council"),
        {"councils_page": page, "query": query},
    )


@leaders_only
def council_detail(request, council_id):
    council = council_in_scope(request, council_id)
    pending = list(
        Membership.objects.visible_to(request.user)
        .filter(council=council, status=MembershipStatus.PENDING)
        .select_related("user")
        .order_by("requested_at")
    )
    members = Paginator(
        Membership.objects.visible_to(request.user)
        .active()
        .filter(council=council)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__username"),
        100,
    ).get_page(request.GET.get("p"))
    meetings = (
        Meeting.objects.visible_to(request.user)
        .filter(council=council)
        .order_by("-starts_at")[:20]
    )
    log_people(request, council, len(pending) + len(members.object_list))
    return render_admin(
        request,
        "council_detail.html",
        council.title,
        {
            "council": council,
            "pending": pending,
            "members_page": members,
            "meetings": meetings,
            "decision_form": DecisionForm(),
            "digest_off": DigestOptOut.objects.filter(user=request.user).exists(),
        },
    )


@leaders_only
@require_POST
def membership_decide(request, council_id, membership_id):
    council = council_in_scope(request, council_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        if "note" in form.errors:  # the note, refused: it is written to the person
            messages.error(request, form.errors["note"][0])
        else:
            messages.error(
                request, _("Choose whether to accept or reject the request.")
            )
    else:
        try:
            membership = membership_services.membership_decide(
                council=council,
                membership_id=membership_id,
                actor=request.user,
                accept=form.cleaned_data["action"] == "aceptar",
                note=form.cleaned_data["note"],
            )
        except CouncilError as error:
            messages.error(request, error.message)
        else:
            if membership.status == MembershipStatus.ACTIVE:
                messages.success(
                    request,
                    _("%(name)s is now a member of the council.")
                    % {"name": membership.user},
                )
            else:
                messages.success(
                    request,
                    _("The request of %(name)s was rejected.")
                    % {"name": membership.user},
                )
    return redirect("councils_admin:council", council.pk)


@leaders_only
@require_POST
def membership_end(request, council_id, membership_id):
    council = council_in_scope(request, council_id)
    try:
        membership = membership_services.membership_end(
            council=council, membership_id=membership_id, actor=request.user
        )
    except CouncilError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(name)s is no longer a member of the council.")
            % {"name": membership.user},
        )
    return redirect("councils_admin:council", council.pk)


@leaders_only
@require_http_methods(["GET", "POST"])
def member_register(request, council_id):
    council = council_in_scope(request, council_id)
    form = OfflineMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, code = membership_services.member_register_offline(
                council=council,
                actor=request.user,
                first_name=data["first_name"],
                last_name=data["last_name"],
                phone=data["phone"],
                email=data["email"],
                voluntary_purposes=data["consent_voluntary"],
            )
        except CouncilError as error:
            messages.error(request, error.message)
        else:
            log_people(request, council, 1)
            return sign_in_codes_page(request, council, [(user, code)])
    return render_admin(
        request,
        "member_register.html",
        _("Register a member without internet"),
        {"council": council, "form": form},
    )


@leaders_only
@require_safe
def consent_form(request, council_id):
    """The paper consent form of the notice in force, to print and have signed
    by a person the council registers without internet: the notice's text,
    every purpose with a box to tick, name and signature lines. A page of its
    own, without the admin around it (light, no script, any paper size)."""
    council = council_in_scope(request, council_id, people=False)
    return render(
        request,
        "councils/admin/consent_form.html",
        {
            "council": council,
            "notice": PrivacyNotice.objects.current(),
            "purposes": [
                (purpose, purpose == Purpose.NECESSARY) for purpose in Purpose
            ],
        },
    )


def sign_in_codes_page(request, council, people, intro=""):
    """The codes just made, shown once, each with its membership (for the
    button that sends a new one by SMS instead); ``intro`` says whose they are."""
    memberships = dict(
        Membership.objects.active()
        .filter(council=council, user__in=[person.pk for person, _code in people])
        .values_list("user_id", "pk")
    )
    return render_admin(
        request,
        "sign_in_codes.html",
        _("Sign-in codes"),
        {
            "council": council,
            "intro": intro,
            "people": [
                (person, code, memberships.get(person.pk)) for person, code in people
            ],
            # The whole address, as the person types it on her own phone.
            "sign_in_address": settings.WAGTAILADMIN_BASE_URL.rstrip("/")
            + reverse("members:sign_in_code"),
        },
    )


@leaders_only
@require_POST
def sign_in_code_sms(request, council_id, membership_id):
    """Send a member of the council a new one-time sign-in code by SMS."""
    council = council_in_scope(request, council_id)
    membership = get_object_or_404(
        Membership.objects.active().select_related("user"),
        council=council,
        pk=membership_id,
    )
    person = membership.user
    try:
        membership_services.sign_in_code_send_by_sms(
            council=council, actor=request.user, person=person
        )
    except CouncilError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "A new code is on its way by SMS to %(name)s's phone (%(phone)s). "
                "The code shown before no longer works."
            )
            % {"name": person.get_full_name() or person, "phone": person.phone},
        )
    return redirect("councils_admin:council", council.pk)


@leaders_only
@require_http_methods(["GET", "POST"])
def members_import(request, council_id):
    """Upload → preview with per-row errors → confirm: all rows or none."""
    council = council_in_scope(request, council_id)
    session_key = IMPORT_SESSION_KEY.format(council.pk)
    if request.method == "POST" and request.POST.get("step") == "confirm":
        rows = request.session.pop(session_key, None)
        if not rows:
            messages.error(request, _("Upload the file again: the preview expired."))
            return redirect("councils_admin:members_import", council.pk)
        try:
            people = roster_import.members_import_commit(
                council=council, actor=request.user, rows=rows
            )
        except CouncilError as error:
            messages.error(request, error.message)
            return redirect("councils_admin:members_import", council.pk)
        log_people(request, council, len(people))
        return sign_in_codes_page(request, council, people)
    form = MembersImportForm(request.POST or None, request.FILES or None)
    context = {"council": council, "form": form}
    if request.method == "POST" and form.is_valid():
        rows, errors = roster_import.members_import_parse(
            form.cleaned_data["file"].read()
        )
        context.update(rows=rows, errors=errors)
        if errors:
            request.session.pop(session_key, None)
        else:
            request.session[session_key] = rows
    return render_admin(request, "members_import.html", _("Import members"), context)


@leaders_only
@require_POST
def two_factor_code_give(request, council_id):
    """An activation code for two-step verification, shown once, to hand to
    a member of the council whose account needs it (see the service)."""
    council = council_in_scope(request, council_id)
    try:
        person, code = membership_services.two_factor_code_give(
            council=council,
            actor=request.user,
            username=request.POST.get("username", "")[:150],
        )
    except CouncilError as error:
        messages.error(request, error.message)
        return redirect(
            reverse("councils_admin:council", args=[council.pk]) + "#dos-pasos"
        )
    return render_admin(
        request,
        "two_factor_code.html",
        _("Activation code for two-step verification"),
        {"council": council, "person": person, "code": code},
    )


def meeting_in_council(request, council_id, meeting_id):
    # Another council's meeting is not found, with a reason or without.
    council = council_in_scope(request, council_id, people=False)
    meeting = get_object_or_404(Meeting, pk=meeting_id, council=council)
    people_of(request, council)
    return council, meeting


@leaders_only
@require_http_methods(["GET", "POST"])
def meeting_edit(request, council_id, meeting_id=None):
    council = council_in_scope(request, council_id, people=False)
    meeting = None
    if meeting_id is not None:
        meeting = get_object_or_404(Meeting, pk=meeting_id, council=council)
    people_of(request, council)
    if meeting is not None and meeting.is_closed:
        messages.error(request, _("This meeting is closed and can't be changed."))
        return redirect("councils_admin:meeting", council.pk, meeting.pk)
    if meeting is not None and meeting.is_cancelled:
        messages.error(request, _("This meeting was cancelled and can't be changed."))
        return redirect("councils_admin:meeting", council.pk, meeting.pk)
    form = MeetingForm(
        request.POST or None,
        request.FILES or None,
        instance=meeting,
        council=council,
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            meeting = form.save(commit=False)
            meeting.council = council
            if meeting.pk is None:
                meeting.created_by = request.user
            upload = form.cleaned_data.get("acta_file")
            if upload:
                meeting.acta = meeting_services.acta_store(
                    council=council,
                    uploaded=upload,
                    title=_("Acta: %(meeting)s") % {"meeting": meeting},
                )
            meeting_services.meeting_save(meeting=meeting)
            form.save_m2m()
        messages.success(request, _("The meeting was saved."))
        return redirect("councils_admin:meeting", council.pk, meeting.pk)
    title = _("Edit meeting") if meeting else _("New meeting")
    log_people(request, council, form.fields["facilitator"].queryset)
    return render_admin(
        request,
        "meeting_form.html",
        title,
        {"council": council, "meeting": meeting, "form": form},
    )


@leaders_only
def meeting_detail(request, council_id, meeting_id):
    council, meeting = meeting_in_council(request, council_id, meeting_id)
    present = list(
        Attendance.objects.filter(meeting=meeting)
        .select_related("user")
        .order_by("user__first_name", "user__username")
    )
    log_people(request, council, len(present))
    return render_admin(
        request,
        "meeting_detail.html",
        str(meeting),
        {
            "council": council,
            "meeting": meeting,
            "present": present,
            "lessons": meeting.lessons.all(),
        },
    )


@leaders_only
@require_http_methods(["GET", "POST"])
def meeting_attendance(request, council_id, meeting_id):
    """One form of checkboxes, one per active member: fits 30 people on a phone."""
    council, meeting = meeting_in_council(request, council_id, meeting_id)
    members = membership_services.active_members(council)
    initial = {"present": list(meeting.attendances.values_list("user_id", flat=True))}
    form = AttendanceForm(request.POST or None, initial=initial, members=members)
    if meeting.is_closed and request.method == "POST":
        messages.error(request, _("This meeting is closed: its attendance is final."))
        return redirect("councils_admin:meeting", council.pk, meeting.pk)
    if request.method == "POST" and form.is_valid():
        try:
            count = meeting_services.attendance_record(
                meeting=meeting,
                actor=request.user,
                user_ids=[user.pk for user in form.cleaned_data["present"]],
            )
        except CouncilError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Attendance saved: %(count)s present.") % {"count": count}
            )
            return redirect("councils_admin:meeting", council.pk, meeting.pk)
    log_people(request, council, members)
    return render_admin(
        request,
        "meeting_attendance.html",
        _("Attendance"),
        {"council": council, "meeting": meeting, "form": form},
        status=400 if form.errors else 200,
    )


@leaders_only
@require_http_methods(["GET", "POST"])
def meeting_close(request, council_id, meeting_id):
    """Asks first (a page that says what closing does, for good), closes on POST."""
    council, meeting = meeting_in_council(request, council_id, meeting_id)
    if request.method == "GET" and (meeting.is_closed or meeting.is_cancelled):
        messages.error(request, _("This meeting can no longer be closed."))
        return redirect("councils_admin:meeting", council.pk, meeting.pk)
    if request.method == "GET":
        present = meeting.attendances.count()
        return render_admin(
            request,
            "meeting_close.html",
            _("Close the meeting"),
            {
                "council": council,
                "meeting": meeting,
                "present": present,
                "lessons": meeting.lessons.all() if meeting.is_circle else [],
            },
        )
    try:
        meeting_services.meeting_close(meeting=meeting, actor=request.user)
    except CouncilError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The meeting is closed."))
    return redirect("councils_admin:meeting", council.pk, meeting.pk)


@leaders_only
@require_http_methods(["GET", "POST"])
def meeting_cancel(request, council_id, meeting_id):
    """Asks first (a page that says who will be told), cancels on POST."""
    council, meeting = meeting_in_council(request, council_id, meeting_id)
    form = MeetingCancelForm(request.POST or None)
    if meeting.is_closed or meeting.is_cancelled:
        messages.error(request, _("This meeting can no longer be cancelled."))
        return redirect("councils_admin:meeting", council.pk, meeting.pk)
    if request.method == "POST" and form.is_valid():
        try:
            meeting_services.meeting_cancel(
                meeting=meeting,
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except CouncilError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("The meeting was cancelled. Its members are told.")
            )
        return redirect("councils_admin:meeting", council.pk, meeting.pk)
    return render_admin(
        request,
        "meeting_cancel.html",
        _("Cancel the meeting"),
        {"council": council, "meeting": meeting, "form": form},
        status=400 if form.errors else 200,
    )


# Constitution requests


def coordinates_states(user):
    scope = leader_scope(user)
    return scope.national or bool(scope.state_ids)


@require_http_methods(["GET"])
def constitution_list(request):
    if not coordinates_states(request.user):
        raise PermissionDenied
    scope = leader_scope(request.user)
    requests = ConstitutionRequest.objects.select_related(
        "state", "municipality", "requester"
    )
    if not scope.national:
        requests = requests.filter(state_id__in=scope.state_ids)
    status = request.GET.get("estado", RequestStatus.PENDING)
    if status not in RequestStatus.values:
        status = RequestStatus.PENDING
    requests = requests.filter(status=status)
    if status == RequestStatus.PENDING:
        # A queue: the request that has waited longest first.
        requests = requests.order_by("created_at", "pk")
    else:
        requests = requests.order_by("-created_at", "-pk")
    page = Paginator(requests, 50).get_page(request.GET.get("p"))
    return render_admin(
        request,
        "constitution_list.html",
        _("Constitution requests"),
        {
            "requests_page": page,
            "page_query": QueryDict(f"estado={status}"),
            "status": status,
            "statuses": RequestStatus.choices,
        },
    )


def request_in_scope(request, request_id):
    constitution = get_object_or_404(
        ConstitutionRequest.objects.select_related(
            "state", "municipality", "requester", "council"
        ),
        pk=request_id,
    )
    if not leader_scope(request.user).covers_state(constitution.state_id):
        raise PermissionDenied
    return constitution


@require_http_methods(["GET", "POST"])
def constitution_detail(request, request_id):
    constitution = request_in_scope(request, request_id)
    form = ConstitutionDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _decided, handed = constitution_services.constitution_decide(
                request_id=constitution.pk,
                actor=request.user,
                approve=form.cleaned_data["action"] == "aprobar",
                reason=form.cleaned_data["reason"],
            )
        except CouncilError as error:
            messages.error(request, error.message)
        else:
            constitution.refresh_from_db()
            if constitution.status != RequestStatus.APPROVED:
                messages.success(request, _("The request was rejected."))
                return redirect("councils_admin:constitution", constitution.pk)
            messages.success(
                request,
                _(
                    "Approved: %(name)s is constituted and its page is published "
                    "in the directory. Its leaders complete it from My council."
                )
                % {"name": constitution.proposed_name},
            )
            if handed:
                # Shown once, like the codes of someone registered without
                # internet: the founders who have no password yet.
                return sign_in_codes_page(
                    request,
                    constitution.council,
                    handed,
                    intro=_(
                        "These founders have no password yet: give each one "
                        "their code (in person or by phone) so that they can "
                        "sign in and, if they were elected to coordinate, "
                        "complete the council's page."
                    ),
                )
            return redirect("councils_admin:constitution", constitution.pk)
    founders = founders_with_councils(constitution, request.user)
    # The founders' names and phones, seen from above any council: logged
    # (once per visit: a decision sent back with an error shows them again).
    if request.method == "GET":
        AccessLog.objects.record(
            actor=request.user,
            action=AccessLog.Action.VIEW,
            scope=f"constitucion:{constitution.pk}",
            detail=_("Founders of a constitution request"),
            row_count=len(founders),
        )
    confirmed = [founder for founder in founders if founder.confirmed]
    return render_admin(
        request,
        "constitution_detail.html",
        constitution.proposed_name,
        {
            "constitution": constitution,
            "founders": founders,
            "confirmed_count": len(confirmed),
            "unlinked_count": len(founders) - len(confirmed),
            "leader_confirmed": any(
                founder.role and founder.role.grants_editing for founder in confirmed
            ),
            "form": form,
        },
    )


def founders_with_councils(constitution, viewer):
    """The founders for the coordinator to see before deciding. Of those who
    confirmed with their account (the only ones approval moves), the account
    and the council they are active in today, which approval takes them out
    of: named when it is within the viewer's reach, otherwise only "another
    council". Of the others, nothing about any account: they never agreed to
    be linked to the request, and whether a username names an account is not
    said to anyone."""
    founders = list(constitution.founders.select_related("user", "role"))
    confirmed = set(constitution.founders.confirmed().values_list("pk", flat=True))
    for founder in founders:
        founder.confirmed = founder.pk in confirmed
    current = {
        membership.user_id: membership.council
        for membership in Membership.objects.active()
        .filter(user__in=[founder.user_id for founder in founders if founder.confirmed])
        .select_related("council")
    }
    scope = leader_scope(viewer)
    for founder in founders:
        council = current.get(founder.user_id) if founder.confirmed else None
        founder.current_council = (
            None
            if council is None
            else council.title
            if scope.covers(council)
            else _("another council")
        )
    return founders


def constitution_acta(request, request_id):
    """The request's acta, to its requester and the state's coordination only."""
    constitution = get_object_or_404(ConstitutionRequest, pk=request_id)
    allowed = request.user.is_authenticated and (
        constitution.requester_id == request.user.pk
        or leader_scope(request.user).covers_state(constitution.state_id)
    )
    if not allowed:
        raise Http404
    if constitution.requester_id != request.user.pk:
        AccessLog.objects.record(
            actor=request.user,
            action=AccessLog.Action.VIEW,
            scope=f"constitucion:{constitution.pk}",
            detail=_("Acta of a constitution request"),
            row_count=1,
        )
    name = constitution.acta.name.rsplit("/", 1)[-1]
    response = files.file_response(
        constitution.acta, filename=name, as_attachment=False
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
