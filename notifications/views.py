"""The member's own choice of channel and the verification of her phone,
under ``/cuenta/avisos/``; shown as the "Avisos" section of "Mis datos"
(``members.registry.register_panel``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from members.models import Purpose

from . import phone, services
from .channels import phone_e164
from .forms import PhoneCodeForm, PreferenceForm
from .models import Channel, Preference

PHONE_CHANNELS = (Preference.SMS, Preference.WHATSAPP)


def back():
    return redirect(reverse("members:my_data") + "#avisos")


def state(user):
    """What the section shows of ``user``."""
    preference = phone.preference_of(user)
    choice = preference.channel if preference else Preference.AUTOMATIC
    code = phone.latest_code(user)
    return {
        "preference": preference,
        "choice_label": Preference(choice).label,
        "phone_channel": choice in PHONE_CHANNELS,
        "has_phone": bool(phone_e164(user.phone)),
        "phone_verified": phone.phone_verified(user, preference),
        "code_channel_label": Channel(phone.code_channel(user)).label,
        "consented": services.consented(user, Purpose.NOTICES),
        "pending_code": code,
        "code_form": PhoneCodeForm(initial={"code_id": code.pk}) if code else None,
    }


def preference_initial(user):
    preference = phone.preference_of(user)
    if preference is None:
        return {"channel": Preference.AUTOMATIC}
    return {"channel": preference.channel, "telegram_chat": preference.telegram_chat}


def panel(request):
    """The "Avisos" section of "Mis datos"."""
    user = request.user
    return render_to_string(
        "notifications/my_data_section.html",
        {
            **state(user),
            "form": PreferenceForm(initial=preference_initial(user)),
        },
        request=request,
    )


@login_required
@require_http_methods(["GET", "POST"])
def preference_update(request):
    user = request.user
    form = PreferenceForm(request.POST or None, initial=preference_initial(user))
    if request.method == "POST" and form.is_valid():
        channel = form.cleaned_data["channel"]
        phone.preference_save(
            user=user,
            channel=channel,
            telegram_chat=form.cleaned_data["telegram_chat"],
        )
        label = Preference(channel).label
        if channel in PHONE_CHANNELS and not phone.phone_verified(user):
            messages.warning(
                request,
                _(
                    "Your choice (%(channel)s) is saved, but no notice will reach "
                    "you by %(channel)s until your phone is verified: ask for a "
                    "code below and type it in."
                )
                % {"channel": label},
            )
        else:
            messages.success(
                request,
                _("Saved. Your channel: %(channel)s.") % {"channel": label},
            )
        return back()
    return render(
        request,
        "notifications/preference_form.html",
        {"form": form, **state(user)},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def phone_code_send(request):
    try:
        row = phone.code_send(user=request.user)
    except phone.PhoneError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "We sent a 6-digit code by %(channel)s to your phone ending in "
                "%(end)s. Type it below; it is valid for %(minutes)s minutes."
            )
            % {
                "channel": Channel(row.channel).label,
                "end": row.phone[-4:],
                "minutes": phone.CODE_MINUTES,
            },
        )
    return back()


@login_required
@require_POST
def phone_verify(request):
    form = PhoneCodeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return back()
    try:
        phone.code_check(
            user=request.user,
            code_id=form.cleaned_data["code_id"],
            code=form.cleaned_data["code"],
        )
    except phone.PhoneError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you: your phone is verified."))
    return back()
