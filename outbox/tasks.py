from celery import shared_task

from .services import resend_pending


@shared_task(acks_late=True)
def resend_pending_tasks():
    """Every minute from beat: send again the tasks the broker once refused."""
    return resend_pending()
