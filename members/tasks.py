"""Periodic housekeeping of accounts."""

from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def prune_sign_in_records():
    """Daily: sign-in records past their retention period are deleted."""
    return services.sign_in_records_prune()
