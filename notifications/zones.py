"""The time zone of a person, for quiet hours. This app knows nothing of
councils: the app that knows where a person lives registers a finder
(``councils`` does, in its ``ready``)."""

from zoneinfo import ZoneInfo

from django.conf import settings

_finders = []


def register(finder):
    """``finder(user)`` returns an IANA zone name, or None when it cannot tell."""
    if finder not in _finders:
        _finders.append(finder)


def zone_of(user):
    for finder in _finders:
        name = finder(user)
        if name:
            return ZoneInfo(name)
    return ZoneInfo(settings.NOTIFY_DEFAULT_TIMEZONE)
