"""On Redis, a request reads the content generation and its session in one
round trip (``ResilientRedisCache.read_ahead``), and is signed in exactly as
before: an unknown session is no session."""

import os

import pytest
from django.contrib.sessions.backends import cached_db
from django.core.cache import cache, caches
from django.test import Client

from cococi_site.cache import ResilientRedisCache
from tests.courses import learning_fixtures
from tests.courses.learning_fixtures import lessons_of

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL)"
    ),
]

course = learning_fixtures.course
member = learning_fixtures.member
member_client = learning_fixtures.member_client


@pytest.fixture
def redis_calls(monkeypatch):
    """(method, first argument) of every command the shared cache sends."""
    calls = []
    backend = caches["default"]
    assert isinstance(backend, ResilientRedisCache)
    send = backend._call

    def spy(method, fallback, *args, **kwargs):
        calls.append((method, args[0] if args else None))
        return send(method, fallback, *args, **kwargs)

    monkeypatch.setattr(backend, "_call", spy)
    return calls


def session_reads(calls):
    return [
        call
        for call in calls
        if call[0] == "get" and str(call[1]).startswith(cached_db.KEY_PREFIX)
    ]


def test_a_member_s_page_reads_generation_and_session_at_once(
    member_client, course, redis_calls
):
    lesson = lessons_of(course)[0]
    member_client.get(lesson.url)  # warm-up: what the page keeps
    redis_calls.clear()

    response = member_client.get(lesson.url)

    assert response.status_code == 200
    assert "/cuenta/salir/" in response.content.decode()  # signed in
    assert redis_calls[0][0] == "get_many"
    assert len(redis_calls[0][1]) == 2
    assert session_reads(redis_calls) == []
    assert [method for method, _key in redis_calls].count("get") == 0


def test_an_unknown_session_is_no_session(course, redis_calls):
    client = Client()
    client.cookies["sessionid"] = "a" * 32
    lesson = lessons_of(course)[0]

    response = client.get(lesson.url)

    assert response.status_code == 200
    assert "/cuenta/salir/" not in response.content.decode()


def test_a_value_read_ahead_answers_once():
    cache.set("read-ahead-test", "before")
    with cache.read_ahead(["read-ahead-test", "read-ahead-missing"]):
        cache.set("read-ahead-test", "after")
        assert cache.get("read-ahead-test") == "before"  # as read ahead
        assert cache.get("read-ahead-test") == "after"  # then Redis again
        assert cache.get("read-ahead-missing", "default") == "default"
    cache.delete("read-ahead-test")
