"""Per-member progress summaries (``MemberProgress``): the readiness of
``councils.cadres.readiness`` kept per member, so that a state's or the nation's
dashboard adds up rows in SQL instead of recomputing fifty thousand histories.

How a row stays true:
- whatever changes what readiness looks at marks the member's row stale in the
  same transaction (``councils.signals`` for saved and deleted rows; a bulk
  ``update`` or ``bulk_create`` of those rows by their querysets:
  ``ReadByReadinessQuerySet`` here, ``courses``' ``LearningRowsQuerySet``,
  both ``members.querysets.PersonRowsQuerySet``);
- the dashboard recomputes the stale rows of its scope before reading
  (``progress_refresh``), and so does a task after a change of requirements;
- every night ``progress_refresh_all`` recomputes every row (months of
  membership grow with the calendar; anything written behind the services'
  back is caught there) and records who became ready.

A refresh locks the rows it recomputes, so a mark made meanwhile waits and
leaves the row stale again: no change is lost between reading and writing.
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from courses.cache import axes_ordered
from outbox.services import enqueue

from ..models import MemberProgress, Membership, ReadyEvent
from .readiness import pathway, readiness_for

# Members recomputed per transaction: bounds memory and lock time, and stays
# under SQLite's limit on query parameters.
CHUNK = 5000

# Newly ready members told per task (``councils.cadres.tasks.notify_ready``).
READY_BATCH = 200
READY_TASK = "councils.cadres.tasks.notify_ready"

# The figures of a row, in the order ``_figures`` gives them.
COMPARED = [
    "council_id",
    "active_member",
    "courses",
    "courses_by_axis",
    "hours",
    "circles_attended",
    "last_activity",
    "current_role_id",
    "next_role_id",
    "readiness",
    "ready",
]
FIELDS = [*COMPARED, "stale", "changed_on"]


def progress_mark_stale(user_ids):
    """Mark these members' rows stale, creating the missing ones (one query)."""
    MemberProgress.objects.mark_stale(user_ids)


def progress_mark_all_stale():
    """After a change of requirements: every row is recomputed when read."""
    MemberProgress.objects.filter(stale=False).update(stale=True)


def progress_refresh(
    members=None, councils=None, *, everything=False, today=None, tell=True
):
    """Recompute the stale rows (every row with ``everything``) of the members
    of a scope: ``members`` a subquery of user ids and ``councils`` a queryset
    of its councils (a member who left is still counted there until the row is
    recomputed); both None for the nation. Returns how many members were newly
    found ready for their next role; ``tell=False`` records them without
    telling anyone (a data set loaded in bulk, as the benchmark's)."""
    rows = MemberProgress.objects.all()
    if members is not None:
        rows = rows.filter(Q(user_id__in=members) | Q(council__in=councils))
    if not everything:
        rows = rows.filter(stale=True)
    user_ids = list(rows.order_by("pk").values_list("pk", flat=True))
    if not user_ids:
        return 0
    roles = pathway()
    axes = axes_ordered()
    today = today or timezone.localdate()
    found = 0
    for start in range(0, len(user_ids), CHUNK):
        chunk = user_ids[start : start + CHUNK]
        # A range, not a list: thousands of ids cost more to send (eight
        # times) than the rows they select.
        within = rows.filter(pk__gte=chunk[0], pk__lte=chunk[-1])
        found += _refresh(within, roles, axes, today, tell)
    return found


def progress_refresh_all(today=None, *, tell=True):
    """Nightly: rows for members who have none (written in bulk elsewhere),
    then every row recomputed (months of membership grow with the calendar).
    Returns how many became ready."""
    missing = (
        Membership.objects.active()
        .exclude(user_id__in=MemberProgress.objects.values("pk"))
        .values_list("user_id", flat=True)
    )
    ids = list(missing)
    for start in range(0, len(ids), CHUNK):
        progress_mark_stale(ids[start : start + CHUNK])
    return progress_refresh(everything=True, today=today, tell=tell)


@transaction.atomic
def _refresh(rows, roles, axes, today, tell=True):
    """Recompute ``rows``, locked meanwhile: a row marked stale while this runs
    either waits for the lock (and stays stale after it) or was not locked here
    (and is left alone, still stale). Only rows whose figures changed are
    written; unchanged stale rows are just cleared."""
    locked = {
        pk: values
        for pk, *values in rows.select_for_update()
        .order_by("pk")
        .values_list("pk", "stale", *COMPARED)
    }
    states = readiness_for(
        rows.values("pk"), roles=roles, axes=axes, detail=False, today=today
    )
    changed, cleared = [], []
    for user_id, (was_stale, *old) in locked.items():
        new = _figures(states.get(user_id))
        if new != tuple(old):
            changed.append(
                MemberProgress(
                    user_id=user_id,
                    **dict(zip(COMPARED, new, strict=True)),
                    stale=False,
                    changed_on=today,
                )
            )
        elif was_stale:
            cleared.append(user_id)
    if changed:
        MemberProgress.objects.bulk_create(
            changed, update_conflicts=True, unique_fields=["user"], update_fields=FIELDS
        )
    if cleared:
        MemberProgress.objects.filter(pk__in=cleared).update(stale=False)
    return _ready_events_record(changed, tell)


def _figures(state):
    """The COMPARED values of a member's row; no facts at all: not a member."""
    if state is None:
        return (None, False, 0, {}, 0.0, 0, None, None, None, 0, False)
    facts = state.facts
    active = facts.active_member
    return (
        facts.council_id if active else None,
        active,
        facts.courses_completed,
        {
            str(axis_id): total
            for axis_id, total in sorted(
                facts.courses_by_axis.items(), key=lambda item: str(item[0])
            )
            if axis_id is not None and total
        },
        round(facts.hours, 2),
        facts.circles_attended,
        facts.last_activity,
        state.current_role.pk if state.current_role else None,
        state.next_role.pk if state.next_role else None,
        state.percent,
        state.ready,
    )


def _ready_events_record(rows, tell=True):
    """One event per member and role, the first time they are seen ready."""
    events = [
        ReadyEvent(
            user_id=row.user_id, role_id=row.next_role_id, council_id=row.council_id
        )
        for row in rows
        if row.ready and row.next_role_id and row.active_member and row.council_id
    ]
    if not events:
        return 0
    # bulk_create(ignore_conflicts=True) returns every object passed, conflicts
    # included: leave out the events already recorded to count the new ones.
    known = set(
        ReadyEvent.objects.filter(
            user_id__in=[event.user_id for event in events]
        ).values_list("user_id", "role_id")
    )
    events = [event for event in events if (event.user_id, event.role_id) not in known]
    ReadyEvent.objects.bulk_create(events, ignore_conflicts=True)
    # Told by a worker after the commit, in batches: the member and her
    # council's leaders (``councils.cadres.services.ready_notify``).
    pairs = [[event.user_id, event.role_id] for event in events] if tell else []
    for start in range(0, len(pairs), READY_BATCH):
        enqueue(READY_TASK, pairs[start : start + READY_BATCH])
    return len(events)
