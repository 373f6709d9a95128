"""What the site does when a part fails, in-process: the cache with Redis down,
the 503 page with the database down, files written whole. The same with real
parts failing is tests/integration/test_failures.py."""

import logging

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import OperationalError
from django.test import Client

from cococi_site import cache as resilient
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
