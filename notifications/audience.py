"""Whether a notice is still for its person when it goes: a member who left
her council since her meeting's reminder was written is no longer told of
its meetings. This app knows nothing of councils: the app that knows
registers a check per kind (``councils`` does, in its ``ready``)."""

_checks = {}


def register(kind, check):
    """``check(notice)`` returns None while the notice is still for its
    person, or the reason (in Spanish) why it no longer is."""
    _checks[kind] = check


def unwanted(notice):
    check = _checks.get(notice.kind)
    return check(notice) if check else None
