"""The transactional outbox: every task the site sends goes through ``enqueue``,
and a task is done when a worker has finished it, not when it was published.

Why: Redis is the broker, and Redis loses what it holds when it restarts
without persistence, when someone empties it, or when a message is taken by a
worker that dies. PostgreSQL, which the site needs anyway, keeps the truth:

1. ``enqueue`` writes a ``PendingTask`` row in the caller's transaction (it is
   committed, or rolled back, with the change itself) and, after the commit,
   publishes the task under the id ``outbox-<row>``. If the publish fails (at
   once when Redis refuses connections, after 2 s when it does not answer: the
   broker settings in ``cococi_site.settings.base``), the request goes on and the
   row waits.
2. A worker that takes the task, retries it, finishes it or gives it up says so
   on the row (``outbox.signals``): started and retried tasks move ``due_at``
   on; a finished task's row is deleted; a task whose retries ran out is marked
   ``failed_at`` and stays, visible.
3. ``resend_pending`` (beat, every minute; ``manage.py resend_pending_tasks``)
   publishes again every row that is due: never sent, or sent and not heard of
   by ``due_at`` (``OUTBOX_LEASE_SECONDS`` after it was sent or last taken).

A task may therefore run twice (a slow task sent again, a worker that finished
but could not delete the row), never not at all: every task is idempotent.
Without a broker (the embedded mode, tasks run eagerly in-process) there is
nothing to lose and no row is written.
"""

import hashlib
import json
import logging
from datetime import timedelta
from functools import partial

from celery import current_app
from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import Delivery, PendingTask

logger = logging.getLogger(__name__)

# A row never sent is left to its own publish, right after its commit, this long.
RESEND_AFTER = timedelta(seconds=60)
ID_PREFIX = "outbox-"


def lease():
    """How long a sent task may go unheard of before it is sent again: longer
    than a task waits in the queue and runs, on a busy day."""
    return timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)


def task_key(name, args):
    raw = json.dumps([name, list(args)], sort_keys=True)
    return hashlib.sha256(raw.encode()).hexdigest()


def enqueue(task, *args):
    """Run ``task(*args)`` once the current transaction commits; never lost.

    ``task`` is a task, or its registered name: a service whose task calls it
    back names the task (``"courses.tasks.issue_certificate"``), for a tasks
    module imports its services, never the other way round. Arguments must be
    JSON values (ids, not objects), as for any task here.
    """
    if isinstance(task, str):
        name, app = task, current_app
    else:
        name, app = task.name, task.app
    if app.conf.task_always_eager:
        # A task named is registered: its app's ready() imports its module.
        task = app.tasks[name] if isinstance(task, str) else task
        transaction.on_commit(partial(task.delay, *args))
        return None
    pending = PendingTask.objects.create(
        task=name, args=list(args), key=task_key(name, args)
    )
    transaction.on_commit(partial(_publish, pending.pk, name, list(args)))
    return pending


def is_unfinished(name, args):
    """A task with these arguments is recorded and not finished (nor given up)."""
    return PendingTask.objects.filter(
        key=task_key(name, args), failed_at__isnull=True
    ).exists()


def _publish(pending_id, name, args):
    try:
        current_app.send_task(name, args=args, task_id=f"{ID_PREFIX}{pending_id}")
    except Exception as error:  # kombu wraps each transport's errors differently
        logger.warning(
            "Broker unavailable: task %s%s kept in the outbox for later (%s)",
            name,
            tuple(args),
            error,
        )
        _record_failure(pending_id, error)
        return False
    try:
        now = timezone.now()
        PendingTask.objects.filter(pk=pending_id, published_at__isnull=True).update(
            published_at=now, due_at=now + lease()
        )
    except DatabaseError:
        # Sent; the row says "never sent" and it will be sent once more.
        logger.warning(
            "Task %s sent but its outbox row %s not updated", name, pending_id
        )
    return True


def _record_failure(pending_id, error):
    try:
        PendingTask.objects.filter(pk=pending_id).update(
            attempts=F("attempts") + 1, last_error=str(error)[:500]
        )
    except DatabaseError:
        pass  # the row stays as it was; the sweep will send it all the same


def due(now=None, older_than=RESEND_AFTER):
    """Rows to publish again: never sent (and older than ``older_than``), or
    sent and not heard of by their ``due_at``; never those given up."""
    now = now or timezone.now()
    return PendingTask.objects.filter(failed_at__isnull=True).filter(
        Q(published_at__isnull=True, created_at__lte=now - older_than)
        | Q(due_at__lte=now)
    )


def resend_pending(*, older_than=RESEND_AFTER, limit=500, failed=False):
    """Publish the tasks that are due (with ``failed``, those given up too);
    returns how many were sent."""
    rows = due(timezone.now(), older_than)
    if failed:
        rows = rows | PendingTask.objects.filter(failed_at__isnull=False)
    return _send_again(rows, limit)


def resend_given_up(*, before, limit=500):
    """Send again the tasks given up before ``before`` (the reconciliation's
    second chance for them); returns how many were sent."""
    return _send_again(PendingTask.objects.filter(failed_at__lte=before), limit)


def _send_again(rows, limit):
    """Publish ``rows`` again, oldest first. Each row is locked while it is sent
    (a second sweep skips it). Stops at the first refusal: the broker is still
    down, the rest waits for the next sweep."""
    ids = list(rows.order_by("created_at", "pk").values_list("pk", flat=True)[:limit])
    sent = 0
    for pending_id in ids:
        with transaction.atomic():
            pending = (
                PendingTask.objects.select_for_update(skip_locked=True)
                .filter(pk=pending_id)
                .first()
            )
            if pending is None:
                continue  # finished meanwhile, or being sent by another sweep
            try:
                current_app.send_task(
                    pending.task, args=pending.args, task_id=pending.celery_id
                )
            except Exception as error:  # the broker is still unavailable
                pending.attempts += 1
                pending.last_error = str(error)[:500]
                pending.save(update_fields=["attempts", "last_error"])
                logger.warning("Outbox: the broker still refuses tasks (%s)", error)
                break
            sent_at = timezone.now()
            pending.published_at = sent_at
            pending.due_at = sent_at + lease()
            pending.failed_at = None
            pending.save(update_fields=["published_at", "due_at", "failed_at"])
            sent += 1
    return sent


def summary(now=None):
    """Counts for ``/salud/``: unfinished tasks, those given up, and the age in
    seconds of the oldest one still expected (None when there is none)."""
    now = now or timezone.now()
    rows = PendingTask.objects.all()
    oldest = (
        rows.filter(failed_at__isnull=True)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return {
        "unfinished_tasks": rows.filter(failed_at__isnull=True).count(),
        "failed_tasks": rows.filter(failed_at__isnull=False).count(),
        "oldest_task_seconds": int((now - oldest).total_seconds()) if oldest else None,
    }


class NotSent(Exception):
    """``send_once`` did not send: already sent, or being sent by another run."""


def send_once(key, send):
    """Call ``send()`` (hand a message to the mail server or a provider) at most
    once for ``key``, however often and however concurrently the task runs;
    returns what ``send()`` returned, or raises ``NotSent``.

    1. The delivery is claimed in its own committed statement; a run that finds
       it claimed or sent sends nothing.
    2. ``send()`` runs outside any transaction. If it fails (the mail server
       refuses), the claim is released and the error raised: the task's retry
       sends it.
    3. ``sent_at`` is written. If the database is gone by then, the claim stays
       and counts as sent: the retry sends nothing more.
    """
    now = timezone.now()
    delivery, _created = Delivery.objects.get_or_create(key=key)
    claimed = Delivery.objects.filter(
        pk=delivery.pk, claimed_at__isnull=True, sent_at__isnull=True
    ).update(claimed_at=now)
    if not claimed:
        raise NotSent(key)
    try:
        result = send()
    except BaseException:
        try:
            Delivery.objects.filter(pk=delivery.pk).update(claimed_at=None)
        except DatabaseError as error:
            # Not sent, and the claim stays: listed for a person to check.
            logger.error("Delivery %s not sent and still claimed (%s)", key, error)
        raise
    try:
        Delivery.objects.filter(pk=delivery.pk).update(sent_at=timezone.now())
    except DatabaseError as error:
        logger.warning("Delivery %s sent; could not record it (%s)", key, error)
    return result


def sent_at(key):
    """When the delivery ``key`` was sent (or claimed, when its sending could not
    be recorded), or None."""
    delivery = Delivery.objects.filter(key=key, claimed_at__isnull=False).first()
    return (delivery.sent_at or delivery.claimed_at) if delivery else None


# What a worker says about a task it runs (connected in outbox.signals).


def _row_id(task_id):
    if not task_id or not str(task_id).startswith(ID_PREFIX):
        return None
    try:
        return int(str(task_id)[len(ID_PREFIX) :])
    except ValueError:
        return None


def _quietly(update):
    try:
        update()
    except DatabaseError as error:
        # The database is down: the row stays as it was and the sweep sends the
        # task again once it is due, which an idempotent task survives.
        logger.warning("Outbox: could not record a task's progress (%s)", error)


def task_started(task_id):
    row = _row_id(task_id)
    if row is not None:
        now = timezone.now()
        _quietly(
            lambda: PendingTask.objects.filter(pk=row).update(
                started_at=now, due_at=now + lease()
            )
        )


def task_retried(task_id, error, when):
    """Retried at ``when`` (a datetime or seconds from now)."""
    row = _row_id(task_id)
    if row is None:
        return
    now = timezone.now()
    if isinstance(when, int | float):
        when = now + timedelta(seconds=when)
    elif when is None or timezone.is_naive(when):
        when = now
    _quietly(
        lambda: PendingTask.objects.filter(pk=row).update(
            attempts=F("attempts") + 1,
            last_error=str(error)[:500],
            due_at=max(when, now) + lease(),
        )
    )


def task_finished(task_id):
    row = _row_id(task_id)
    if row is not None:
        _quietly(lambda: PendingTask.objects.filter(pk=row).delete())


def task_given_up(task_id, error):
    row = _row_id(task_id)
    if row is not None:
        logger.error("Outbox: task %s given up after its retries: %s", task_id, error)
        _quietly(
            lambda: PendingTask.objects.filter(pk=row).update(
                failed_at=timezone.now(),
                attempts=F("attempts") + 1,
                last_error=str(error)[:500],
            )
        )
