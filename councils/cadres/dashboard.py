"""The "Formación de cuadros" dashboard: who in the viewer's scope stands where
on the road to each role, computed with database aggregates (see
``councils.cadres.readiness``) in a bounded number of queries.

Scopes: a council (per-person rows for its own leaders), a state or the nation
(per-council rows). Per-person rows for anyone reaching the scope from wider
than one of their own councils only with a stated reason, which is logged
(``councils.names``). Without names, every figure is protected as a
statistics office would (``disclose``): counts from 0 to 4 are shown as "<5",
the rest rounded to a multiple of 5, so that no subtraction of two figures
shown (a council's members minus its "Integrante"s, the same with a filter)
gives an exact small count; charts are drawn from the figures shown.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from math import floor

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.cache import axes_ordered

from ..models import (
    MILESTONE_MIN_COUNT,
    CouncilPage,
    CouncilProgress,
    MemberProgress,
    Membership,
    ReadyEvent,
    RoleAssignment,
    State,
    StateProgress,
)
from ..models.scopes import leader_scope
from .progress import progress_pending
from .readiness import inactive_limit, inactive_q, leadership_roles, pathway
from .totals import first_month, months_from, national_totals

CHART_HEIGHT = 120
PIPELINE_WIDTH = 200
AXIS_WIDTH = 300
# The same threshold as the milestones of council pages.
MIN_GROUP = MILESTONE_MIN_COUNT
# Figures above council level are rounded to a multiple of this.
ROUNDING = 5
HIDDEN = "<5"
BANDS = {
    "0-49": (0, 49),
    "50-79": (50, 79),
    "80-99": (80, 99),
    # Ready for a next role; not those at the end of the pathway (100%, with
    # no next role), as the pipeline counts them.
    "listo": None,
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


def disclose(figure):
    """A figure (a count, or a sum of hours) safe to show above council level:
    under 5 it is "<5", a 0 too (the council's page names its coordinators, so
    "0 coordinators ready" would say something of a known person); otherwise
    the nearest multiple of 5. A rounded figure minus another is a multiple
    of 5, never an exact small count."""
    if figure < MIN_GROUP:
        return HIDDEN
    return ROUNDING * floor(figure / ROUNDING + 0.5)


def number_shown(shown):
    """The number a shown figure stands for, to draw it: 0 for "<5"."""
    return 0 if shown == HIDDEN else shown


@dataclass
class Dashboard:
    scope: DashboardScope
    axes: list
    roles: list
    members: Sequence = ()  # per-person rows (dicts), see MemberRows
    councils: list = field(default_factory=list)  # per-council rows (dicts)
    pipeline: list = field(default_factory=list)
    axis_share: list = field(default_factory=list)
    monthly: list = field(default_factory=list)
    total: int = 0
    total_label: object = 0
    exact: bool = True
    ready_events: list = field(default_factory=list)
    figures_at: object = None  # when the workers last added the figures up
    updating: bool = False  # and whether they are at it now
    figures_format: str = "j b Y, H:i"  # the day only where a time would tell


def progress_rows(scope, filters, axes_by_slug, roles_by_slug, now):
    """The scope's active members' progress rows, filtered in SQL."""
    rows = MemberProgress.objects.filter(active_member=True)
    if scope.council:
        rows = rows.filter(council=scope.council)
    elif scope.state:
        rows = rows.filter(council__state=scope.state)
    axis = filters.get("eje")
    if axis:
        rows = rows.filter(courses_by_axis__has_key=str(axes_by_slug[axis].pk))
    role = filters.get("cargo")
    if role:
        holders = RoleAssignment.objects.active().filter(role=roles_by_slug[role])
        rows = rows.filter(user_id__in=holders.values("user_id"))
    band = filters.get("avance")
    if band == "listo":
        rows = rows.filter(ready=True)
    elif band:
        low, high = BANDS[band]
        rows = rows.filter(readiness__gte=low, readiness__lte=high)
    if filters.get("inactivos"):
        rows = rows.filter(inactive_q(now))
    return rows


def build_dashboard(scope, *, filters=None, per_person=None):
    """Everything the dashboard shows for ``scope``; ``filters`` are already
    validated (see ``councils.cadres.forms.DashboardFilterForm``). Nothing is
    recomputed here: without filters the figures are the scope's totals
    (``councils.cadres.totals``: one row for a council or a state, one per
    state for the nation) and the councils or members of the page shown; with
    filters, SQL aggregates over the scope's progress rows. Either way the same
    queries for ten members or half a million; ``figures_at`` and ``updating``
    say how fresh they are."""
    filters = filters or {}
    per_person = scope.is_council if per_person is None else per_person
    # Exact figures where the people are shown by name anyway: a council's,
    # to those who may see its people. Elsewhere a small count hides who.
    exact = scope.is_council and per_person
    now = timezone.now()
    axes = axes_ordered()
    roles = pathway()
    all_roles = {role.pk: role for role in leadership_roles()}
    totals = scope_totals(scope)
    dashboard = Dashboard(scope=scope, axes=axes, roles=roles, exact=exact)
    dashboard.figures_at = totals.computed_at if totals else None
    if scope.council:
        pending = progress_pending(scope.councils())
    elif scope.state:
        pending = progress_pending(scope.councils(), states=[scope.state.pk])
    else:
        pending = progress_pending()
    # A council seen without its names: whether and when its figures change
    # would tell when one of its few members did something.
    hidden = scope.is_council and not exact
    dashboard.updating = pending and not hidden
    dashboard.figures_format = "j b Y" if hidden else "j b Y, H:i"
    if filters or per_person:
        rows = progress_rows(
            scope,
            filters,
            {axis.slug: axis for axis in axes},
            {role.slug: role for role in all_roles.values()},
            now,
        )
    if filters:
        figures = _figures_of_rows(rows, axes)
    else:
        figures = _figures_of_totals(totals)
    total, position, per_axis = figures
    dashboard.total = total
    show = (lambda n: n) if exact else disclose

    if per_person:
        if scope.council:
            council_titles = {scope.council.pk: scope.council.title}
        else:
            council_titles = dict(scope.councils().values_list("pk", "title"))
        dashboard.members = MemberRows(
            rows,
            axes=axes,
            council_titles=council_titles,
            all_roles=all_roles,
            now=now,
        )
    elif filters:
        council_titles = dict(scope.councils().values_list("pk", "title"))
        dashboard.councils = _council_rows(rows, council_titles, now)
    else:
        dashboard.councils = CouncilRows(scope.councils())

    # Bars, their lengths and percentages come from the figures shown, never
    # from the exact counts behind them: a bar's length measured against the
    # total would give back the count its label rounds.
    dashboard.total_label = show(total)
    whole = number_shown(dashboard.total_label) or 1
    dashboard.pipeline = []
    for role in roles:
        members, ready = position.get(role.pk, (0, 0))
        shown = show(members)
        dashboard.pipeline.append(
            {
                "role": role.name,
                "members": shown,
                "ready": show(ready),
                "width": round(PIPELINE_WIDTH * number_shown(shown) / whole),
            }
        )
    dashboard.axis_share = []
    for axis in axes:
        shown = show(per_axis.get(axis.pk, 0))
        percent = round(100 * number_shown(shown) / whole)
        dashboard.axis_share.append(
            {
                "axis": axis,
                "percent": percent,
                "width": round(AXIS_WIDTH * percent / 100),
                "label": HIDDEN if shown == HIDDEN else f"{percent}%",
            }
        )
    # The scope's members' completions (filters do not apply to the chart).
    dashboard.monthly = _monthly(totals.monthly if totals else {}, now, show)
    # Named people appear only in per-person views.
    if per_person:
        dashboard.ready_events = list(
            ReadyEvent.objects.filter(council__in=scope.councils().values("pk"))
            .filter(_still_a_member())
            .select_related("user", "role", "council")
            .order_by("-detected_at")[:10]
        )
    return dashboard


def scope_totals(scope):
    """The scope's totals row (``councils.cadres.totals``), None before the
    workers first added it up."""
    if scope.council:
        return CouncilProgress.objects.filter(council=scope.council).first()
    if scope.state:
        return StateProgress.objects.filter(state=scope.state).first()
    return national_totals()


def _figures_of_totals(totals):
    """(total, {role id: (members, ready)}, {axis id: members}) of totals."""
    if totals is None:
        return 0, {}, {}
    position = {
        int(role_id) if role_id else None: tuple(pair)
        for role_id, pair in totals.by_role.items()
    }
    per_axis = {int(axis_id): count for axis_id, count in totals.by_axis.items()}
    return totals.members, position, per_axis


def _figures_of_rows(rows, axes):
    """The same figures, of filtered progress rows (two aggregate queries)."""
    counts = rows.aggregate(
        total=Count("pk"),
        **{
            f"axis_{axis.pk}": Count(
                "pk", filter=Q(courses_by_axis__has_key=str(axis.pk))
            )
            for axis in axes
        },
    )
    position = {
        role_id: (members, ready)
        for role_id, members, ready in rows.values("current_role_id")
        .annotate(members=Count("pk"), ready=Count("pk", filter=Q(ready=True)))
        .values_list("current_role_id", "members", "ready")
        .order_by()
    }
    per_axis = {axis.pk: counts[f"axis_{axis.pk}"] for axis in axes}
    return counts["total"], position, per_axis


def _still_a_member():
    """Rows whose person is an active member of the row's council."""
    return Exists(
        Membership.objects.active().filter(
            user=OuterRef("user"), council=OuterRef("council")
        )
    )


class MemberRows(Sequence):
    """Per-person rows in order (readiness, then name), built from SQL one page
    at a time: a page of fifty costs the same for a council of 200 or a state
    of 5,000. Iterating (exports) builds them all."""

    FIELDS = (
        "user_id",
        "user__first_name",
        "user__last_name",
        "user__username",
        "council_id",
        "courses_by_axis",
        "courses",
        "hours",
        "circles_attended",
        "current_role_id",
        "next_role_id",
        "readiness",
        "ready",
        "last_activity",
    )

    def __init__(self, rows, *, axes, council_titles, all_roles, now):
        # Named only while a member of the row's council: someone who left
        # is gone from the list and its exports before a worker recomputes her.
        rows = rows.filter(_still_a_member())
        self.values = rows.order_by(
            "-readiness",
            "user__first_name",
            "user__last_name",
            "user__username",
            "user_id",
        ).values(*self.FIELDS)
        self.total = None
        self.axes = axes
        self.council_titles = council_titles
        self.all_roles = all_roles
        self.limit = inactive_limit(now)

    def __len__(self):
        if self.total is None:
            self.total = self.values.count()
        return self.total

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._build(list(self.values[index]))
        if index < 0:
            index += len(self)
        found = self._build(list(self.values[index : index + 1]))
        if not found:
            raise IndexError(index)
        return found[0]

    def __iter__(self):
        return iter(self._build(list(self.values)))

    def _build(self, values):
        """Rows for ``values``, with their current offices (one query)."""
        held = defaultdict(list)
        for user_id, role_id in (
            RoleAssignment.objects.active()
            .filter(user_id__in=[row["user_id"] for row in values])
            .values_list("user_id", "role_id")
            .order_by()
        ):
            held[user_id].append(self.all_roles[role_id].name)
        return [self._row(row, held.get(row["user_id"], [])) for row in values]

    def _row(self, row, roles):
        by_axis = row["courses_by_axis"] or {}
        name = f"{row['user__first_name']} {row['user__last_name']}".strip()
        current, following = row["current_role_id"], row["next_role_id"]
        last = row["last_activity"]
        return {
            "user_id": row["user_id"],
            "name": name or row["user__username"],
            "username": row["user__username"],
            "council": self.council_titles.get(row["council_id"], ""),
            "council_id": row["council_id"],
            "per_axis": [by_axis.get(str(axis.pk), 0) for axis in self.axes],
            "courses": row["courses"],
            "hours": round(row["hours"], 1),
            "circles": row["circles_attended"],
            "roles": ", ".join(sorted(roles)),
            "current_role": self.all_roles[current].name if current else "",
            "next_role": self.all_roles[following].name if following else "",
            "readiness": row["readiness"],
            "ready": row["ready"],
            "last_activity": last,
            "inactive": last is None or last < self.limit,
        }


def _council_rows(rows, council_titles, now):
    """One row per council of the scope for filtered rows, added up in SQL
    (one query)."""
    grouped = {
        row["council_id"]: row
        for row in rows.values("council_id")
        .annotate(
            count=Count("pk"),
            courses_sum=Sum("courses"),
            hours_sum=Sum("hours"),
            circles_sum=Sum("circles_attended"),
            ready_count=Count("pk", filter=Q(ready=True)),
            inactive_count=Count("pk", filter=inactive_q(now)),
        )
        .order_by()
    }
    result = []
    for council_id, title in sorted(council_titles.items(), key=lambda item: item[1]):
        row = grouped.get(council_id, {})
        result.append(
            _council_row(
                council_id,
                title,
                row.get("count"),
                row.get("courses_sum"),
                row.get("hours_sum"),
                row.get("circles_sum"),
                row.get("ready_count"),
                row.get("inactive_count"),
            )
        )
    return result


class CouncilRows(Sequence):
    """One row per council of the scope, in title order, from its totals,
    built one page at a time: the nation's five thousand councils cost what
    the fifty shown cost. Shown without names, so every figure is disclosed as
    above council level; iterating (exports) builds them all."""

    def __init__(self, councils):
        self.values = councils.order_by("title", "pk").values_list(
            "pk",
            "title",
            "progress_totals__members",
            "progress_totals__courses",
            "progress_totals__hours",
            "progress_totals__circles",
            "progress_totals__ready",
            "progress_totals__inactive",
        )
        self.total = None

    def __len__(self):
        if self.total is None:
            self.total = self.values.count()
        return self.total

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [_council_row(*row) for row in self.values[index]]
        if index < 0:
            index += len(self)
        found = list(self.values[index : index + 1])
        if not found:
            raise IndexError(index)
        return _council_row(*found[0])

    def __iter__(self):
        return (_council_row(*row) for row in self.values)


def _council_row(council_id, title, members, courses, hours, circles, ready, inactive):
    members = members or 0
    # The sums of fewer than five people are not shown at all; the others are
    # rounded like counts.
    hidden = members < MIN_GROUP
    return {
        "council_id": council_id,
        "council": title,
        "members": disclose(members),
        "courses": "—" if hidden else disclose(courses or 0),
        "hours": "—" if hidden else disclose(hours or 0),
        "circles": "—" if hidden else disclose(circles or 0),
        "ready": disclose(ready or 0),
        "inactive": disclose(inactive or 0),
    }


def _monthly(completions, now, show):
    """Course completions per month over the last 12 months, from a totals
    row's {"YYYY-MM-01": count}."""
    months = [
        {"month": day, "count": completions.get(day.isoformat(), 0)}
        for day in months_from(first_month(now).date())
    ]
    # Bars drawn from the figures shown: a month shown as "<5" gets none, a
    # rounded one the height of its rounded figure, or heights would give the
    # counts away.
    for month in months:
        month["total"] = show(month["count"])
        month["shown"] = number_shown(month["total"])
    tallest = max((month["shown"] for month in months), default=0) or 1
    for month in months:
        month["height"] = round(CHART_HEIGHT * month["shown"] / tallest)
        month["top"] = CHART_HEIGHT - month["height"] + 8
    return months
