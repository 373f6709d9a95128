"""Periodic housekeeping of accounts."""

from celery import shared_task

from outbox.tasks import RETRY

from . import services


@shared_task(**RETRY)
def prune_sign_in_records():
    """Daily: sign-in records past their retention period are deleted."""
    return services.sign_in_records_prune()
