"""Public views of the councils app that are not pages themselves."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import services
from .forms import ConstitutionRequestForm, FounderFormSet


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
                    "its status on this page."
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
