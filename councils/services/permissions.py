"""Who may act on a council, and the error a refused action raises."""

from django.core.exceptions import PermissionDenied

from ..models.scopes import leader_scope


class CouncilError(Exception):
    """A council action that cannot be done; ``message`` is for the person."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def can_lead(user, council):
    return leader_scope(user).covers(council)


def require_lead(user, council):
    if not can_lead(user, council):
        raise PermissionDenied
