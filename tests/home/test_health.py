import pytest
from django.db import OperationalError, connection
from django.utils import timezone

from home.models import WorkerHeartbeat

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
    assert report["pending_tasks"] == 0  # tasks kept while the broker refused them
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
    assert report["status"] == "error"


def test_health_refuses_post(client):
    assert client.post("/salud/").status_code == 405
