import re
from datetime import timedelta
from urllib.parse import urlencode

import redis
from celery import current_app as celery_app
from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection
from wagtail.models import Page

from courses.models import LessonPage
from courses.models.pages import without_unpublished_courses
from outbox import reconcile
from outbox import services as outbox

from .models import HomePage, WorkerHeartbeat

# /salud/ answers within about half a second whatever is down: each probe of
# Redis gives up after this long.
PROBE_TIMEOUT = 0.2
# Beat records a heartbeat every minute: a worker unseen for longer is stale.
WORKER_STALE_AFTER = timedelta(minutes=3)
# A task still unfinished after this long means the workers are not keeping up.
TASK_LATE_AFTER = timedelta(minutes=15)


def _check_database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return "error"
    return "ok"


def _ping_redis(url):
    try:
        client = redis.Redis.from_url(
            url,
            socket_connect_timeout=PROBE_TIMEOUT,
            socket_timeout=PROBE_TIMEOUT,
            retry_on_timeout=False,
        )
        try:
            return "ok" if client.ping() else "error"
        finally:
            client.close()
    except Exception:  # refused, timed out, wrong password: all mean "error"
        return "error"


def _check_cache():
    location = settings.CACHES["default"].get("LOCATION", "")
    if not str(location).startswith("redis"):
        try:
            cache.set("health:probe", "1", timeout=10)
            return "ok" if cache.get("health:probe") == "1" else "error"
        except Exception:  # any backend failure means down
            return "error"
    return _ping_redis(location)


def _check_broker():
    if celery_app.conf.task_always_eager:
        return "eager"
    url = celery_app.conf.broker_url
    if str(url).startswith("redis"):
        return _ping_redis(url)
    try:
        with Connection(url, connect_timeout=PROBE_TIMEOUT) as conn:
            conn.ensure_connection(max_retries=1)
    except Exception:  # kombu raises transport-specific errors
        return "error"
    return "ok"


def _workers(now):
    """When a worker was last seen, and whether that is recent enough."""
    beat = WorkerHeartbeat.objects.order_by("-seen_at").first()
    if beat is None:
        return None, "unknown"
    return beat.seen_at.isoformat(), (
        "ok" if now - beat.seen_at <= WORKER_STALE_AFTER else "stale"
    )


def _reconciliation():
    run = reconcile.latest()
    if run is None:
        return {"reconcile_backlog": None, "reconcile_ran_at": None}
    return {"reconcile_backlog": run.total, "reconcile_ran_at": run.ran_at.isoformat()}


@never_cache
@require_GET
def health(request):
    """What works, as JSON: 503 when the database is down (the site cannot
    answer), 200 with ``status`` "degraded" when it answers but something needs
    a look: cache or broker down, no worker seen lately, a task given up or late,
    something the reconciliation found missing.

    - ``unfinished_tasks``, ``failed_tasks``, ``oldest_task_seconds``: the
      outbox (tasks not yet finished by a worker; given up; the oldest's age);
    - ``worker_last_seen`` and ``workers`` ("ok", "stale", "unknown");
    - ``reconcile_backlog``: what the last reconciliation found missing, and
      when it ran (``reconcile_ran_at``).
    """
    now = timezone.now()
    database = _check_database()
    eager = celery_app.conf.task_always_eager
    report = {"database": database, "cache": _check_cache(), "broker": _check_broker()}
    if database == "ok":
        try:
            last_seen, workers = _workers(now)
            report.update(worker_last_seen=last_seen, workers=workers)
            report.update(outbox.summary(now))
            report.update(_reconciliation())
        except DatabaseError:
            database = report["database"] = "error"
    if database != "ok":
        report["status"] = "down"
        return JsonResponse(report, status=503)
    problems = [
        report["cache"] == "error",
        report["broker"] == "error",
        not eager and report["workers"] != "ok",
        report["failed_tasks"] > 0,
        (report["oldest_task_seconds"] or 0) > TASK_LATE_AFTER.total_seconds(),
        (report["reconcile_backlog"] or 0) > 0,
    ]
    report["status"] = "degraded" if any(problems) else "ok"
    return JsonResponse(report)


SEARCH_PAGE_SIZE = 10
MAX_QUERY_LENGTH = 200


def attach_courses(results):
    """Set ``course`` on each lesson among ``results``: a lesson's title alone
    ("Introducción") does not say where it belongs. One query for the page."""
    lessons = [page for page in results if isinstance(page, LessonPage)]
    if not lessons:
        return
    parents = {lesson.path[: -lesson.steplen] for lesson in lessons}
    courses = {
        course.path: course
        for course in Page.objects.filter(path__in=parents).only(
            "title", "path", "depth", "url_path"
        )
    }
    for lesson in lessons:
        lesson.course = courses.get(lesson.path[: -lesson.steplen])


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
        attach_courses(results_page.object_list)
    return TemplateResponse(
        request,
        "home/search.html",
        {
            "query": query,
            "results_page": results_page,
            "search_query": "?" + urlencode({"q": query}) + "&",
        },
    )
