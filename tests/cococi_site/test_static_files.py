"""Static files are answered by WhiteNoise before anything else of the site:
no lookup in the shared cache (Redis in production), no page's
Content-Security-Policy, but the security headers a file needs, the same as
nginx gives the files it sends (deploy/nginx/file-headers.conf)."""

import pytest
from django.core.cache import caches

pytestmark = pytest.mark.django_db

STYLESHEET = "/static/css/site.css"
FILE_POLICY = "default-src 'none'; frame-ancestors 'none'"
# Every way the site reads or writes the shared cache.
CACHE_METHODS = (
    "get",
    "get_many",
    "set",
    "set_many",
    "add",
    "get_or_set",
    "has_key",
    "incr",
    "touch",
    "delete",
)


@pytest.fixture
def cache_calls(monkeypatch):
    """The names of the cache methods called during the test, in order."""
    calls = []
    backend = caches["default"]
    for name in CACHE_METHODS:
        method = getattr(backend, name)

        def spy(*args, _name=name, _method=method, **kwargs):
            calls.append(_name)
            return _method(*args, **kwargs)

        monkeypatch.setattr(backend, name, spy)
    return calls


def test_a_static_file_asks_the_cache_nothing(client, cache_calls):
    response = client.get(STYLESHEET)

    assert response.status_code == 200
    assert b"".join(response.streaming_content)
    assert cache_calls == []


def test_a_page_does_ask_the_cache(client, cache_calls):
    """The spy sees what the site asks: an anonymous page is looked up."""
    response = client.get("/")

    assert response.status_code == 200
    assert "get" in cache_calls


def test_a_static_file_has_the_file_headers_and_not_the_page_policy(client):
    page = client.get("/")
    response = client.get(STYLESHEET)

    assert response["Content-Type"].startswith("text/css")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Content-Security-Policy"] == FILE_POLICY
    # The page keeps its own policy, which names what it may load.
    assert "default-src 'self'" in page["Content-Security-Policy"]
    assert "Vary" not in response  # no cookie or language changes a file
