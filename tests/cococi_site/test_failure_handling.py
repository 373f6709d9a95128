"""What the site does when a part fails, in-process: the cache with Redis down,
the 503 page with the database down, files written whole. The same with real
parts failing is tests/integration/test_failures.py."""

import io
import logging
import os

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import OperationalError
from django.test import Client

from cococi_site import cache as resilient
from cococi_site import logs
from cococi_site.cache import ResilientRedisCache
from cococi_site.files import save_atomically

DOWN = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def dead_cache():
    resilient._down_until.clear()
    yield ResilientRedisCache(DOWN, {"OPTIONS": {"socket_connect_timeout": 0.5}})
    resilient._down_until.clear()


def test_redis_down_is_a_cache_miss_and_one_warning(dead_cache, caplog):
    with caplog.at_level(logging.WARNING, logger="cococi_site.cache"):
        assert dead_cache.get("clave") is None
        assert dead_cache.get("clave", "por omisión") == "por omisión"
        dead_cache.set("clave", 1)
        assert dead_cache.add("clave", 1) is False
        assert dead_cache.delete("clave") is False
        assert dead_cache.get_many(["a", "b"]) == {}
        assert dead_cache.set_many({"a": 1}) == ["a"]
        assert dead_cache.has_key("clave") is False
        assert dead_cache.get_or_set("clave", 5) == 5
        with pytest.raises(ValueError):
            dead_cache.incr("clave")

    assert len(caplog.records) == 1
    assert "Cache unavailable" in caplog.records[0].getMessage()


def test_after_a_failure_redis_is_left_alone_for_a_few_seconds(dead_cache, monkeypatch):
    dead_cache.get("clave")
    calls = []
    monkeypatch.setattr(
        type(dead_cache._cache), "get", lambda *args: calls.append(args)
    )

    assert dead_cache.get("clave") is None
    assert calls == []


@pytest.mark.django_db
def test_the_database_unreachable_is_a_spanish_503_page(monkeypatch):
    from home.models import HomePage

    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(HomePage, "serve", unreachable)

    response = Client(raise_request_exception=False).get("/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "El sitio no está disponible en este momento" in page
    assert "Nada de lo que hiciste quedó guardado a medias" in page


@pytest.mark.django_db
def test_the_503_page_asks_nothing_of_the_database(django_assert_num_queries):
    from cococi_site.views import database_unavailable

    with django_assert_num_queries(0):
        response = database_unavailable()

    assert response.status_code == 503
    assert b'<html lang="es-mx">' in response.content


def test_a_file_is_replaced_whole_under_the_same_name(tmp_path):
    storage = FileSystemStorage(location=tmp_path)

    first = save_atomically(storage, "constancias/constancia-abc.pdf", b"%PDF-1")
    again = save_atomically(storage, "constancias/constancia-abc.pdf", b"%PDF-2")

    assert first == again == "constancias/constancia-abc.pdf"
    assert [path.name for path in (tmp_path / "constancias").iterdir()] == [
        "constancia-abc.pdf"
    ]
    assert (tmp_path / first).read_bytes() == b"%PDF-2"


@pytest.mark.django_db
def test_a_database_outage_is_logged_once_not_once_per_request(monkeypatch):
    """Every request of an outage fails alike: the first is logged with its
    traceback, the next ones not at all (an outage under load wrote 22,000
    lines in 40 s)."""
    from home.models import HomePage

    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(HomePage, "serve", unreachable)
    client = Client(raise_request_exception=False)
    (handler,) = [
        handler
        for handler in logging.getLogger("django.request").handlers
        if any(isinstance(f, logs.DatabaseOutageOnce) for f in handler.filters)
    ]
    (outage,) = [f for f in handler.filters if isinstance(f, logs.DatabaseOutageOnce)]
    monkeypatch.setattr(outage, "_last", None)  # no outage logged lately
    written = io.StringIO()
    previous = handler.setStream(written)
    try:
        answers = [client.get("/").status_code for _n in range(20)]
    finally:
        handler.setStream(previous)

    assert answers == [503] * 20
    written = written.getvalue()
    assert written.count("Database unavailable, answering 503") == 1
    assert written.count("Traceback") == 1


def test_another_outage_after_a_quiet_while_is_logged_again(monkeypatch):
    outage = logs.DatabaseOutageOnce()
    record = logging.LogRecord(
        "django.request",
        logging.ERROR,
        __file__,
        1,
        "Internal Server Error: /",
        (),
        (OperationalError, OperationalError("connection refused"), None),
    )
    now = [1000.0]
    monkeypatch.setattr(logs.time, "monotonic", lambda: now[0])

    assert outage.filter(record)
    now[0] += 5
    assert not outage.filter(record)
    now[0] += logs.OUTAGE_QUIET + 1
    assert outage.filter(record)
    assert "1 errors of the last outage were not logged" in record.getMessage()


def test_a_worker_started_without_saying_runs_with_production_settings():
    import subprocess
    import sys

    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    code = "import os, cococi_site.celery; print(os.environ['DJANGO_SETTINGS_MODULE'])"
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert result.stdout.strip() == "cococi_site.settings.production"
