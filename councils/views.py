"""Public views of the councils app: the actions of council and constitution
guide pages (their routes, declared here with ``page_route``), a founder's
answer, and the calendars (``councils.calendars``): a council's feed and a
meeting's file under its page, a member's private feed under its secret
address."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cococi_site.pages import page_route
from cococi_site.site_address import absolute

from .calendars import (
    calendar_of,
    council_meetings,
    ics_response,
    member_councils,
    member_meetings,
)
from .forms import ConstitutionRequestForm, FounderFormSet
from .models import (
    CalendarFeed,
    ConstitutionFounder,
    ConstitutionGuidePage,
    CouncilPage,
    CouncilStatus,
    Meeting,
    Membership,
    MembershipStatus,
    State,
)
from .services import constitution as constitution_services
from .services.calendars import calendar_feed_renew
from .services.membership import membership_request
from .services.permissions import CouncilError


@page_route(CouncilPage, "unirme/", name="join")
def council_join(request, council):
    """A council page's "join" action (``unirme/``). GET is the confirmation,
    where a visitor without an account is sent on to register or sign in and
    comes back here; only the POST of its button sends the request.

    The request is never sent on a GET, nor on arriving back from registering:
    a ``next`` comes from a link anyone can write, and asking to join a council
    says something sensitive (political affiliation) that the person states
    herself, with one tap on a page that names the council."""
    join_url = request.path
    if request.method != "POST":
        return _join_confirmation(request, council, join_url)
    if not request.user.is_authenticated:
        return redirect_to_login(join_url, settings.LOGIN_URL)
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


def _join_confirmation(request, council, join_url):
    if council.status == CouncilStatus.INACTIVE:
        return redirect(council.url)
    other_council = None
    if request.user.is_authenticated:
        if Membership.objects.filter(
            user=request.user,
            council=council,
            status__in=[MembershipStatus.ACTIVE, MembershipStatus.PENDING],
        ).exists():
            # Already a member, or already waiting: the council's page says so.
            return redirect(council.url)
        other_council = (
            Membership.objects.active()
            .filter(user=request.user)
            .values_list("council__title", flat=True)
            .first()
        )
    return render(
        request,
        "councils/council_join.html",
        {
            "page": council,
            "other_council": other_council,
            "next_query": urlencode({"next": join_url}),
        },
    )


@page_route(ConstitutionGuidePage, "solicitud/", name="request")
def constitution_request(request, guide_page):
    """The request form of "Cómo constituir un consejo", for signed-in members."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
    context = {"page": guide_page, "minimum": settings.COUNCIL_MIN_FOUNDERS}
    state = None
    if request.method == "GET":
        # First step: the state, whose municipalities the form then offers
        # (?estado=14); "change" comes back here with it chosen.
        state = State.objects.filter(code=request.GET.get("estado", "")).first()
        if state is None or "cambiar" in request.GET:
            context.update(states=State.objects.order_by("name"), chosen=state)
            return render(request, "councils/constitution_request.html", context)
    form = ConstitutionRequestForm(
        request.POST or None, request.FILES or None, state=state
    )
    founders = FounderFormSet(request.POST or None, prefix="fundadores")
    if request.method == "POST":
        form_ok = form.is_valid()
        founders_ok = founders.is_valid()
        if form_ok and founders_ok:
            constitution_services.constitution_submit(
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
    context.update(form=form, founders=founders)
    return render(
        request,
        "councils/constitution_request.html",
        context,
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
        founder = constitution_services.constitution_founder_answer(
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


# Calendars


def full_url(request, page):
    """``page``'s address on SITE_URL, never on the host a request named."""
    return absolute(page.get_url(request))


@page_route(CouncilPage, "calendario.ics/", name="calendar")
def council_calendar(request, council):
    """``calendario.ics``: the council's public meetings, to subscribe to.
    Wagtail has checked the page is published and its view restrictions."""
    content = calendar_of(
        council_meetings(council),
        name=council.title,
        council_urls={council.pk: full_url(request, council)},
    )
    return ics_response(content, f"{council.slug}.ics")


@page_route(CouncilPage, "reuniones/<id:meeting_id>/evento.ics/", name="meeting_event")
def meeting_calendar(request, council, meeting_id):
    """``reuniones/<id>/evento.ics``: one public meeting of the council, for
    "Add to my calendar"; any other meeting is not found."""
    meeting = Meeting.objects.filter(
        pk=meeting_id, council=council, is_public=True
    ).first()
    if meeting is None:
        raise Http404
    meeting.council = council
    content = calendar_of(
        [meeting],
        name=council.title,
        council_urls={council.pk: full_url(request, council)},
    )
    return ics_response(content, f"reunion-{meeting.pk}.ics")


@require_safe
def member_calendar(request, token):
    """A member's private feed, read by calendar apps, which cannot sign in:
    the secret address is the key. An unknown or changed address is not
    found. Nothing here is logged (the address is the key)."""
    feed = CalendarFeed.objects.filter(token=token).select_related("user").first()
    if feed is None:
        raise Http404
    councils = member_councils(feed.user)
    content = calendar_of(
        member_meetings(councils),
        name=_("My councils · COCOCI"),
        council_urls={council.pk: full_url(request, council) for council in councils},
    )
    response = ics_response(content, "mi-calendario.ics")
    # Whoever holds the address reads the member's councils: kept by no shared
    # cache, nor by the device, so a changed address stops working at once.
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
@require_POST
def member_calendar_renew(request):
    """The buttons of "My calendar" on /mi-formacion/: make the secret address,
    or change it (the old one stops working)."""
    had_one = CalendarFeed.objects.filter(user=request.user).exists()
    calendar_feed_renew(user=request.user)
    if had_one:
        messages.success(
            request,
            _(
                "Your calendar has a new address. The old one no longer works: "
                "add the new one to your calendar app."
            ),
        )
    else:
        messages.success(
            request,
            _("Your calendar address is ready. Add it to your calendar app."),
        )
    return redirect(reverse("my_formation") + "#mi-calendario")
