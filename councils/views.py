"""Public views of the councils app that are not pages themselves."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import services
from .cadres import (
    mentor_note_add,
    mentor_sign_off,
    mentorship_of,
    mentorships_held,
    sign_off_roles,
)
from .forms import ConstitutionRequestForm, FounderFormSet, MentorNoteForm
from .models import ConstitutionFounder
from .readiness import member_readiness, readiness_for
from .services import CouncilError, membership_request


def council_join(request, council):
    """A council page's "join" button (``unirme/``): the request to its leaders."""
    if request.method != "POST":
        return redirect(council.url)
    if not request.user.is_authenticated:
        return redirect_to_login(council.url, settings.LOGIN_URL)
    try:
        membership_request(user=request.user, council=council)
    except CouncilError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "We sent your request to the council's leaders. You will see "
                "here when they accept it."
            ),
        )
    return redirect(council.url)


def constitution_request(request, guide_page):
    """The request form of "Cómo constituir un consejo", for signed-in members."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
    form = ConstitutionRequestForm(request.POST or None, request.FILES or None)
    founders = FounderFormSet(request.POST or None, prefix="fundadores")
    if request.method == "POST":
        form_ok = form.is_valid()
        founders_ok = founders.is_valid()
        if form_ok and founders_ok:
            services.constitution_submit(
                requester=request.user,
                data=form.cleaned_data,
                founders=founders.founders,
                acta=form.cleaned_data["acta"],
            )
            messages.success(
                request,
                _(
                    "Your request was sent to the state coordination. You will see "
                    "its status on this page. The founders you named with a "
                    "username will be asked, on their page My formation, to "
                    "confirm that they are founders: only those who confirm join "
                    "the council when it is approved."
                ),
            )
            return redirect(guide_page.url)
    return render(
        request,
        "councils/constitution_request.html",
        {
            "page": guide_page,
            "form": form,
            "founders": founders,
            "minimum": settings.COUNCIL_MIN_FOUNDERS,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def founder_answer(request, founder_id):
    """A founder's answer to a request naming them, from /mi-formacion/: "yes,
    I am a founder" or "that is not me" (which unlinks their account). A row
    naming anyone else is not found."""
    answer = request.POST.get("respuesta")
    if answer not in ("si", "no"):
        messages.error(request, _("Choose one of the two answers."))
        return redirect("my_formation")
    try:
        founder = services.constitution_founder_answer(
            user=request.user, founder_id=founder_id, confirm=answer == "si"
        )
    except ConstitutionFounder.DoesNotExist:
        raise Http404 from None
    except CouncilError as error:
        messages.error(request, error.message)
        return redirect("my_formation")
    name = founder.request.proposed_name
    if founder.user_id:
        messages.success(
            request,
            _(
                "You confirmed that you are a founder of %(name)s. If the state "
                "coordination approves the request, you will be a member of it."
            )
            % {"name": name},
        )
    else:
        messages.success(
            request,
            _("Your account is no longer in the request for %(name)s.")
            % {"name": name},
        )
    return redirect("my_formation")


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
