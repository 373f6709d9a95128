"""A council leader's cadre pages in "Mi consejo" (Wagtail admin): mentors,
offices endorsed by the assembly, and the weekly digest. The dashboard's are in
``dashboard_views``."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ..admin_views import council_in_scope, leaders_only, log_people, render_admin
from ..models import Mentorship
from ..services import membership as membership_services
from ..services.permissions import CouncilError
from .forms import EndorsementForm, MentorshipForm
from .readiness import member_readiness
from .services import digest_opt_out, endorsable_assemblies, mentorship_pair
from .services import role_endorse as endorse


@leaders_only
@require_http_methods(["GET", "POST"])
def mentorships(request, council_id):
    council = council_in_scope(request, council_id)
    form = MentorshipForm(
        request.POST or None, members=membership_services.active_members(council)
    )
    if request.method == "POST" and form.is_valid():
        try:
            mentorship_pair(
                council=council,
                actor=request.user,
                mentee_id=form.cleaned_data["mentee"].pk,
                mentor_id=form.cleaned_data["mentor"].pk,
            )
        except CouncilError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The mentor will accompany the member."))
            return redirect("councils_admin:mentorships", council.pk)
    pairs = (
        Mentorship.objects.active()
        .filter(council=council)
        .select_related("mentor", "mentee")
        .order_by("mentee__first_name")
    )
    log_people(request, council, membership_services.active_members(council))
    return render_admin(
        request,
        "mentorships.html",
        _("Mentors"),
        {"council": council, "form": form, "pairs": pairs},
        status=400 if form.errors else 200,
    )


@leaders_only
@require_http_methods(["GET", "POST"])
def role_endorse(request, council_id):
    """Record an office endorsed by an assembly, with the evidence in view."""
    council = council_in_scope(request, council_id)
    form = EndorsementForm(
        request.POST or None,
        members=membership_services.active_members(council),
        assemblies=endorsable_assemblies(council),
    )
    readiness = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        readiness = member_readiness(data["member"], data["role"])
        try:
            endorse(
                council=council,
                actor=request.user,
                user=data["member"],
                role=data["role"],
                meeting=data["meeting"],
                started_on=data["started_on"],
                note=data["note"],
            )
        except CouncilError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(name)s now holds the role %(role)s.")
                % {"name": data["member"], "role": data["role"].name},
            )
            return redirect("councils_admin:council", council.pk)
    log_people(request, council, membership_services.active_members(council))
    return render_admin(
        request,
        "role_endorse.html",
        _("Record a role endorsed by the assembly"),
        {"council": council, "form": form, "readiness": readiness},
        status=400 if request.method == "POST" else 200,
    )


@leaders_only
@require_POST
def digest_toggle(request, council_id):
    council = council_in_scope(request, council_id, people=False)
    receive = request.POST.get("recibir") == "1"
    digest_opt_out(user=request.user, receive=receive)
    messages.success(
        request,
        _("You will receive the weekly digest.")
        if receive
        else _("You will no longer receive the weekly digest."),
    )
    return redirect("councils_admin:council", council.pk)
