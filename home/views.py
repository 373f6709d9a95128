import re
from urllib.parse import urlencode

from celery import current_app as celery_app
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection
from wagtail.models import Page

from courses.models.pages import without_unpublished_courses
from outbox.models import PendingTask

from .models import HomePage, WorkerHeartbeat


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


def _pending_tasks():
    """Tasks waiting in the outbox for the broker to accept them."""
    try:
        return PendingTask.objects.count()
    except DatabaseError:
        return None


def _last_worker_heartbeat():
    try:
        beat = WorkerHeartbeat.objects.order_by("-seen_at").first()
    except DatabaseError:
        return None
    return beat.seen_at.isoformat() if beat else None


@never_cache
@require_GET
def health(request):
    """Database, cache and broker status as JSON; 503 when the database is down.

    ``pending_tasks`` counts the tasks kept in the outbox because the broker
    refused them: it grows while Redis is down and empties when it is back."""
    database = _check_database()
    report = {
        "database": database,
        "cache": _check_cache(),
        "broker": _check_broker(),
        "worker_last_seen": _last_worker_heartbeat() if database == "ok" else None,
        "pending_tasks": _pending_tasks() if database == "ok" else None,
    }
    healthy = database == "ok" and "error" not in report.values()
    report["status"] = "ok" if healthy else "error"
    return JsonResponse(report, status=200 if database == "ok" else 503)


SEARCH_PAGE_SIZE = 10
MAX_QUERY_LENGTH = 200


def search(request):
    """Site search over published, public pages (courses, lessons, materials…)."""
    # Words only: operators and quotes mean nothing to members and some break the
    # SQLite full-text parser; NUL bytes break PostgreSQL.
    words = re.sub(r"[^\w\s]|_", " ", request.GET.get("q", "")[: MAX_QUERY_LENGTH * 2])
    query = " ".join(words.split())[:MAX_QUERY_LENGTH]
    results_page = None
    if query:
        pages = without_unpublished_courses(Page.objects.live().public())
        results = pages.not_type(HomePage).specific().search(query)
        results_page = Paginator(results, SEARCH_PAGE_SIZE).get_page(
            request.GET.get("pagina")
        )
    return TemplateResponse(
        request,
        "home/search.html",
        {
            "query": query,
            "results_page": results_page,
            "search_query": "?" + urlencode({"q": query}) + "&",
        },
    )
