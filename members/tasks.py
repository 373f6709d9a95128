"""Periodic housekeeping of accounts."""

from celery import shared_task

from outbox.tasks import RETRY

from . import services


@shared_task(**RETRY)
def prune_sign_in_records():
    """Daily: sign-in records past their retention period are deleted."""
    return services.sign_in_records_prune()


@shared_task(**RETRY)
def send_password_reset(user_id, protocol, domain, language):
    """The e-mail with a link to choose a new password."""
    return services.password_reset_send(
        user_id=user_id, protocol=protocol, domain=domain, language=language
    )
