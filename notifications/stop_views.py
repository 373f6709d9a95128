"""The page of the stop link (``/baja/<key>``): a GET only asks (a link
preview in WhatsApp, a phone's safe-browsing check must stop nobody's
notices), the button (a POST, CSRF-protected) withdraws her consent to
notices. No sign-in: the key in the link is the proof. Wrong keys are counted
per address like failed sign-ins (``members.throttling``), so they cannot be
guessed one after another."""

from django.db import transaction
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from members.models import ConsentMethod, Purpose
from members.services import consent_withdraw
from members.throttling import guess_failed, guessing_locked

from . import services
from .models import ChannelPreference

# What wrong stop keys are counted under (no username has a space).
GUESS_NAME = "enlace de baja"


def private(response):
    """The key is in the address: no referrer carries it elsewhere, no search
    engine keeps it."""
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def stop_notices(request, key):
    if guessing_locked(request, GUESS_NAME):
        return private(render(request, "notifications/stop_locked.html", status=429))
    preference = (
        ChannelPreference.objects.select_related("user")
        .filter(stop_key=key.upper())
        .first()
    )
    if preference is None or not preference.user.is_active:
        guess_failed(request, GUESS_NAME)
        raise Http404
    user = preference.user
    stopped = False
    if request.method == "POST":
        with transaction.atomic():
            consent_withdraw(
                user=user, purpose=Purpose.NOTICES, method=ConsentMethod.STOP_LINK
            )
            # Used: the link stops working, so whoever saw it (a forwarded
            # text, a shared phone) cannot stop her notices again once she
            # turns them back on; her next notice carries a new one.
            ChannelPreference.objects.filter(pk=preference.pk).update(stop_key=None)
        stopped = True
    context = {
        "stopped": stopped,
        "consented": services.consented(user, Purpose.NOTICES),
    }
    return private(render(request, "notifications/stop.html", context))
