"""Integration tests: PostgreSQL, Redis and a real Celery worker process.

They run when DATABASE_URL points at PostgreSQL and REDIS_URL is set (as in CI);
otherwise they are skipped with the reason.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from bench.serve import database_url
from cococi_site.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(config, items):
    reason = None
    if not os.environ.get("REDIS_URL"):
        reason = (
            "REDIS_URL no está definida: las pruebas de integración necesitan Redis"
        )
    elif not os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql")):
        reason = "DATABASE_URL no apunta a PostgreSQL"
    for item in items:
        if "integration" in item.nodeid.split("::")[0]:
            item.add_marker(pytest.mark.integration)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


def worker_database_url():
    """The URL of the database pytest-django created, for the worker process."""
    return database_url()


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, tmp_path_factory):
    """A real `celery worker` consuming from Redis and writing to the test database."""
    with django_db_blocker.unblock():
        database_url = worker_database_url()
    # Tasks left in the queue by an earlier, interrupted run would fail here.
    celery_app.control.purge()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cococi_site.settings.test",
        "DATABASE_URL": database_url,
        # Share the test process's cache namespace, so invalidations are seen.
        "CACHE_KEY_PREFIX": settings.CACHES["default"].get("KEY_PREFIX", ""),
    }
    log = open(tmp_path_factory.mktemp("worker") / "worker.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "cococi_site",
            "worker",
            "--pool=solo",
            "--hostname",
            f"test-{os.getpid()}@%h",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the worker exited early: see {log.name}")
        if "ready." in Path(log.name).read_text():
            break
        time.sleep(0.3)
    else:
        process.terminate()
        raise RuntimeError(f"the worker did not start in 60 s: see {log.name}")
    yield {"process": process, "log": Path(log.name)}
    process.terminate()
    process.wait(timeout=30)
    log.close()


@pytest.fixture
def live_worker(celery_worker_process, transactional_db, monkeypatch):
    """Send tasks to the real worker instead of running them in-process."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    return celery_worker_process


def wait_for(condition, timeout=30, what="condition not met", interval=0.1):
    """The first true result of ``condition()``, polled every ``interval`` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"{what}: not within {timeout} s")


def ensure_catalogue():
    """The axes and the page tree the migrations create, rebuilt if an earlier
    transactional test flushed them away (this test may run after one)."""
    from importlib import import_module

    from django.apps import apps
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Locale, Page, Site

    from courses.models import Axis, CourseIndexPage
    from home.models import HomePage

    if not Axis.objects.exists():
        import_module("courses.migrations.0002_seed_axes").seed_axes(apps, None)
    if CourseIndexPage.objects.exists():
        return
    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root")
    )
    home = root.add_child(
        instance=HomePage(title="Consejos Comunitarios Convencionistas", slug="inicio")
    )
    Site.objects.all().delete()
    Site.objects.create(
        hostname="localhost", port=80, root_page=home, is_default_site=True
    )
    home.add_child(instance=CourseIndexPage(title="Cursos", slug="cursos"))
