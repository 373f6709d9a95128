"""Backups: the database first, then the uploaded and private files, with a
manifest of checksums; verified by reading every part back.

One backup is one folder ``<dest>/cococi-<UTC time>/``:

- ``database.dump``: ``pg_dump --format=custom`` of PostgreSQL (restore with
  ``pg_restore``), or ``database.sqlite3``, a consistent copy of the demo's
  SQLite file (SQLite's online backup);
- ``media.tar.gz`` and ``private_media.tar.gz``: ``MEDIA_ROOT`` and
  ``PRIVATE_MEDIA_ROOT`` (actas, constancias, booklets);
- ``manifest.json``: when, from which database, the newest migration of each
  app, the size and SHA-256 of every part.

The database goes first: a file uploaded while the files are copied is then at
worst a file no row points to, never a row whose file is missing (and the
reconciliation rebuilds constancias and booklets a restore lacks).
See docs/deploy.md (*Backups*) for the schedule, retention and restore.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

PARTS = ("database.dump", "database.sqlite3", "media.tar.gz", "private_media.tar.gz")
MANIFEST = "manifest.json"
PREFIX = "cococi-"


class BackupError(Exception):
    pass


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_env():
    """pg_dump's connection settings, from Django's: nothing on a command line."""
    options = connection.settings_dict
    env = {**os.environ}
    for name, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if options.get(key):
            env[name] = str(options[key])
    return env


def _dump_database(folder):
    if connection.vendor == "postgresql":
        target = folder / "database.dump"
        result = subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--file", str(target)],
            env=_pg_env(),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        return target
    if connection.vendor == "sqlite":
        target = folder / "database.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()
        return target
    raise BackupError(f"No backup for a {connection.vendor} database.")


def _archive(source, target):
    with tarfile.open(target, "w:gz") as archive:
        if Path(source).is_dir():
            archive.add(source, arcname=".")
    return target


def _migrations():
    latest = {}
    for app, name in MigrationRecorder(connection).migration_qs.values_list(
        "app", "name"
    ):
        latest[app] = max(latest.get(app, ""), name)
    return latest


def make(destination, *, keep=None):
    """A new backup under ``destination``; returns its folder. With ``keep``,
    only the newest ``keep`` backups there are kept."""
    destination = Path(destination)
    now = timezone.now()
    folder = destination / f"{PREFIX}{now:%Y%m%dT%H%M%SZ}"
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        parts = [
            _dump_database(partial),
            _archive(settings.MEDIA_ROOT, partial / "media.tar.gz"),
            _archive(settings.PRIVATE_MEDIA_ROOT, partial / "private_media.tar.gz"),
        ]
        manifest = {
            "created_at": now.isoformat(),
            "database": connection.vendor,
            "database_name": Path(str(connection.settings_dict["NAME"])).name,
            "migrations": _migrations(),
            "files": {
                part.name: {"bytes": part.stat().st_size, "sha256": _sha256(part)}
                for part in parts
            },
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2))
        partial.rename(folder)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    if keep:
        prune(destination, keep)
    return folder


def prune(destination, keep):
    """Delete all but the newest ``keep`` backups in ``destination``."""
    backups = sorted(
        path
        for path in Path(destination).glob(f"{PREFIX}*")
        if path.is_dir() and not path.name.endswith(".partial")
    )
    for old in backups[:-keep]:
        shutil.rmtree(old)
    return backups[-keep:]


def verify(folder):
    """Read every part of the backup back: checksums match, the dump is one
    ``pg_restore`` (or SQLite) can read, the archives open. Returns the
    manifest; raises BackupError naming what is wrong."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"No readable manifest in {folder}: {error}") from error
    for name, expected in manifest["files"].items():
        path = folder / name
        if not path.is_file():
            raise BackupError(f"{name} is missing")
        if _sha256(path) != expected["sha256"]:
            raise BackupError(f"{name} does not match its checksum")
        if name == "database.dump":
            result = subprocess.run(
                ["pg_restore", "--list", str(path)], capture_output=True, text=True
            )
            if result.returncode != 0 or "TABLE DATA" not in result.stdout:
                raise BackupError(f"pg_restore cannot read {name}")
        elif name == "database.sqlite3":
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as database:
                database.execute("PRAGMA integrity_check").fetchone()
            database.close()
        elif name.endswith(".tar.gz"):
            try:
                with tarfile.open(path, "r:gz") as archive:
                    archive.getmembers()
            except (tarfile.TarError, OSError) as error:
                raise BackupError(f"{name} cannot be read: {error}") from error
    return manifest
