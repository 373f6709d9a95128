from celery import shared_task
from django.utils import timezone

from .models import WorkerHeartbeat


@shared_task(bind=True, acks_late=True)
def record_worker_heartbeat(self):
    """Record that a worker is alive and consuming; scheduled every minute by beat."""
    worker = self.request.hostname or "eager"
    WorkerHeartbeat.objects.update_or_create(
        worker=worker, defaults={"seen_at": timezone.now()}
    )
    return worker
