from celery import current_app as celery_app
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

from .models import WorkerHeartbeat


def _check_database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return "error"
    return "ok"


def _check_cache():
    try:
        cache.set("health:probe", "1", timeout=10)
        return "ok" if cache.get("health:probe") == "1" else "error"
    except Exception:  # any backend failure (connection refused, timeout) means down
        return "error"


def _check_broker():
    if celery_app.conf.task_always_eager:
        return "eager"
    try:
        with Connection(celery_app.conf.broker_url, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1)
    except Exception:  # kombu raises transport-specific errors
        return "error"
    return "ok"


def _last_worker_heartbeat():
    try:
        beat = WorkerHeartbeat.objects.order_by("-seen_at").first()
    except DatabaseError:
        return None
    return beat.seen_at.isoformat() if beat else None


@never_cache
@require_GET
def health(request):
    """Database, cache and broker status as JSON; 503 when the database is down."""
    database = _check_database()
    report = {
        "database": database,
        "cache": _check_cache(),
        "broker": _check_broker(),
        "worker_last_seen": _last_worker_heartbeat() if database == "ok" else None,
    }
    healthy = database == "ok" and "error" not in report.values()
    report["status"] = "ok" if healthy else "error"
    return JsonResponse(report, status=200 if database == "ok" else 503)
