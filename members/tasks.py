"""Periodic housekeeping of accounts."""

from celery import shared_task

from outbox.tasks import RETRY

from . import services


@shared_task(**RETRY)
def prune_sign_in_records():
    """Daily: sign-in records past their retention period are deleted."""
    return services.sign_in_records_prune()


@shared_task(**RETRY)
def send_password_reset(user_id, *args):
    """The e-mail with a link to choose a new password. The last argument is
    the language; tasks queued by an earlier release carry the protocol and
    domain before it, unused now that the link is made from SITE_URL."""
    return services.password_reset_send(user_id=user_id, language=args[-1])
