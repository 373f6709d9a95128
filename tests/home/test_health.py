from datetime import timedelta

import pytest
from django.db import OperationalError, connection
from django.utils import timezone

from home.models import WorkerHeartbeat
from outbox.models import PendingTask, ReconciliationRun

pytestmark = pytest.mark.django_db


def test_health_reports_database_cache_and_broker(client, settings):
    response = client.get("/salud/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    report = response.json()
    assert report["database"] == "ok"
    assert report["cache"] == "ok"
    expected_broker = "eager" if settings.CELERY_TASK_ALWAYS_EAGER else "ok"
    assert report["broker"] == expected_broker
    assert report["unfinished_tasks"] == 0
    assert report["failed_tasks"] == 0
    assert report["oldest_task_seconds"] is None
    assert report["status"] == "ok"


def test_health_shows_when_a_worker_was_last_seen(client):
    seen = timezone.now()
    WorkerHeartbeat.objects.create(worker="celery@nodo1", seen_at=seen)

    report = client.get("/salud/").json()

    assert report["worker_last_seen"] == seen.isoformat()


def test_health_is_503_when_the_database_is_down(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)

    response = client.get("/salud/")

    assert response.status_code == 503
    report = response.json()
    assert report["database"] == "error"
    assert report["status"] == "down"


def test_health_refuses_post(client):
    assert client.post("/salud/").status_code == 405


def test_health_is_degraded_not_down_when_a_task_was_given_up(client):
    PendingTask.objects.create(
        task="courses.tasks.issue_certificate",
        args=[1, 2],
        created_at=timezone.now() - timedelta(hours=9),
        failed_at=timezone.now(),
    )

    response = client.get("/salud/")

    assert response.status_code == 200  # the site answers: keep it in the pool
    report = response.json()
    assert report["failed_tasks"] == 1
    assert report["status"] == "degraded"


def test_health_reports_the_oldest_unfinished_task_and_a_late_one_degrades(client):
    PendingTask.objects.create(
        task="courses.tasks.issue_certificate",
        args=[1, 2],
        created_at=timezone.now() - timedelta(minutes=20),
    )

    report = client.get("/salud/").json()

    assert report["unfinished_tasks"] == 1
    assert 20 * 60 <= report["oldest_task_seconds"] < 21 * 60
    assert report["status"] == "degraded"


def test_health_reports_what_the_reconciliation_found(client):
    ReconciliationRun.objects.create(found={"constancias": 3, "cuadernillos": 0})

    report = client.get("/salud/").json()

    assert report["reconcile_backlog"] == 3
    assert report["reconcile_ran_at"]
    assert report["status"] == "degraded"


def test_health_says_when_no_worker_was_seen_lately(client, settings, monkeypatch):
    from cococi_site.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setitem(app.conf, "broker_url", "memory://")
    WorkerHeartbeat.objects.create(
        worker="celery@nodo1", seen_at=timezone.now() - timedelta(minutes=10)
    )

    report = client.get("/salud/").json()

    assert report["workers"] == "stale"
    assert report["status"] == "degraded"


def test_health_answers_quickly_when_redis_does_not(client, settings, monkeypatch):
    """A Redis that accepts connections and never answers (a hung server, a
    dropped network) costs /salud/ at most its short probe timeouts."""
    import socket
    import time

    from cococi_site.celery import app

    silent = socket.create_server(("127.0.0.1", 0))  # accepts, never answers
    port = silent.getsockname()[1]
    url = f"redis://127.0.0.1:{port}/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "cococi_site.cache.ResilientRedisCache",
            "LOCATION": url,
            "OPTIONS": settings.CACHES["default"].get("OPTIONS")
            or {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setitem(app.conf, "broker_url", url)
    try:
        started = time.monotonic()
        response = client.get("/salud/")
        elapsed = time.monotonic() - started
    finally:
        silent.close()

    report = response.json()
    assert report["cache"] == "error"
    assert report["broker"] == "error"
    assert report["status"] == "degraded"
    assert elapsed < 1.0, elapsed
