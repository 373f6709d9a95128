"""A task enqueued by the app is executed by a real worker, through Redis."""

from django.db import OperationalError, connections
from django.test import Client

from home.models import WorkerHeartbeat
from home.tasks import record_worker_heartbeat

from .conftest import wait_for


def test_a_real_worker_runs_the_task_and_its_effect_is_in_the_database(live_worker):
    assert not WorkerHeartbeat.objects.exists()

    record_worker_heartbeat.delay()

    beat = wait_for(lambda: WorkerHeartbeat.objects.first())
    assert beat.worker.startswith("test-")
    assert "record_worker_heartbeat" in live_worker["log"].read_text()


def test_health_reports_the_real_broker_and_the_worker(live_worker):
    record_worker_heartbeat.delay()
    wait_for(lambda: WorkerHeartbeat.objects.exists())

    report = Client().get("/salud/").json()

    assert report == {
        "database": "ok",
        "cache": "ok",
        "broker": "ok",
        "worker_last_seen": report["worker_last_seen"],
        "workers": "ok",
        "unfinished_tasks": 0,
        "failed_tasks": 0,
        "oldest_task_seconds": None,
        "reconcile_backlog": None,
        "reconcile_ran_at": None,
        "status": "ok",
    }
    assert report["worker_last_seen"]


def test_health_is_503_when_postgresql_is_unreachable(transactional_db):
    connection = connections["default"]
    original = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT="1")
    try:
        response = Client().get("/salud/")
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(original)

    assert response.status_code == 503
    assert response.json()["database"] == "error"
    # The connection works again once the database is back.
    try:
        connection.ensure_connection()
    except OperationalError:  # pragma: no cover - would mean the restore failed
        raise
