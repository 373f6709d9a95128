"""The stop link every notice under consent to notices carries: ``/baja/<key>``
opens a page whose button withdraws that consent, with no sign-in (many
members were registered on paper and have no password).

The line is added when the notice is sent (``deliver``), not when it is
written: a notice written for many people at once (``notify_many``) is one
text for all of them, and the texts are shown to the council's leaders
(*Avisos enviados*), who must not be able to stop a member's notices. The key
is made the first time a person is sent such a notice: one more query in the
worker, none in the planner. Its length is fixed, so the segments counted
when the notice is written (with ``PLACEHOLDER``) are those sent."""

import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .models import ChannelPreference

# No 0/O, 1/I/L: a key read aloud or typed from a phone's screen.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
KEY_LENGTH = 8
PLACEHOLDER = "X" * KEY_LENGTH


def new_key():
    return "".join(secrets.choice(ALPHABET) for _ in range(KEY_LENGTH))


def key_for(user, preference=None):
    """``user``'s stop key, made (and her preference row with it) if she has
    none yet. ``preference``: her row, when the caller read it already."""
    if preference is None:
        preference, _made = ChannelPreference.objects.get_or_create(user=user)
    if preference.stop_key:
        return preference.stop_key
    for _attempt in range(5):
        try:
            with transaction.atomic():
                ChannelPreference.objects.filter(
                    pk=preference.pk, stop_key__isnull=True
                ).update(stop_key=new_key())
        except IntegrityError:  # another person's key: draw again
            continue
        break
    preference.stop_key = (
        ChannelPreference.objects.filter(pk=preference.pk)
        .values_list("stop_key", flat=True)
        .get()
    )
    return preference.stop_key


def link(key):
    """``<site>/baja/<key>``: no trailing slash, one character less."""
    site = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    return site + reverse("stop_notices", args=[key])


def line(key, *, short=True):
    """How to stop notices, in the site's language: "Baja: <link>" for phones
    (every character counts in a text message), a sentence for e-mail."""
    with translation.override(settings.LANGUAGE_CODE):
        if short:
            return _("Stop: %(link)s") % {"link": link(key)}
        return _("To stop notices: %(link)s") % {"link": link(key)}
