import json

from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import registry, services
from .forms import (
    ConsentForm,
    DeleteAccountForm,
    ProfileForm,
    RegistrationForm,
    SignInCodeForm,
)
from .models import ConsentRecord, PrivacyNotice, Purpose

DEFAULT_NEXT = "/mi-formacion/"


def safe_next(request, fallback=DEFAULT_NEXT):
    """The ``next`` parameter if it stays on this site, else ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@require_http_methods(["GET", "POST"])
def register(request):
    """Create an account, with consent recorded against the notice in force."""
    if request.user.is_authenticated:
        return redirect(DEFAULT_NEXT)
    notice = PrivacyNotice.objects.current()
    if notice is None:
        return render(request, "members/registration_closed.html", status=503)
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.member_register(
            form=form,
            notice=notice,
            voluntary_purposes=form.cleaned_data["consent_voluntary"],
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request, _("Welcome, %(name)s! Your account is ready.") % {"name": user}
        )
        return redirect(safe_next(request))
    return render(
        request,
        "members/register.html",
        {"form": form, "notice": notice, "next": safe_next(request, "")},
    )


def privacy_notice(request):
    return render(
        request,
        "members/privacy_notice.html",
        {"notice": PrivacyNotice.objects.current()},
    )


class SignInView(auth_views.LoginView):
    template_name = "members/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return DEFAULT_NEXT


class SignOutView(auth_views.LogoutView):
    """GET shows a confirmation form (works without JavaScript); POST signs out."""

    template_name = "members/logged_out.html"
    http_method_names = ["get", "post", "options"]

    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect("/")
        return render(request, "members/logout_confirm.html")


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "members/password_reset.html"
    email_template_name = "members/email/password_reset.txt"
    subject_template_name = "members/email/password_reset_subject.txt"
    success_url = reverse_lazy("members:password_reset_done")


@login_required
def my_data(request):
    """Every personal datum held about the signed-in person, section by section."""
    user = request.user
    current = ConsentRecord.objects.current_for(user)
    consents = [(purpose, current.get(purpose.value)) for purpose in Purpose]
    sections = [
        (section.label, section.export(user)) for section in registry.sections()
    ]
    return render(
        request,
        "members/my_data.html",
        {
            "profile_form": ProfileForm(instance=user),
            "consent_form": ConsentForm(
                initial={
                    "voluntary": [
                        purpose
                        for purpose, record in current.items()
                        if record.granted and purpose != Purpose.NECESSARY
                    ]
                }
            ),
            "consents": consents,
            "history": user.consents.select_related("notice"),
            "sections": sections,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your data was updated."))
        return redirect("members:my_data")
    return render(request, "members/profile_edit.html", {"form": form})


@login_required
@require_POST
def consents_update(request):
    form = ConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That choice is not valid; nothing was changed."))
        return redirect("members:my_data")
    try:
        changed = services.consents_update(
            user=request.user, granted_voluntary=form.cleaned_data["voluntary"]
        )
    except services.NoNoticeInForce:
        messages.error(request, _("There is no privacy notice in force; try later."))
        return redirect("members:my_data")
    if changed:
        messages.success(request, _("Your consent choices were saved."))
    else:
        messages.info(request, _("Nothing changed."))
    return redirect(reverse("members:my_data") + "#consentimientos")


@login_required
@require_POST
def my_data_export(request):
    data = services.personal_data_export(user=request.user, actor=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, default=str),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="mis-datos-{stamp}.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    form = DeleteAccountForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.account_delete(user=request.user)
        logout(request)
        messages.success(
            request, _("Your account was deleted. Nothing that identifies you remains.")
        )
        return redirect("/")
    return render(request, "members/account_delete.html", {"form": form})


@require_http_methods(["GET", "POST"])
def sign_in_with_code(request):
    """First sign-in of a member registered by their leaders, with a one-time code."""
    form = SignInCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.sign_in_code_redeem(
            username=form.cleaned_data["username"], code=form.cleaned_data["code"]
        )
        if user is None:
            form.add_error(
                None,
                _(
                    "The username or the code is not right, or the code has expired "
                    "or was already used. Ask your council's leaders for a new one."
                ),
            )
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            request.session["must_set_password"] = True
            return redirect("members:password_first_set")
    return render(request, "members/sign_in_code.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def password_first_set(request):
    # Only right after signing in with a one-time code, or for an account that
    # has no password yet: otherwise a new password without the current one would
    # let whoever holds a session take over the account.
    if not (
        request.session.get("must_set_password")
        or not request.user.has_usable_password()
    ):
        return redirect(DEFAULT_NEXT)
    form = SetPasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        request.session.pop("must_set_password", None)
        messages.success(request, _("Your password is saved. Welcome!"))
        return redirect(DEFAULT_NEXT)
    return render(request, "members/password_first_set.html", {"form": form})
