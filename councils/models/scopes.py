"""Which councils and states a person leads, from their active role assignments.

Every view of other people's data filters through ``leader_scope``: a council
leader gets their councils, a state coordinator the councils of their states,
national coordination (and superusers) everything.
"""

from dataclasses import dataclass, field

from django.db.models import Q

from .pages import CouncilPage
from .roles import RoleAssignment, ScopeLevel


@dataclass(frozen=True)
class Scope:
    national: bool = False
    state_ids: frozenset = field(default_factory=frozenset)
    council_ids: frozenset = field(default_factory=frozenset)

    @property
    def is_empty(self):
        return not (self.national or self.state_ids or self.council_ids)

    def council_q(self, prefix=""):
        """A Q selecting the councils in scope; ``prefix`` reaches CouncilPage."""
        if self.national:
            return Q(**{f"{prefix}pk__isnull": False})
        return Q(**{f"{prefix}state_id__in": self.state_ids}) | Q(
            **{f"{prefix}pk__in": self.council_ids}
        )

    def covers(self, council):
        return (
            self.national
            or council.pk in self.council_ids
            or council.state_id in self.state_ids
        )

    def covers_state(self, state_id):
        return self.national or state_id in self.state_ids

    def includes(self, other):
        """Whether every council and state ``other`` leads is led in this one."""
        if self.national:
            return True
        if other.national or not other.state_ids <= self.state_ids:
            return False
        outside = other.council_ids - self.council_ids
        return not (
            outside
            and CouncilPage.objects.filter(pk__in=outside)
            .exclude(state_id__in=self.state_ids)
            .exists()
        )


EMPTY = Scope()


def leader_scope(user):
    """The scope ``user`` leads, computed once per request object (one query)."""
    if not getattr(user, "is_authenticated", False):
        return EMPTY
    cached = getattr(user, "_cococi_leader_scope", None)
    if cached is not None:
        return cached
    if user.is_superuser:
        scope = Scope(national=True)
    else:
        national = False
        states, councils = set(), set()
        rows = (
            RoleAssignment.objects.active()
            .leading()
            .filter(user=user)
            .values_list("role__scope_level", "state_id", "council_id")
        )
        for level, state_id, council_id in rows:
            if level == ScopeLevel.NATIONAL:
                national = True
            elif level == ScopeLevel.STATE and state_id:
                states.add(state_id)
            elif level == ScopeLevel.COUNCIL and council_id:
                councils.add(council_id)
        scope = Scope(national, frozenset(states), frozenset(councils))
    user._cococi_leader_scope = scope
    return scope


def councils_led_by(user):
    scope = leader_scope(user)
    if scope.is_empty:
        return CouncilPage.objects.none()
    return CouncilPage.objects.filter(scope.council_q()).select_related(
        "state", "municipality"
    )
