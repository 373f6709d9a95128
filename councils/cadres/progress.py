"""Per-member progress summaries (``MemberProgress``): the readiness of
``councils.cadres.readiness`` kept per member, so that the cadre dashboard reads
rows (and the council and state totals added up from them,
``councils.cadres.totals``) instead of recomputing anyone's history.

How a row stays true, with no page ever recomputing one:
- whatever changes what readiness looks at marks the member's row stale in the
  same transaction (``councils.signals`` for saved and deleted rows; a bulk
  ``update`` or ``bulk_create`` of those rows by their querysets:
  ``ReadByReadinessQuerySet`` here, ``courses``' ``LearningRowsQuerySet``,
  both ``members.querysets.PersonRowsQuerySet``); beat's catch-up, every
  minute, finds them (``worker_wanted``);
- an editor's change that concerns many members (a course republished, a
  role's requirements) writes one ``ProgressWork`` row: the editor waits for
  nothing else;
- the worker (``progress_catch_up``, one at a time under an advisory lock)
  takes the work rows, marks what they name, recomputes the stale rows in
  batches of members, then the totals of the councils whose rows changed,
  then the states they mark;
- every night ``progress_refresh_all`` recomputes every row and every total
  (months of membership, inactivity and the monthly chart grow with the
  calendar; anything written behind the services' back is caught there) and
  records who became ready.

A refresh locks the rows it recomputes, so a mark made meanwhile waits and
leaves the row stale again: no change is lost between reading and writing.
Until the worker is done, the dashboard shows the last figures, their time and
"actualizando" (``progress_pending``).
"""

from contextlib import contextmanager
from datetime import timedelta

from celery import current_app
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from courses.cache import axes_ordered
from courses.models import Enrollment
from outbox.services import enqueue

from ..models import (
    CouncilProgress,
    MemberProgress,
    Membership,
    ProgressWork,
    ReadyEvent,
    StateProgress,
)
from .readiness import pathway_fresh, readiness_for
from .totals import totals_mark_dirty, totals_refresh

# Members recomputed per transaction: bounds memory and lock time, and stays
# under SQLite's limit on query parameters.
CHUNK = 5000

# Newly ready members told per task (``councils.cadres.tasks.notify_ready``).
READY_BATCH = 200
READY_TASK = "councils.cadres.tasks.notify_ready"
# The worker's catch-up (``progress_catch_up``), named: tasks import services.
REFRESH_TASK = "councils.tasks.refresh_member_progress"
# Recomputations are one at a time (``one_at_a_time``), under this lock.
LOCK_KEY = 26_0001
# A work row taken this long ago by a worker that never finished is free again.
WORK_LEASE = timedelta(hours=2)

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
    """Mark these members' rows stale, creating the missing ones (one query),
    and have a worker recompute them once the caller's transaction commits."""
    MemberProgress.objects.mark_stale(user_ids)
    worker_wanted()


def progress_withdraw(user_id):
    """A member erased or gone: out of every dashboard's rows now, in the
    caller's transaction (names are never shown a moment longer than the
    membership); the totals follow with the worker."""
    councils = list(
        MemberProgress.objects.filter(pk=user_id, council__isnull=False).values_list(
            "council_id", flat=True
        )
    )
    MemberProgress.objects.filter(pk=user_id).update(
        active_member=False, council=None, stale=True
    )
    totals_mark_dirty(councils)
    worker_wanted()


def worker_wanted():
    """Once the caller's transaction commits, the marks are the workers' to
    catch up: beat asks for a catch-up every minute (``progress-catch-up``),
    which finds every mark and work row made since, in one run, however many
    members studied meanwhile; nothing is sent per change, so a member's
    request pays no task. Embedded (tasks run in-process, no beat), the
    catch-up runs right after the commit."""
    if current_app.conf.task_always_eager:
        transaction.on_commit(current_app.tasks[REFRESH_TASK].delay)


def progress_work(kind, course=None):
    """An editor's change concerning many members: one row and one task, in
    the editor's transaction, whatever the number of members. Requirements
    changed twice before a worker takes the row are recomputed once; once
    taken, a change is new work (the worker may have read the old ones)."""
    if kind == ProgressWork.Kind.EVERYONE:
        if ProgressWork.objects.filter(kind=kind, taken_at__isnull=True).exists():
            return
    # The row is the promise, committed with the change; beat's catch-up,
    # within a minute, finds it.
    ProgressWork.objects.create(kind=kind, course=course)
    worker_wanted()


def progress_pending(councils=None, states=None):
    """Whether figures of this scope are being recomputed: work asked for,
    stale member rows, council totals (of ``councils``, a queryset; all for the
    nation) or state totals (of ``states``; all for the nation; none for a
    council) to add up again. Indexed EXISTS, whatever the size, all asked so
    that a page's queries do not depend on the answer."""
    stale = MemberProgress.objects.filter(stale=True)
    dirty = CouncilProgress.objects.filter(dirty=True)
    if councils is not None:
        stale = stale.filter(council__in=councils)
        dirty = dirty.filter(council__in=councils)
    answers = [ProgressWork.objects.exists(), stale.exists(), dirty.exists()]
    if councils is None or states is not None:
        dirty_states = StateProgress.objects.filter(dirty=True)
        if states is not None:
            dirty_states = dirty_states.filter(state__in=states)
        answers.append(dirty_states.exists())
    return any(answers)


def progress_catch_up(today=None):
    """The worker's job after changes: what the work rows ask for, the stale
    rows, then the totals of the councils whose rows changed. One run at a
    time (a second waits for the first, then finds what is left). Returns how
    many members were newly found ready."""
    with one_at_a_time():
        work = _work_take()
        if any(item.kind == ProgressWork.Kind.EVERYONE for item in work):
            found = progress_refresh_all(today=today)
        else:
            for item in work:
                if item.course_id:
                    _course_completers_mark_stale(item.course_id)
            found = progress_refresh(today=today)
            totals_refresh()
        ProgressWork.objects.filter(pk__in=[item.pk for item in work]).delete()
    return found


@contextmanager
def one_at_a_time():
    """A PostgreSQL advisory lock for the length of a recomputation: two
    workers never recompute the same members at once. Held by the session, so
    a worker that dies lets go of it (SQLite: one process, nothing to hold)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])


def _work_take():
    """The work rows nobody took (or taken by a worker gone for longer than
    any recomputation takes), taken now."""
    now = timezone.now()
    free = Q(taken_at__isnull=True) | Q(taken_at__lt=now - WORK_LEASE)
    with transaction.atomic():
        work = list(
            ProgressWork.objects.select_for_update(skip_locked=True)
            .filter(free)
            .order_by("pk")
        )
        ProgressWork.objects.filter(pk__in=[item.pk for item in work]).update(
            taken_at=now
        )
    return work


def _without_a_row():
    """Rows whose ``user_id`` has no progress row: an anti-join (NOT EXISTS).
    ``NOT IN`` a subquery of half a million ids spills out of PostgreSQL's
    hash and compares every row with every row: hours instead of a second."""
    return ~Exists(MemberProgress.objects.filter(pk=OuterRef("user_id")))


def _course_completers_mark_stale(course_id):
    """A course's axis or hours may have changed for everyone who completed
    it: their rows marked stale in one statement, missing rows created."""
    completers = (
        Enrollment.objects.completed().filter(course_id=course_id).values("user_id")
    )
    MemberProgress.objects.filter(stale=False, user_id__in=completers).update(
        stale=True
    )
    missing = list(
        completers.filter(_without_a_row()).values_list("user_id", flat=True)
    )
    for start in range(0, len(missing), CHUNK):
        MemberProgress.objects.mark_stale(missing[start : start + CHUNK])


def progress_refresh(*, everything=False, today=None, tell=True):
    """Recompute the stale rows (every row with ``everything``) in batches of
    CHUNK members, each batch in its own transaction; councils whose rows
    changed are marked for ``totals_refresh``. Returns how many members were
    newly found ready for their next role; ``tell=False`` records them without
    telling anyone (a data set loaded in bulk, as the benchmark's)."""
    rows = MemberProgress.objects.all()
    if not everything:
        rows = rows.filter(stale=True)
    user_ids = list(rows.order_by("pk").values_list("pk", flat=True))
    if not user_ids:
        return 0
    # Read from the database, never the cache: an editor whose process could
    # not reach the cache to forget the old requirements must not have them
    # recomputed by them.
    roles = pathway_fresh()
    axes = axes_ordered()
    today = today or timezone.localdate()
    found = 0
    for start in range(0, len(user_ids), CHUNK):
        chunk = user_ids[start : start + CHUNK]
        # A range, not a list: thousands of ids cost more to send (eight
        # times) than the rows they select.
        within = rows.filter(pk__gte=chunk[0], pk__lte=chunk[-1])
        found += _refresh(within, (chunk[0], chunk[-1]), roles, axes, today, tell)
    return found


def progress_refresh_all(today=None, *, tell=True):
    """Nightly: rows for members who have none (written in bulk elsewhere),
    then every row recomputed (months of membership grow with the calendar),
    then every council's and state's totals; the work asked for before it
    started is done by then. Returns how many became ready."""
    with one_at_a_time():
        asked = [item.pk for item in _work_take()]
        missing = (
            Membership.objects.active()
            .filter(_without_a_row())
            .order_by()
            .values_list("user_id", flat=True)
        )
        ids = list(missing)
        for start in range(0, len(ids), CHUNK):
            MemberProgress.objects.mark_stale(ids[start : start + CHUNK])
        found = progress_refresh(everything=True, today=today, tell=tell)
        totals_refresh(everything=True)
        ProgressWork.objects.filter(pk__in=asked).delete()
    return found


@transaction.atomic
def _refresh(rows, within, roles, axes, today, tell=True):
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
        rows.values("pk"),
        roles=roles,
        axes=axes,
        detail=False,
        today=today,
        within=within,
    )
    changed, cleared, councils = [], [], set()
    for user_id, (was_stale, *old) in locked.items():
        new = _figures(states.get(user_id))
        if new != tuple(old):
            councils.update((old[0], new[0]))
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
    totals_mark_dirty(councils)
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
