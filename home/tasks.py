from celery import shared_task
from django.utils import timezone

from outbox.tasks import RETRY

from . import sharing
from .models import WorkerHeartbeat


@shared_task(bind=True, acks_late=True)
def record_worker_heartbeat(self):
    """Record that a worker is alive and consuming; scheduled every minute by beat."""
    worker = self.request.hostname or "eager"
    WorkerHeartbeat.objects.update_or_create(
        worker=worker, defaults={"seen_at": timezone.now()}
    )
    return worker


@shared_task(**RETRY)
def make_share_rendition(image_id):
    """The 1200×630 picture a shared link of a page shows, made off the request
    path after the page is published (``home.sharing``)."""
    return sharing.make_rendition(image_id)
