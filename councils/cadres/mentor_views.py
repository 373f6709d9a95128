"""A mentor's pages on the public site ("Mi formación" › acompañamiento): the
members they accompany, their route, check-in notes and sign-off."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..services.permissions import CouncilError
from .forms import MentorNoteForm
from .readiness import member_readiness, readiness_for
from .services import (
    mentor_note_add,
    mentor_sign_off,
    mentorship_of,
    mentorships_held,
    sign_off_roles,
)


@login_required
def my_mentees(request):
    """The members the signed-in person accompanies, with their route."""
    pairs = list(mentorships_held(request.user).order_by("mentee__first_name"))
    routes = readiness_for([pair.mentee_id for pair in pairs]) if pairs else {}
    for pair in pairs:
        pair.route = routes.get(pair.mentee_id)
    return render(request, "councils/my_mentees.html", {"pairs": pairs})


@login_required
@require_http_methods(["GET", "POST"])
def mentee_detail(request, mentorship_id):
    """A mentee's progress, the check-in notes and the sign-off, for their mentor
    only: any other id finds nothing."""
    mentorship = mentorship_of(request.user, mentorship_id)
    if mentorship is None:
        raise Http404
    form = MentorNoteForm(
        request.POST if request.POST.get("action") == "nota" else None
    )
    route = member_readiness(mentorship.mentee)
    signable = (
        route.next_role
        if route.next_role
        and sign_off_roles([route.next_role.pk]).exists()
        and route.next_role.pk not in route.facts.sign_offs
        else None
    )
    if request.method == "POST":
        try:
            if request.POST.get("action") == "aval" and signable:
                mentor_sign_off(mentorship=mentorship, role=signable)
                messages.success(request, _("Your sign-off was recorded."))
                return redirect(request.path)
            if form.is_bound and form.is_valid():
                mentor_note_add(
                    mentorship=mentorship,
                    met_on=form.cleaned_data["met_on"],
                    text=form.cleaned_data["text"],
                )
                messages.success(request, _("The note was saved."))
                return redirect(request.path)
        except CouncilError as error:
            messages.error(request, error.message)
    return render(
        request,
        "councils/mentee_detail.html",
        {
            "mentorship": mentorship,
            "route": route,
            "notes": mentorship.notes.all(),
            "form": form,
            "signable": signable,
        },
        status=400 if form.errors else 200,
    )
