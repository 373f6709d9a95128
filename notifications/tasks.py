from celery import shared_task

from outbox import reconcile
from outbox.tasks import RETRY

from . import phone, services


@shared_task(**RETRY)
def deliver(notice_id):
    """Send one notice if and when it should go (``services.deliver``)."""
    return services.deliver(notice_id)


@shared_task(**RETRY)
def deliver_batch(notice_ids):
    """Send a batch of notices (``services.notify_many``), each once."""
    return services.deliver_batch(notice_ids)


@shared_task(acks_late=True)
def send_due_notices():
    """Every five minutes from beat: the held notices whose hour has come
    (and phone codes a day past their end are forgotten)."""
    sent, failed = services.send_due()
    return {"sent": sent, "failed": failed, "codes_pruned": phone.codes_prune()}


def unsent_notices():
    """Reconciliation check: notices pending with no task on its way."""
    for notice_id in services.unsent():
        yield deliver, [notice_id]


def connect():
    """Register the reconciliation check (from ``NotificationsConfig.ready``)."""
    reconcile.register("avisos sin enviar", unsent_notices)
