"""Council and state totals (``CouncilProgress``, ``StateProgress``): what the
cadre dashboard shows of a council, a state or the nation, added up by a worker
from the members' progress rows, so that a page reads one row per state or per
council shown, never the members under them.

How they stay true:
- a progress refresh that changes a member's row marks the council it left and
  the council it is in ``dirty``, in the same transaction
  (``councils.cadres.progress``);
- ``totals_refresh`` then adds up the dirty councils again, in batches, each
  batch's rows locked meanwhile: a refresh that marks one of them dirty waits
  for the lock and leaves it dirty again, so no change is lost; then every
  state is added up from its councils;
- every night every council is added up again (inactivity and the monthly
  chart move with the calendar).
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from courses.cache import axes_ordered
from courses.models import Enrollment

from ..models import CouncilPage, CouncilProgress, MemberProgress, State, StateProgress
from .readiness import inactive_q

# Councils added up per transaction: bounds lock time and query size.
BATCH = 500
MONTHS = 12
FIGURES = [
    "members",
    "ready",
    "courses",
    "hours",
    "circles",
    "inactive",
    "by_axis",
    "by_role",
    "monthly",
    "computed_at",
]
SUMMED = ["members", "ready", "courses", "hours", "circles", "inactive"]


def first_month(now, months=MONTHS):
    """The local midnight of the first day of the month ``months - 1`` months
    before ``now``'s: where a chart of ``months`` months starts."""
    local = timezone.localtime(now)
    year, month = divmod(local.year * 12 + local.month - 1 - (months - 1), 12)
    return local.replace(
        year=year, month=month + 1, day=1, hour=0, minute=0, second=0, microsecond=0
    )


def months_from(first, months=MONTHS):
    """The first day of each of ``months`` months from ``first`` (a date)."""
    found = []
    cursor = first
    for _position in range(months):
        found.append(cursor)
        cursor = (cursor.replace(day=28) + timedelta(days=4)).replace(day=1)
    return found


def totals_mark_dirty(council_ids):
    """In the caller's transaction: these councils are to be added up again."""
    ids = sorted({pk for pk in council_ids if pk})
    if ids:
        CouncilProgress.objects.bulk_create(
            [CouncilProgress(council_id=pk, dirty=True) for pk in ids],
            update_conflicts=True,
            unique_fields=["council"],
            update_fields=["dirty"],
        )


def totals_refresh(*, everything=False, now=None):
    """Add up the dirty councils (every council with ``everything``), then
    every state. Returns how many councils were added up."""
    now = now or timezone.now()
    if everything:
        ids = list(CouncilPage.objects.order_by("pk").values_list("pk", flat=True))
    else:
        ids = list(
            CouncilProgress.objects.filter(dirty=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    axes = axes_ordered()
    for start in range(0, len(ids), BATCH):
        _councils_add_up(ids[start : start + BATCH], axes, now)
    if ids or StateProgress.objects.filter(dirty=True).exists():
        states_add_up()
    return len(ids)


@transaction.atomic
def _councils_add_up(ids, axes, now):
    CouncilProgress.objects.bulk_create(
        [CouncilProgress(council_id=pk) for pk in ids], ignore_conflicts=True
    )
    # Locked until the new totals are written: a member refresh marking one of
    # these dirty meanwhile waits, and its mark stays.
    list(
        CouncilProgress.objects.select_for_update()
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    rows = MemberProgress.objects.filter(active_member=True, council_id__in=ids)
    totals = {
        pk: CouncilProgress(council_id=pk, computed_at=now, dirty=False) for pk in ids
    }
    for row in (
        rows.values("council_id")
        .annotate(
            n=Count("pk"),
            n_ready=Count("pk", filter=Q(ready=True)),
            n_courses=Sum("courses"),
            n_hours=Sum("hours"),
            n_circles=Sum("circles_attended"),
            n_inactive=Count("pk", filter=inactive_q(now)),
            **{
                f"axis_{axis.pk}": Count(
                    "pk", filter=Q(courses_by_axis__has_key=str(axis.pk))
                )
                for axis in axes
            },
        )
        .order_by()
    ):
        total = totals[row["council_id"]]
        total.members = row["n"]
        total.ready = row["n_ready"]
        total.courses = row["n_courses"] or 0
        total.hours = round(row["n_hours"] or 0, 2)
        total.circles = row["n_circles"] or 0
        total.inactive = row["n_inactive"]
        total.by_axis = {
            str(axis.pk): row[f"axis_{axis.pk}"]
            for axis in axes
            if row[f"axis_{axis.pk}"]
        }
    for council_id, role_id, members, ready in (
        rows.values("council_id", "current_role_id")
        .annotate(n=Count("pk"), n_ready=Count("pk", filter=Q(ready=True)))
        .values_list("council_id", "current_role_id", "n", "n_ready")
        .order_by()
    ):
        totals[council_id].by_role[str(role_id or "")] = [members, ready]
    for council_id, month, completed in (
        Enrollment.objects.filter(
            completed_at__gte=first_month(now),
            user__cadre_progress__active_member=True,
            user__cadre_progress__council_id__in=ids,
        )
        .annotate(month=TruncMonth("completed_at"))
        .values("user__cadre_progress__council_id", "month")
        .annotate(n=Count("pk"))
        .values_list("user__cadre_progress__council_id", "month", "n")
        .order_by()
    ):
        day = month.date() if hasattr(month, "date") else month
        totals[council_id].monthly[day.isoformat()] = completed
    CouncilProgress.objects.bulk_create(
        list(totals.values()),
        update_conflicts=True,
        unique_fields=["council"],
        update_fields=[*FIGURES, "dirty"],
    )
    # Their states are to be added up again: said in this transaction, so a
    # worker lost before adding them up leaves the mark for the next one.
    states = CouncilPage.objects.filter(pk__in=ids, state__isnull=False)
    states_mark_dirty(states.values_list("state_id", flat=True))


def states_mark_dirty(state_ids):
    """In the caller's transaction: these states are to be added up again."""
    StateProgress.objects.bulk_create(
        [StateProgress(state_id=pk, dirty=True) for pk in sorted(set(state_ids))],
        update_conflicts=True,
        unique_fields=["state"],
        update_fields=["dirty"],
    )


@transaction.atomic
def states_add_up():
    """Every state from its councils' totals (a few thousand short rows)."""
    StateProgress.objects.bulk_create(
        [
            StateProgress(state_id=pk)
            for pk in State.objects.values_list("pk", flat=True)
        ],
        ignore_conflicts=True,
    )
    # One state refresh at a time: a later one waits, then reads the newer
    # council totals, so an older sum never overwrites a newer one.
    states = {
        state.pk: _emptied(state)
        for state in StateProgress.objects.select_for_update().order_by("pk")
    }
    for state_id, *values in CouncilProgress.objects.annotate(
        state_id=F("council__state_id")
    ).values_list("state_id", *FIGURES):
        if state_id in states:
            _add(states[state_id], dict(zip(FIGURES, values, strict=True)))
    for state in states.values():
        state.dirty = False
    StateProgress.objects.bulk_update(list(states.values()), [*FIGURES, "dirty"])


def national_totals():
    """The nation's totals, added up from the states' (one query); None before
    any were computed."""
    states = list(StateProgress.objects.values(*FIGURES))
    if not states:
        return None
    nation = _emptied(StateProgress())
    for figures in states:
        _add(nation, figures)
    return nation


def _emptied(totals):
    for name in SUMMED:
        setattr(totals, name, 0)
    totals.by_axis, totals.by_role, totals.monthly = {}, {}, {}
    totals.computed_at = None
    return totals


def _add(totals, figures):
    """Add ``figures`` (a dict of FIGURES) into ``totals``; its time is the
    oldest of those added."""
    for name in SUMMED:
        setattr(totals, name, getattr(totals, name) + figures[name])
    totals.hours = round(totals.hours, 2)
    for name in ("by_axis", "monthly"):
        into = getattr(totals, name)
        for key, value in figures[name].items():
            into[key] = into.get(key, 0) + value
    for role_id, (members, ready) in figures["by_role"].items():
        held = totals.by_role.setdefault(role_id, [0, 0])
        held[0] += members
        held[1] += ready
    moment = figures["computed_at"]
    if moment and (totals.computed_at is None or moment < totals.computed_at):
        totals.computed_at = moment
