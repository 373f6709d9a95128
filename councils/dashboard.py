"""The "Formación de cuadros" dashboard: who in the viewer's scope stands where
on the road to each role, computed with database aggregates (see
``councils.readiness``) in a bounded number of queries.

Scopes: a council (per-person rows), a state or the nation (per-council rows by
default; per-person rows only with a stated reason, which is logged). Counts
that could point at fewer than five people are shown as "<5" above council level.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Axis, Enrollment

from .models import (
    MILESTONE_MIN_COUNT,
    CouncilPage,
    Membership,
    MembershipStatus,
    ReadyEvent,
    State,
)
from .readiness import pathway, readiness_for
from .scopes import leader_scope

CHART_HEIGHT = 120
# The same threshold as the milestones of council pages.
MIN_GROUP = MILESTONE_MIN_COUNT
BANDS = {
    "0-49": (0, 49),
    "50-79": (50, 79),
    "80-99": (80, 99),
    "listo": (100, 100),
}


@dataclass
class DashboardScope:
    kind: str  # "consejo", "estado" or "nacional"
    label: str
    council: CouncilPage | None = None
    state: State | None = None

    @property
    def is_council(self):
        return self.kind == "consejo"

    @property
    def key(self):
        if self.council:
            return f"consejo:{self.council.pk}"
        if self.state:
            return f"estado:{self.state.code}"
        return "nacional"

    def councils(self):
        councils = CouncilPage.objects.all()
        if self.council:
            return councils.filter(pk=self.council.pk)
        if self.state:
            return councils.filter(state=self.state)
        return councils

    def member_ids(self):
        """Active members of the scope, as a subquery (never a Python list)."""
        memberships = Membership.objects.filter(status=MembershipStatus.ACTIVE)
        if self.council:
            memberships = memberships.filter(council=self.council)
        elif self.state:
            memberships = memberships.filter(council__state=self.state)
        return memberships.values("user_id")


def resolve_scope(user, *, council_id=None, state_code=None):
    """The scope asked for, if the viewer holds it; else their widest default.
    Asking for a scope one does not hold is refused, never widened."""
    scope = leader_scope(user)
    if scope.is_empty:
        raise PermissionDenied
    if council_id:
        council = (
            CouncilPage.objects.select_related("state").filter(pk=council_id).first()
        )
        if council is None or not scope.covers(council):
            raise PermissionDenied
        return DashboardScope("consejo", council.title, council=council)
    if state_code:
        state = State.objects.filter(code=state_code).first()
        if state is None or not scope.covers_state(state.pk):
            raise PermissionDenied
        return DashboardScope("estado", state.name, state=state)
    if scope.national:
        return DashboardScope("nacional", _("National"))
    if scope.state_ids:
        state = State.objects.filter(pk__in=scope.state_ids).order_by("name").first()
        return DashboardScope("estado", state.name, state=state)
    council = (
        CouncilPage.objects.filter(pk__in=scope.council_ids).order_by("title").first()
    )
    return DashboardScope("consejo", council.title, council=council)


def small(count):
    """A count safe to show above council level."""
    return count if count >= MIN_GROUP or count == 0 else "<5"


@dataclass
class Dashboard:
    scope: DashboardScope
    axes: list
    roles: list
    members: list = field(default_factory=list)  # per-person rows (dicts)
    councils: list = field(default_factory=list)  # per-council rows (dicts)
    pipeline: list = field(default_factory=list)
    axis_share: list = field(default_factory=list)
    monthly: list = field(default_factory=list)
    total: int = 0
    total_label: object = 0
    ready_events: list = field(default_factory=list)


def _member_row(user_id, state, axes, names, council_titles, role_names, now):
    facts = state.facts
    inactive = facts.inactive_since(now)
    if names is None:
        # Per-council figures only: what aggregates and filters need, no more
        # (tens of thousands of rows above council level).
        return {
            "council_id": facts.council_id,
            "courses": facts.courses_completed,
            "hours": facts.hours,
            "circles": facts.circles_attended,
            "current_role": state.current_role.name if state.current_role else "",
            "readiness": state.percent,
            "ready": state.ready,
            "inactive": inactive,
            "axis_ids": [pk for pk, total in facts.courses_by_axis.items() if total],
            "current_role_ids": facts.current_roles,
            "name": "",
            "user_id": user_id,
        }
    first, last, username = names.get(user_id, ("", "", ""))
    return {
        "user_id": user_id,
        "name": f"{first} {last}".strip() or username,
        "username": username,
        "council": council_titles.get(facts.council_id, ""),
        "council_id": facts.council_id,
        "per_axis": [facts.courses_by_axis.get(axis.pk, 0) for axis in axes],
        "courses": facts.courses_completed,
        "hours": round(facts.hours, 1),
        "circles": facts.circles_attended,
        "roles": ", ".join(
            sorted(role_names[pk] for pk in facts.current_roles if pk in role_names)
        ),
        "current_role": state.current_role.name if state.current_role else "",
        "next_role": state.next_role.name if state.next_role else "",
        "readiness": state.percent,
        "ready": state.ready,
        "last_activity": facts.last_activity,
        "inactive": inactive,
        "axis_ids": {pk for pk, total in facts.courses_by_axis.items() if total},
        "current_role_ids": facts.current_roles,
    }


def _keep(row, filters, axes_by_slug, roles_by_slug):
    axis = filters.get("eje")
    if axis and axes_by_slug[axis].pk not in row["axis_ids"]:
        return False
    role = filters.get("cargo")
    if role and roles_by_slug[role].pk not in row["current_role_ids"]:
        return False
    band = filters.get("avance")
    if band:
        low, high = BANDS[band]
        if not low <= row["readiness"] <= high:
            return False
    if filters.get("inactivos") and not row["inactive"]:
        return False
    return True


def build_dashboard(scope, *, filters=None, per_person=None):
    """Everything the dashboard shows for ``scope``; ``filters`` are already
    validated (see ``councils.forms.DashboardFilterForm``)."""
    from .models import LeadershipRole

    filters = filters or {}
    per_person = scope.is_council if per_person is None else per_person
    now = timezone.now()
    axes = list(Axis.objects.ordered())
    roles = pathway()
    all_roles = {role.pk: role for role in LeadershipRole.objects.all()}
    member_ids = scope.member_ids()
    readiness = readiness_for(member_ids, roles=roles, axes=axes, detail=False)
    council_titles = dict(scope.councils().values_list("pk", "title"))
    names = None
    if per_person:
        names = {
            pk: (first, last, username)
            for pk, first, last, username in get_user_model()
            .objects.filter(pk__in=member_ids)
            .values_list("pk", "first_name", "last_name", "username")
        }
    role_names = {pk: role.name for pk, role in all_roles.items()}
    rows = [
        _member_row(user_id, state, axes, names, council_titles, role_names, now)
        for user_id, state in readiness.items()
        if state.facts.active_member
    ]
    axes_by_slug = {axis.slug: axis for axis in axes}
    roles_by_slug = {role.slug: role for role in all_roles.values()}
    rows = [row for row in rows if _keep(row, filters, axes_by_slug, roles_by_slug)]
    if per_person:
        rows.sort(key=lambda row: (-row["readiness"], row["name"], row["user_id"]))
    dashboard = Dashboard(scope=scope, axes=axes, roles=roles, total=len(rows))
    show = (lambda n: n) if scope.is_council else small

    if per_person:
        dashboard.members = rows
    else:
        dashboard.councils = _council_rows(rows, council_titles, show)

    position = defaultdict(lambda: [0, 0])
    for row in rows:
        counts = position[row["current_role"]]
        counts[0] += 1
        counts[1] += int(row["ready"])

    # Above council level a bar or a percentage would give away what "<5"
    # hides, so small groups get no bar and no percentage either.
    def safe(count):
        return count if scope.is_council or count == 0 or count >= MIN_GROUP else 0

    dashboard.total_label = show(len(rows))
    dashboard.pipeline = [
        {
            "role": role.name,
            "members": show(position[role.name][0]),
            "ready": show(position[role.name][1]),
            "bar": safe(position[role.name][0]),
        }
        for role in roles
    ]
    total = len(rows) or 1
    dashboard.axis_share = []
    for axis in axes:
        count = sum(1 for row in rows if axis.pk in row["axis_ids"])
        percent = round(100 * safe(count) / total)
        dashboard.axis_share.append(
            {
                "axis": axis,
                "percent": percent,
                "label": f"{percent}%" if safe(count) == count else "<5",
            }
        )
    dashboard.monthly = _monthly(member_ids, now, show)
    dashboard.ready_events = list(
        ReadyEvent.objects.filter(council__in=scope.councils().values("pk"))
        .select_related("user", "role", "council")
        .order_by("-detected_at")[:10]
    )
    if not scope.is_council:
        # Named people appear above council level only in per-person views.
        dashboard.ready_events = dashboard.ready_events if per_person else []
    return dashboard


def _council_rows(rows, council_titles, show):
    grouped = defaultdict(list)
    for row in rows:
        grouped[row["council_id"]].append(row)
    result = []
    for council_id, title in sorted(council_titles.items(), key=lambda item: item[1]):
        members = grouped.get(council_id, [])
        count = len(members)
        hidden = 0 < count < MIN_GROUP
        result.append(
            {
                "council_id": council_id,
                "council": title,
                "members": show(count),
                "courses": "—" if hidden else sum(m["courses"] for m in members),
                "hours": "—" if hidden else round(sum(m["hours"] for m in members), 1),
                "circles": "—" if hidden else sum(m["circles"] for m in members),
                "ready": show(sum(1 for m in members if m["ready"])),
                "inactive": show(sum(1 for m in members if m["inactive"])),
            }
        )
    return result


def _monthly(member_ids, now, show):
    """Course completions per month over the last 12 months (one query)."""
    # The local midnight of the first day, eleven months before the current one
    # (subtracting a fixed number of days skipped the current month whenever the
    # months between had 334 days).
    local = timezone.localtime(now)
    year, month = divmod(local.year * 12 + local.month - 1 - 11, 12)
    first = local.replace(
        year=year, month=month + 1, day=1, hour=0, minute=0, second=0, microsecond=0
    )
    counts = {
        row["month"].date() if hasattr(row["month"], "date") else row["month"]: row[
            "total"
        ]
        for row in Enrollment.objects.filter(
            user_id__in=member_ids, completed_at__gte=first
        )
        .annotate(month=TruncMonth("completed_at"))
        .values("month")
        .annotate(total=Count("pk"))
        .order_by()
    }
    months = []
    cursor = first.date()
    for _position in range(12):
        months.append({"month": cursor, "count": counts.get(cursor, 0)})
        cursor = (cursor.replace(day=28) + timedelta(days=4)).replace(day=1)
    tallest = max((month["count"] for month in months), default=0) or 1
    for month in months:
        month["total"] = show(month["count"])
        month["height"] = round(CHART_HEIGHT * month["count"] / tallest)
        month["top"] = CHART_HEIGHT - month["height"] + 8
    return months
