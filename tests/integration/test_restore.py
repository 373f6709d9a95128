"""A backup restored into a fresh PostgreSQL database serves the site: a
constancia issued before the backup is verified from the restored copy."""

import os
import subprocess
from urllib.parse import urlsplit

import psycopg
import pytest
from django.conf import settings

from councils.factories import make_person
from courses.models import Certificate
from home import backups
from tests.courses.learning_fixtures import make_course

from .conftest import ensure_catalogue, wait_for, worker_database_url
from .failure_parts import Browser, free_port, start_site, stop_process


@pytest.fixture
def restored_database(django_db_blocker):
    """An empty database beside the test one, dropped afterwards."""
    with django_db_blocker.unblock():
        source = urlsplit(worker_database_url())
    name = f"cococi_restored_{os.getpid()}"
    admin = source._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as session:
        session.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        session.execute(f'CREATE DATABASE "{name}"')
    yield source._replace(path=f"/{name}").geturl()
    with psycopg.connect(admin, autocommit=True) as session:
        session.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_restored_backup_verifies_a_constancia(
    transactional_db, tmp_path, restored_database
):
    ensure_catalogue()
    person = make_person("lucia", first_name="Lucía", last_name="Méndez Ruiz")
    certificate = Certificate.objects.create(
        user=person,
        course=make_course("Asambleas que deciden", publish=False),
        person_name="Lucía Méndez Ruiz",
        course_title="Asambleas que deciden",
        axis_name="Organización comunitaria",
        hours=4,
    )

    folder = backups.make(tmp_path / "respaldos")
    manifest = backups.verify(folder)
    assert "database.dump" in manifest["files"]

    result = subprocess.run(
        [
            "pg_restore",
            "--no-owner",
            "--exit-on-error",
            "--dbname",
            restored_database,
            str(folder / "database.dump"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr

    port = free_port()
    log = tmp_path / "site.log"
    site = start_site(
        {
            "DATABASE_URL": restored_database,
            "REDIS_URL": "",
            "TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        },
        log,
        port,
    )
    try:
        browser = Browser(f"http://127.0.0.1:{port}")
        wait_for(
            lambda: browser.get("/salud/").status_code == 200,
            60,
            f"the restored site did not answer (see {log})",
            0.3,
        )
        page = browser.get(f"/constancias/{certificate.code}/")
    finally:
        stop_process(site)

    assert page.status_code == 200
    assert "Lucía Méndez Ruiz" in page.text
    assert "Asambleas que deciden" in page.text
