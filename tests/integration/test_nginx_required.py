"""Where CI installed nginx (``CI_REQUIRE_NGINX=1``, set by `.ci/run`), the
nginx tests cannot be skipped unseen: a missing nginx or brotli module fails
them; elsewhere they are skipped with the reason."""

import pytest

from . import nginx_parts


@pytest.fixture
def no_nginx(monkeypatch):
    monkeypatch.setattr(nginx_parts, "MISSING", "nginx no está instalado")


def test_without_nginx_the_tests_are_skipped_with_the_reason(no_nginx, monkeypatch):
    monkeypatch.delenv(nginx_parts.REQUIRED, raising=False)

    with pytest.raises(pytest.skip.Exception, match="nginx no está instalado"):
        nginx_parts.require_nginx()


def test_where_ci_requires_nginx_its_absence_fails(no_nginx, monkeypatch):
    monkeypatch.setenv(nginx_parts.REQUIRED, "1")

    with pytest.raises(pytest.fail.Exception, match="CI_REQUIRE_NGINX=1"):
        nginx_parts.require_nginx()


def test_where_ci_requires_nginx_missing_brotli_fails_too(monkeypatch):
    monkeypatch.setattr(nginx_parts, "MISSING", None)
    monkeypatch.setattr(nginx_parts, "brotli_available", lambda: False)
    monkeypatch.delenv(nginx_parts.REQUIRED, raising=False)
    nginx_parts.require_nginx()  # elsewhere the brotli checks are left out

    monkeypatch.setenv(nginx_parts.REQUIRED, "1")
    with pytest.raises(pytest.fail.Exception, match="brotli"):
        nginx_parts.require_nginx()
