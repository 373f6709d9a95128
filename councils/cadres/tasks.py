"""The cadre pathway's Celery tasks. Their names are those they had in
``councils.tasks``: the beat schedule and the outbox's rows store task names."""

from celery import shared_task

from outbox.tasks import RETRY

from .progress import progress_catch_up
from .services import digests_send, ready_members_detect, ready_notify


@shared_task(name="councils.tasks.refresh_member_progress", **RETRY)
def refresh_member_progress():
    """Soon after a change: what editors' changes asked for, the stale
    progress rows, and the totals of the councils and states they change."""
    return progress_catch_up()


@shared_task(name="councils.tasks.detect_ready_members", **RETRY)
def detect_ready_members():
    """Daily: recompute every member's progress and record who became ready
    for their next role."""
    return ready_members_detect()


@shared_task(name="councils.tasks.send_weekly_digests", **RETRY)
def send_weekly_digests():
    """Weekly: each council leader's digest (new members, completions, members
    ready for their next role, members inactive for 30 days)."""
    ready_members_detect()
    return digests_send()


@shared_task(**RETRY)
def notify_ready(pairs):
    """Tell members newly ready for a role, and their councils' leaders
    (``pairs``: [user id, role id], a batch recorded by a progress refresh)."""
    return ready_notify(pairs)
