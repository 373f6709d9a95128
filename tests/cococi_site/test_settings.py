"""Settings are read from the environment; production refuses unsafe configuration."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REAL_KEY = "k" * 20 + "-a-real-random-production-secret-key-0123456789"


def run_python(code, **env):
    full_env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "SITE_URL"}
    }
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def run_manage(*args, **env):
    return run_python(
        "import sys; from django.core.management import execute_from_command_line; "
        f"execute_from_command_line(['manage.py', *{list(args)!r}])",
        **env,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_python(
        "import django; django.setup()",
        DJANGO_SETTINGS_MODULE="cococi_site.settings.production",
    )

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_the_development_key():
    result = run_python(
        "import django; django.setup()",
        DJANGO_SETTINGS_MODULE="cococi_site.settings.production",
        SECRET_KEY="dev-only-insecure-key-do-not-use-in-production",
    )

    assert result.returncode != 0


def test_production_refuses_to_start_without_its_public_address():
    """Every absolute link, and the Site record each migrate sets, follow
    SITE_URL: without it they would name the development address."""
    result = run_python(
        "import django; django.setup()",
        DJANGO_SETTINGS_MODULE="cococi_site.settings.production",
        SECRET_KEY=REAL_KEY,
    )

    assert result.returncode != 0
    assert "SITE_URL must be set" in result.stderr


def test_check_deploy_passes_under_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="cococi_site.settings.production",
        SECRET_KEY=REAL_KEY,
        ALLOWED_HOSTS="formacion.example.org",
        SITE_URL="https://formacion.example.org",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_redis_tasks_run_eagerly_and_cache_is_local():
    result = run_python(
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.CELERY_TASK_ALWAYS_EAGER, s.CACHES['default']['BACKEND'])",
        DJANGO_SETTINGS_MODULE="cococi_site.settings.dev",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "django.core.cache.backends.locmem.LocMemCache",
    ]


def test_redis_url_makes_redis_the_broker_and_the_cache_its_next_database():
    result = run_python(
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL, "
        "s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION'])",
        DJANGO_SETTINGS_MODULE="cococi_site.settings.dev",
        REDIS_URL="redis://127.0.0.1:6379/3",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "redis://127.0.0.1:6379/3",
        # Django's RedisCache, degrading to a miss when Redis is down, in a
        # database of its own: emptying the cache never empties the queue.
        "cococi_site.cache.ResilientRedisCache",
        "redis://127.0.0.1:6379/4",
    ]


def test_cache_url_names_the_cache_s_own_redis():
    result = run_python(
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.CELERY_BROKER_URL, s.CACHES['default']['LOCATION'])",
        DJANGO_SETTINGS_MODULE="cococi_site.settings.dev",
        REDIS_URL="redis://broker.internal:6379/0",
        CACHE_URL="redis://cache.internal:6379/0",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "redis://broker.internal:6379/0",
        "redis://cache.internal:6379/0",
    ]


def test_database_url_selects_the_database():
    result = run_python(
        "import django; django.setup(); from django.conf import settings as s; "
        "d = s.DATABASES['default']; print(d['ENGINE'], d['NAME'], d['HOST'])",
        DJANGO_SETTINGS_MODULE="cococi_site.settings.dev",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/cococi",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "cococi",
        "127.0.0.1",
    ]


@pytest.mark.parametrize("module", ["dev", "test"])
def test_the_site_language_is_mexican_spanish(module):
    result = run_python(
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.LANGUAGE_CODE, [code for code, _ in s.LANGUAGES])",
        DJANGO_SETTINGS_MODULE=f"cococi_site.settings.{module}",
    )

    assert result.stdout.strip() == "es-mx ['es-mx', 'en']"


def test_load_demo_refuses_production_settings():
    result = run_manage(
        "load_demo",
        DJANGO_SETTINGS_MODULE="cococi_site.settings.production",
        SECRET_KEY=REAL_KEY,
        SITE_URL="https://formacion.example.org",
    )

    assert result.returncode != 0
    assert "no se carga en producción" in result.stderr


SQLITE_WRITERS = """
import threading, time
import django
django.setup()
from django.db import connection, connections, transaction

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE tally (n integer)")
    cursor.execute("INSERT INTO tally VALUES (0)")
start = threading.Barrier(2)
errors = []

def add_one():
    # What a service does: read, then write, in one transaction.
    try:
        start.wait()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT n FROM tally")
            (n,) = cursor.fetchone()
            time.sleep(0.2)
            cursor.execute("UPDATE tally SET n = %s", [n + 1])
    except Exception as error:
        errors.append(repr(error))
    finally:
        connections.close_all()

threads = [threading.Thread(target=add_one) for _ in range(2)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
with connection.cursor() as cursor:
    cursor.execute("SELECT n FROM tally")
    print(cursor.fetchone()[0], errors)
"""


def test_two_writers_at_once_on_sqlite_take_turns(tmp_path):
    """The demo's SQLite: the second of two transactions that read then write
    waits for the first and reads what it wrote, instead of an error 500
    ("database is locked") or a lost update."""
    result = run_python(
        SQLITE_WRITERS,
        DJANGO_SETTINGS_MODULE="cococi_site.settings.dev",
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["2", "[]"]


SQLITE_SLOW_WRITER = """
import threading, time
import django
django.setup()
from django.db import connection, connections, transaction

with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    print(cursor.fetchone()[0])
    cursor.execute("CREATE TABLE page (title text)")
    cursor.execute("INSERT INTO page VALUES ('Cursos')")
holding = threading.Event()
seen, errors = [], []

def slow_save():
    # A long save in the admin (a big lesson and its search index).
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE page SET title = 'Cursos de formación'")
        holding.set()
        time.sleep(6)
    connections.close_all()

def read_then_save():
    holding.wait()
    try:
        with connection.cursor() as cursor:
            # A page read while the other save is under way is not held up.
            started = time.monotonic()
            cursor.execute("SELECT title FROM page")
            seen.append((cursor.fetchone()[0], time.monotonic() - started < 1))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE page SET title = title || ' (revisado)'")
    except Exception as error:
        errors.append(repr(error))
    finally:
        connections.close_all()

threads = [threading.Thread(target=slow_save), threading.Thread(target=read_then_save)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
with connection.cursor() as cursor:
    cursor.execute("SELECT title FROM page")
    print(seen, errors, cursor.fetchone()[0])
"""


def test_sqlite_reads_during_a_long_save_and_the_next_save_waits_its_turn(tmp_path):
    """The demo's SQLite in write-ahead-log mode: a page is read while an admin
    save is under way, and a save begun meanwhile waits for the first (longer
    than SQLite's default 5 s) instead of failing with "database is locked"."""
    result = run_python(
        SQLITE_SLOW_WRITER,
        DJANGO_SETTINGS_MODULE="cococi_site.settings.dev",
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
    )

    assert result.returncode == 0, result.stderr
    mode, outcome = result.stdout.strip().split("\n")
    assert mode == "wal"
    assert outcome == ("[('Cursos', True)] [] Cursos de formación (revisado)")


def test_the_admin_does_not_autosave_drafts():
    """Autosave would store text never saved as the page's latest revision,
    which an approval or a publish would put online."""
    result = run_python(
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.WAGTAIL_AUTOSAVE_INTERVAL)",
        DJANGO_SETTINGS_MODULE="cococi_site.settings.dev",
    )

    assert result.stdout.strip() == "0", result.stderr
