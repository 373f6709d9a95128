from celery import shared_task
from django.db import InterfaceError, OperationalError

from .services import resend_pending

# The options of every task published through the outbox: acknowledged after
# it ran, retried with backoff when the database or the mail server (OSError:
# refused connection, SMTP errors) fails for a while. A task published is
# gone from the outbox, so a failure not retried here is a message lost.
RETRY = {
    "acks_late": True,
    "autoretry_for": (OperationalError, InterfaceError, OSError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(acks_late=True)
def resend_pending_tasks():
    """Every minute from beat: send again the tasks the broker once refused."""
    return resend_pending()
