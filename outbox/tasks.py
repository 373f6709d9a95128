from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from . import reconcile as reconciliation
from .services import resend_pending

# The options of every task published through the outbox: acknowledged after
# it ran, retried with capped exponential backoff when the database, the mail
# server or a provider fails for a while (OSError: refused connections, SMTP
# errors). Waits grow 1, 2, 4 … seconds up to ten minutes, each drawn at random
# below its bound (jitter), and the task is retried 100 times: about eight
# hours in all, longer than any outage worth waiting out. Then it is given up
# visibly (its outbox row stays, marked, and /salud/ counts it); the
# reconciliation repairs what it should have made.
RETRY = {
    "acks_late": True,
    "autoretry_for": (OperationalError, InterfaceError, OSError),
    "retry_backoff": True,
    "retry_backoff_max": settings.TASK_RETRY_BACKOFF_MAX,
    "retry_jitter": True,
    "max_retries": 100,
}


@shared_task(acks_late=True)
def resend_pending_tasks():
    """Every minute from beat: send again the tasks that are due (never sent,
    or sent and not heard of)."""
    return resend_pending()


@shared_task(acks_late=True)
def reconcile():
    """Every ten minutes from beat: find what should exist and does not (a
    constancia, its PDF or e-mail, a booklet, a notice) and send its repair."""
    found, sent = reconciliation.reconcile()
    return {"found": found, "sent": sent}
