"""The transactional outbox: every task the site sends goes through ``enqueue``.

Why an outbox, rather than trusting the broker: Redis is the broker, and when it
is down a task published after a commit would be lost (the change is committed,
its constancia or e-mail never comes) and the request would fail after the fact.
So ``enqueue`` writes a ``PendingTask`` row in the caller's transaction (it is
committed, or rolled back, with the change itself) and, after the commit,
publishes the task and deletes the row. If the publish fails (at once when Redis
refuses connections, after 2 s when it does not answer: the broker settings in
``cococi_site.settings.base``), the request goes on, the row stays, and
``resend_pending`` sends it once the broker is back (every minute from beat, or
``manage.py resend_pending_tasks``). Only a row committed with the change
survives a web process that dies before Redis is back.

A task may therefore be delivered twice (published, then the row could not be
deleted): every task is idempotent. Without a broker (the embedded mode, tasks
run eagerly in-process) there is nothing to lose and no row is written.
"""

import logging
from datetime import timedelta
from functools import partial

from celery import current_app
from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone

from .models import PendingTask

logger = logging.getLogger(__name__)

# The periodic sweep leaves younger rows alone: their own publish, right after
# their commit, may still be on its way.
RESEND_AFTER = timedelta(seconds=60)


def enqueue(task, *args):
    """Send ``task(*args)`` once the current transaction commits; never lost.

    Arguments must be JSON values (ids, not objects), as for any task here.
    """
    if task.app.conf.task_always_eager:
        transaction.on_commit(partial(task.delay, *args))
        return None
    pending = PendingTask.objects.create(task=task.name, args=list(args))
    transaction.on_commit(partial(_publish, pending.pk, task.name, list(args)))
    return pending


def _publish(pending_id, name, args):
    try:
        current_app.send_task(name, args=args)
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
        PendingTask.objects.filter(pk=pending_id).delete()
    except DatabaseError:
        # Sent, but the row stays: it will be sent once more (tasks are idempotent).
        logger.warning("Task %s sent but its outbox row %s remains", name, pending_id)
    return True


def _record_failure(pending_id, error):
    try:
        PendingTask.objects.filter(pk=pending_id).update(
            attempts=F("attempts") + 1, last_error=str(error)[:500]
        )
    except DatabaseError:
        pass  # the row stays as it was; the sweep will send it all the same


def resend_pending(*, older_than=RESEND_AFTER, limit=500):
    """Publish the tasks left in the outbox; returns how many were sent.

    Each row is locked while it is sent (a second sweep skips it) and deleted in
    the same transaction. The sweep stops at the first refusal: the broker is
    still down, the rest waits for the next sweep.
    """
    cutoff = timezone.now() - older_than
    sent = 0
    ids = list(
        PendingTask.objects.filter(created_at__lte=cutoff).values_list("pk", flat=True)[
            :limit
        ]
    )
    for pending_id in ids:
        with transaction.atomic():
            pending = (
                PendingTask.objects.select_for_update(skip_locked=True)
                .filter(pk=pending_id)
                .first()
            )
            if pending is None:
                continue  # sent meanwhile, or being sent by another sweep
            try:
                current_app.send_task(pending.task, args=pending.args)
            except Exception as error:  # the broker is still unavailable
                pending.attempts += 1
                pending.last_error = str(error)[:500]
                pending.save(update_fields=["attempts", "last_error"])
                logger.warning("Outbox: the broker still refuses tasks (%s)", error)
                break
            pending.delete()
            sent += 1
    return sent
