"""People by name above council level: only after a stated reason, logged.

A council's own leaders see its people: that is their office. Whoever reaches a
council from wider (a state's coordination, national coordination, a superuser)
sees its figures, and its people by name only after writing why. The reason is
sent by POST (never in an address, which browsers keep in their history and
servers in their logs), kept in the session for ``REASON_MINUTES`` for the
scope it was given for (a council, a state, the whole country: a state's covers
its councils), and written to the access log with every page of people seen
under it.

Why 30 minutes: long enough to finish the task the reason names (a state's
list, then a council's members, a meeting's attendance, an export) without
writing it again on each page; short enough that the permission ends with the
task, so that a session left open (these accounts stay signed in for 12 hours)
does not keep names open, and the next task asks for its own reason.
"""

import time
import unicodedata

from members.models import AccessLog

from .models import CouncilPage, State
from .models.scopes import leader_scope

REASON_MINUTES = 30
# A reason counts its letters and digits only: a run of zero-width spaces, or
# of punctuation, is not a reason anyone can read in the access log.
REASON_MIN_VISIBLE = 10
SESSION_KEY = "councils_name_reasons"
NATIONAL = "nacional"


class ReasonRequired(Exception):
    """Raised by a view of a council's people when no reason is in force."""

    def __init__(self, council):
        super().__init__(council.pk)
        self.council = council


# Characters that show nothing and are not whitespace, besides the format
# characters (category Cf: zero-width spaces and joiners, direction marks) and
# the control characters: Unicode's "default ignorable" letters (Hangul
# fillers) and marks (variation selectors, the combining grapheme joiner).
IGNORABLE = frozenset("\u034f\u115f\u1160\u180b\u180c\u180d\u3164\uffa0") | {
    chr(code) for code in (*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0))
}


def _shows_nothing(char):
    return char in IGNORABLE or (
        unicodedata.category(char) in ("Cf", "Cc") and not char.isspace()
    )


def reason_normalise(text):
    """A reason as it is kept and logged: composed (NFC), without characters
    that show nothing, each run of whitespace one space."""
    text = unicodedata.normalize("NFC", text)
    return " ".join("".join(c for c in text if not _shows_nothing(c)).split())


def visible_length(text):
    """How many letters and digits ``text`` shows."""
    return sum(
        1
        for char in text
        if unicodedata.category(char)[0] in "LN" and char not in IGNORABLE
    )


def council_key(council):
    return f"consejo:{council.pk}"


def state_key(state):
    return f"estado:{state.code}"


def keys_covering(council=None, state=None):
    """The scopes whose reason covers ``council`` (or ``state``), narrowest
    first; with neither, the whole country."""
    keys = []
    if council is not None:
        keys.append(council_key(council))
        state = council.state
    if state is not None:
        keys.append(state_key(state))
    keys.append(NATIONAL)
    return keys


def leads_directly(user, council):
    """Whether ``council`` is one of the viewer's own: an office held in it."""
    return council.pk in leader_scope(user).council_ids


def reason_in_force(request, keys):
    """The reason given in this session for the first of ``keys`` that still
    has one, or "". Reasons whose time is up are dropped."""
    reasons = request.session.get(SESSION_KEY) or {}
    now = time.time()
    alive = {key: given for key, given in reasons.items() if given["until"] > now}
    if alive != reasons:
        request.session[SESSION_KEY] = alive
    for key in keys:
        if key in alive:
            return alive[key]["reason"]
    return ""


def reason_give(request, key, reason):
    """Keep ``reason`` for ``key`` in this session for ``REASON_MINUTES``."""
    reasons = dict(request.session.get(SESSION_KEY) or {})
    reasons[key] = {"reason": reason, "until": time.time() + REASON_MINUTES * 60}
    request.session[SESSION_KEY] = reasons


def council_reason(request, council):
    """ "" for the council's own leaders (no reason needed); else the reason in
    force for it, or ``ReasonRequired``."""
    if leads_directly(request.user, council):
        return ""
    reason = reason_in_force(request, keys_covering(council))
    if not reason:
        raise ReasonRequired(council)
    return reason


def key_held(user, key):
    """Whether ``key`` names a scope ``user`` reaches: what a reason may be
    given for. Returns the council or state it names (True for the country),
    or None."""
    scope = leader_scope(user)
    kind, _sep, value = key.partition(":")
    if kind == NATIONAL and not value:
        return True if scope.national else None
    if kind == "estado" and value.isascii() and value.isdigit() and len(value) <= 2:
        state = State.objects.filter(code=value).first()
        return state if state and scope.covers_state(state.pk) else None
    if kind == "consejo" and value.isascii() and value.isdigit() and len(value) <= 18:
        council = CouncilPage.objects.filter(pk=int(value)).first()
        return council if council and scope.covers(council) else None
    return None


def names_view_log(request, *, scope, reason, count, **detail):
    """One entry of the access log for a page of people seen under ``reason``."""
    AccessLog.objects.record(
        actor=request.user,
        action=AccessLog.Action.VIEW,
        scope=scope,
        detail={"motivo": reason, **detail},
        row_count=count,
    )
