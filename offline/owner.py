"""Whose phone data this is: a key per person, the same in every session.

What a person saves on a phone for offline study, and what she does there
without signal, is kept in the browser under this key. The service worker and
the page keep one owner's data at a time: when another person signs in on the
same browser, the previous owner's saved pages and queue are deleted before
the new owner sees a page (see ``templates/offline/sw.js``). The key
is derived from the account and the secret key: it tells nothing of the
person, and a queue sent under another person's key is refused.
"""

from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from cococi_site import content

HEADER = "X-Cococi-Dueno"


def owner_key(user):
    """The phone-data key of ``user`` (a signed-in account)."""
    return salted_hmac("offline.owner", str(user.pk)).hexdigest()[:24]


class OwnerHeaderMiddleware:
    """Every answer to a signed-in person names her key, so the service worker
    knows whose pages it is shown and forgets any other person's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        # Only pages: the service worker reads the key of what it is shown
        # (navigations). Files, the app's manifest and the worker itself are
        # the same for everybody and may be kept by shared caches; the page
        # kept on the phone for whoever uses it next (``shared_on_the_phone``)
        # names nobody either.
        if getattr(response, "shared_on_the_phone", False) or not response.get(
            "Content-Type", ""
        ).startswith("text/html"):
            return response
        if user is not None and user.is_authenticated:
            response[HEADER] = owner_key(user)
        return response


def owner_context(request):
    """The key and the content generation, for the page's script (signed-in
    pages only: anonymous pages are shared and cached)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "offline_owner": owner_key(user),
        "offline_generation": content.generation() or "",
        "offline_texts": texts(),
    }


def texts():
    """What the page's script says, in the site's language."""
    return {
        "save": _("Save for studying offline"),
        "update": _("Update what is saved"),
        "saving": _("Saving… %s of %s (about %s)"),
        "saved": _("Saved on this phone (%s). You can read it without signal."),
        "full": _(
            "There is no room left on this phone: free some space and try again."
        ),
        "failed": _("It could not be saved: check your connection and try again."),
        "remove": _("Remove"),
        "removeNamed": _("Remove %s from this phone"),
        "keptLesson": _(
            "✓ Marked as studied on this phone. It will be sent when the "
            "connection comes back."
        ),
        "keptQuiz": _(
            "Your answers are saved on this phone. They will be graded when the "
            "connection comes back."
        ),
        "queuedOne": _(
            "You have %s activity saved on this phone; it will be sent when the "
            "connection comes back."
        ),
        "queuedMany": _(
            "You have %s activities saved on this phone; they will be sent when "
            "the connection comes back."
        ),
        "sent": _("What you did without connection was sent:"),
        "reload": _("Reload the page to send what you did without connection."),
        "gone": _("%s is no longer published; it was removed from this phone."),
    }
