import json
import textwrap
from base64 import b32encode

import segno
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.signals import user_login_failed
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from . import registry, security, services
from .forms import (
    ConsentForm,
    DeleteAccountForm,
    NoticeAcceptForm,
    ProfileForm,
    RegistrationForm,
    SignInCodeForm,
    TwoFactorActivationForm,
    TwoFactorCodeForm,
    TwoFactorSetupForm,
)
from .models import ConsentMethod, ConsentRecord, PrivacyNotice, Purpose
from .throttling import address_locked, client_address

DEFAULT_NEXT = "/mi-formacion/"


def safe_next(request, fallback=DEFAULT_NEXT):
    """The ``next`` parameter if it stays on this site, else ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _with_next(view_name, request):
    """The address of ``view_name`` carrying this request's ``next`` on, if it
    stays on this site (a visitor's "I want to join" through signing in)."""
    target = reverse(view_name)
    next_url = safe_next(request, "")
    if next_url:
        target += "?" + urlencode({"next": next_url})
    return target


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
        login(request, user, backend="members.backends.MemberBackend")
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


@login_required
@require_POST
def privacy_notice_accept(request):
    """A member who accepted an earlier version accepts the notice in force
    (asked on /mi-formacion/ and in "Mis datos")."""
    form = NoticeAcceptForm(request.POST)
    back = safe_next(request)
    if not form.is_valid():
        messages.error(request, form.errors.get("consent_necessary", [""])[0])
        return redirect(back)
    try:
        services.notice_accept(user=request.user, version=form.cleaned_data["version"])
    except (services.NoticeChanged, services.NoNoticeInForce):
        messages.error(
            request,
            _("The privacy notice changed in the meantime: read it and accept it."),
        )
        return redirect(back)
    messages.success(request, _("Thank you: you accepted the privacy notice."))
    return redirect(back)


def locked_out(request, credentials=None, *args, **kwargs):
    """Too many failed sign-ins: of this account from this address, or of every
    account together from this address, and the page says which (django-axes
    answers the sign-in forms with this page too)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "members/locked_out.html",
        {"minutes": minutes, "whole_address": address_locked(request)},
        status=429,
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

    def post(self, request, *args, **kwargs):
        return forget_on_this_device(super().post(request, *args, **kwargs))


# On a phone several people share, nothing of the person leaving stays for
# the next: the pages she saved to study offline, what she did offline, and
# the browser's copies of her pages (the cookies go with the session).
CLEAR_SITE_DATA = '"cache", "storage"'


def forget_on_this_device(response):
    response["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


def forgetting_on_this_device(sign_out_view):
    """``sign_out_view`` (the admin's own) forgetting what the browser kept
    once it signed someone out, as ``/cuenta/salir/`` does."""

    def view(request, *args, **kwargs):
        response = sign_out_view(request, *args, **kwargs)
        if request.method == "POST":
            forget_on_this_device(response)
        return response

    return view


class PasswordChangeView(auth_views.PasswordChangeView):
    """Needs the current password; every other session of the account ends
    (Django keys sessions to the password), this one stays signed in."""

    template_name = "members/password_change.html"
    success_url = reverse_lazy("members:my_data")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            _("Your password is changed. Other devices were signed out."),
        )
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Django's form; what is sent, to whom and how often is the service's."""

    template_name = "members/password_reset.html"
    success_url = reverse_lazy("members:password_reset_done")

    def form_valid(self, form):
        try:
            services.password_reset_request(
                email=form.cleaned_data["email"],
                address=client_address(self.request),
                language=get_language(),
            )
        except services.TooManyResetRequests:
            return render(
                self.request, "members/password_reset_limited.html", status=429
            )
        return redirect(self.success_url)


@login_required
def my_data(request):
    """Every personal datum held about the signed-in person, section by section."""
    user = request.user
    current = ConsentRecord.objects.current_for(user)
    consents = [(purpose, current.get(purpose.value)) for purpose in Purpose]
    sections = [
        (section.label, section.parts(section.export(user)))
        for section in registry.sections()
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
            "notice_to_accept": services.notice_to_accept(user),
            "notice_form": NoticeAcceptForm(),
            "panels": registry.panels(request),
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
@require_POST
def my_data_print(request):
    """The same export as a page to read, print or keep as PDF: every section
    of the registry in words a person reads, beside the JSON for programs.
    A POST and logged, as the JSON download is."""
    user = request.user
    data = services.personal_data_export(user=user, actor=user, printable=True)
    return render(
        request,
        "members/my_data_print.html",
        {
            "profile_rows": [
                (_("Username"), data["perfil"]["usuario"]),
                (_("Name(s)"), registry.readable(data["perfil"]["nombre"])),
                (_("Surname(s)"), registry.readable(data["perfil"]["apellidos"])),
                (_("Phone"), registry.readable(data["perfil"]["telefono"])),
                (_("E-mail"), registry.readable(data["perfil"]["correo"])),
                (_("Account created"), registry.readable(data["perfil"]["alta"])),
                (
                    _("Last sign-in"),
                    registry.readable(data["perfil"]["ultimo_acceso"]),
                ),
            ],
            "consents": [
                {
                    "purpose": registry.readable(row["finalidad"], Purpose),
                    "granted": row["otorgado"],
                    "method": registry.readable(row["forma"], ConsentMethod),
                    "date": registry.readable(row["fecha"]),
                    "notice": row["aviso"],
                }
                for row in data["consentimientos"]
            ],
            "sections": [
                (section.label, section.parts(data[section.key]))
                for section in registry.sections()
            ],
            "made_at": timezone.now(),
        },
    )


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
        return forget_on_this_device(redirect("/"))
    return render(request, "members/account_delete.html", {"form": form})


@require_http_methods(["GET", "POST"])
def sign_in_with_code(request):
    """First sign-in of a member registered by their leaders, with a one-time code."""
    form = SignInCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Counted with the password sign-ins: a code is a password used once.
        credentials = {"username": form.cleaned_data["username"]}
        if not AxesProxyHandler.is_allowed(request, credentials):
            return locked_out(request)
        user = services.sign_in_code_redeem(
            username=form.cleaned_data["username"], code=form.cleaned_data["code"]
        )
        if user is None:
            user_login_failed.send(
                sender=__name__, credentials=credentials, request=request
            )
            if not AxesProxyHandler.is_allowed(request, credentials):
                return locked_out(request)
            form.add_error(
                None,
                _(
                    "The username or the code is not right, or the code has expired "
                    "or was already used. Ask your council's leaders for a new one."
                ),
            )
        else:
            login(request, user, backend="members.backends.MemberBackend")
            request.session["must_set_password"] = True
            return redirect(_with_next("members:password_first_set", request))
    return render(
        request,
        "members/sign_in_code.html",
        {"form": form, "next": safe_next(request, "")},
    )


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
        return redirect(safe_next(request))
    form = SetPasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        request.session.pop("must_set_password", None)
        messages.success(request, _("Your password is saved. Welcome!"))
        return redirect(safe_next(request))
    return render(
        request,
        "members/password_first_set.html",
        {"form": form, "next": safe_next(request, "")},
    )


# Two-factor authentication


# The authenticator device this session is setting up, and whether this session
# gave the activation code: a key is shown to the session that asked for it,
# and only that session can confirm it.
SETUP_SESSION_KEY = "two_factor_setup"


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request):
    """Set up the authenticator app (QR code and key, no JavaScript), then show
    the recovery codes once; with it set up, the status and what can be done.

    An account that must use it first gives an activation code (see
    ``services.two_factor_activate``): before that this session sees no key,
    so a key read with the password alone is never the one confirmed."""
    user = request.user
    if security.has_two_factor(user):
        request.session.pop(SETUP_SESSION_KEY, None)
        return render(
            request,
            "members/two_factor.html",
            {
                "required": security.two_factor_required(user),
                "verified": user.is_verified(),
                "next": safe_next(request, ""),
            },
        )
    required = security.two_factor_required(user)
    setup = request.session.get(SETUP_SESSION_KEY) or {}
    device = None
    if setup.get("activated") or not required:
        device = security.app_device_unconfirmed(user, setup.get("device"))
    if device is None and required:
        return _two_factor_activation(request)
    if device is None:
        device = security.app_device_new(user)
        request.session[SETUP_SESSION_KEY] = {"device": device.pk, "activated": False}
    form = TwoFactorSetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.two_factor_enrol(
                user=user, device_id=device.pk, app_code=form.cleaned_data["code"]
            )
        except services.EnrolmentRefused:
            form.add_error("code", _("That code is not right. Try the one shown now."))
        else:
            request.session.pop(SETUP_SESSION_KEY, None)
            otp_login(request, device)
            messages.success(request, _("Two-step verification is on."))
            return render(
                request,
                "members/two_factor_codes.html",
                {"codes": codes, "next": safe_next(request, DEFAULT_NEXT)},
            )
    return render(
        request,
        "members/two_factor_setup.html",
        {
            "form": form,
            "qr": segno.make(device.config_url, error="m").svg_inline(
                scale=4, title=_("QR code for your authenticator app")
            ),
            "key": " ".join(
                textwrap.wrap(b32encode(device.bin_key).decode().rstrip("="), 4)
            ),
            "activated": setup.get("activated", False),
            "next": safe_next(request, ""),
        },
    )


def _two_factor_activation(request):
    """The first step for an account that must use two-step verification: the
    activation code, counted as a sign-in (a wrong one is a failed sign-in of
    the account). Accepted, a new key is made for this session."""
    user = request.user
    form = TwoFactorActivationForm(request.POST or None)
    credentials = {"username": user.get_username()}
    if request.method == "POST" and form.is_valid():
        if not AxesProxyHandler.is_allowed(request, credentials):
            return locked_out(request)
        try:
            device = services.two_factor_activate(
                user=user, activation_code=form.cleaned_data["activation"]
            )
        except services.EnrolmentRefused:
            user_login_failed.send(
                sender=__name__, credentials=credentials, request=request
            )
            if not AxesProxyHandler.is_allowed(request, credentials):
                return locked_out(request)
            form.add_error(
                "activation",
                _(
                    "That activation code is not right, or it has expired or "
                    "was already used. Ask for a new one."
                ),
            )
        else:
            request.session[SETUP_SESSION_KEY] = {
                "device": device.pk,
                "activated": True,
            }
            return redirect(_with_next("members:two_factor", request))
    return render(
        request,
        "members/two_factor_activation.html",
        {"form": form, "next": safe_next(request, "")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """The second step of signing in: a code from the app or a recovery code."""
    if not security.has_two_factor(request.user):
        return redirect("members:two_factor")
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = security.verify(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            if device.name == security.RECOVERY_DEVICE:
                messages.warning(
                    request,
                    _(
                        "You used a recovery code; each works once. Make new ones "
                        "in your two-step verification page if few are left."
                    ),
                )
            return redirect(safe_next(request))
        form.add_error(
            "code",
            _("That code is not right or was already used. Wait for a new one."),
        )
    return render(
        request,
        "members/two_factor_verify.html",
        {"form": form, "next": safe_next(request, "")},
    )


@login_required
@require_POST
def two_factor_recovery_codes(request):
    """New recovery codes (the old ones stop working); needs the second factor."""
    if not request.user.is_verified():
        return redirect("members:two_factor_verify")
    codes = security.recovery_codes_issue(request.user)
    return render(
        request,
        "members/two_factor_codes.html",
        {"codes": codes, "next": reverse("members:two_factor")},
    )


@login_required
@require_POST
def two_factor_disable(request):
    """Turn two-step verification off: only for accounts that do not need it."""
    user = request.user
    if security.two_factor_required(user):
        messages.error(
            request,
            _(
                "Your account can see other people's data: it needs two-step "
                "verification."
            ),
        )
    elif not user.is_verified():
        return redirect("members:two_factor_verify")
    else:
        security.two_factor_disable(user)
        messages.success(request, _("Two-step verification is off."))
    return redirect("members:two_factor")
