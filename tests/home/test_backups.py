"""Backups are made whole and verified by reading every part back; a damaged
one is refused. (tests/integration/test_restore.py restores one into a fresh
PostgreSQL database and serves from it.)"""

import json

import pytest
from django.core.management import CommandError, call_command

from home import backups

# Outside a transaction, as the command runs: SQLite copies a database only
# while no transaction of the same connection holds it.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    (settings.PRIVATE_MEDIA_ROOT / "constancias").mkdir(parents=True)
    (settings.PRIVATE_MEDIA_ROOT / "constancias" / "constancia-x.pdf").write_bytes(
        b"%PDF-1.4 constancia"
    )
    return tmp_path


def test_a_backup_holds_the_database_and_the_files_with_their_checksums(files, capsys):
    call_command("backup", str(files / "respaldos"))

    (folder,) = (files / "respaldos").iterdir()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert set(manifest["files"]) >= {"media.tar.gz", "private_media.tar.gz"}
    assert {"database.dump", "database.sqlite3"} & set(manifest["files"])
    assert manifest["migrations"]["outbox"]
    assert "Respaldo verificado" in capsys.readouterr().out


def test_only_the_newest_backups_are_kept(files):
    destination = files / "respaldos"
    for name in ("cococi-20260101T000000Z", "cococi-20260102T000000Z"):
        (destination / name).mkdir(parents=True)

    backups.make(destination, keep=2)

    kept = sorted(path.name for path in destination.iterdir())
    assert len(kept) == 2
    assert kept[0] == "cococi-20260102T000000Z"


def test_a_damaged_backup_is_refused(files):
    folder = backups.make(files / "respaldos")
    (folder / "private_media.tar.gz").write_bytes(b"not an archive")

    with pytest.raises(CommandError, match="no se puede usar"):
        call_command("backup", str(folder), "--verify")
