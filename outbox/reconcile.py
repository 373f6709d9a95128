"""Reconciliation: what the site promised and does not have is found and
repaired, whatever lost it (a task given up, a message lost before the outbox
kept it, a row restored from a backup without its file).

Each app registers its checks (``register``): a check yields the tasks, with
their arguments, that would repair what it finds missing. ``reconcile`` sends
each one through the outbox unless the same task is already on its way, and
records what it found (``ReconciliationRun``), which ``/salud/`` reports. Every
repair task is idempotent, so a repair sent twice does no harm.

It also sends again the tasks given up (their retries ran out: a notice whose
mail server stayed down for hours) once ``GIVEN_UP_RETRY_AFTER`` has passed:
whatever they promise (a membership decision's e-mail, a digest) is delivered
in the end, or given up again, visibly.

Beat runs it every ten minutes (``outbox.tasks.reconcile``); ``manage.py
reconcile`` runs it on demand (``--dry-run`` only counts).
"""

import itertools
import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import PendingTask, ReconciliationRun
from .services import enqueue, is_unfinished, resend_given_up

logger = logging.getLogger(__name__)

# At most this many repairs per check and run: a big backlog drains over runs.
LIMIT = 500
# Runs kept, for the admin and /salud/.
KEEP_RUNS = 200
# A task given up is sent again this long after (and again after each time).
GIVEN_UP_RETRY_AFTER = timedelta(hours=6)
GIVEN_UP = "tareas abandonadas"

_checks = {}


def register(name, finder):
    """``finder()`` yields ``(task, args)`` pairs: the repairs of one check."""
    _checks[name] = finder


def checks():
    return dict(_checks)


def missing(limit=LIMIT):
    """{check name: [(task, args), …]} of repairs not already on their way."""
    found = {}
    for name, finder in _checks.items():
        found[name] = [
            (task, list(args))
            for task, args in itertools.islice(finder(), limit)
            if not is_unfinished(task.name, args)
        ]
    return found


def reconcile(*, dry_run=False, limit=LIMIT):
    """Send the repairs of everything missing; returns ({check: count}, sent)."""
    found = missing(limit)
    counts = {name: len(repairs) for name, repairs in found.items()}
    cutoff = timezone.now() - GIVEN_UP_RETRY_AFTER
    counts[GIVEN_UP] = PendingTask.objects.filter(failed_at__lte=cutoff).count()
    sent = 0
    if not dry_run:
        sent += resend_given_up(before=cutoff, limit=limit)
        for name, repairs in found.items():
            for task, args in repairs:
                with transaction.atomic():
                    enqueue(task, *args)
                sent += 1
            if repairs:
                logger.warning(
                    "Reconciliation: %s found %s missing; repairs sent",
                    name,
                    len(repairs),
                )
        ReconciliationRun.objects.create(found=counts, sent=sent)
        old = ReconciliationRun.objects.values_list("pk", flat=True)[KEEP_RUNS:]
        ReconciliationRun.objects.filter(pk__in=list(old)).delete()
    return counts, sent


def latest():
    return ReconciliationRun.objects.order_by("-ran_at").first()
