"""Files written by tasks: whole or not at all, under a name that a retry reuses."""

import os
import secrets
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage


def save_atomically(storage, name, content):
    """Write ``content`` (bytes) to ``name`` in ``storage``, replacing any file
    already there, and return ``name``.

    On a local disk the bytes go to a hidden temporary file in the same folder,
    flushed to disk, then renamed over ``name``: a reader (or a worker killed
    half-way) sees the old file or the new one, never a part. Because the name
    is not made unique, a task run again after a crash overwrites what the first
    run left instead of adding a second copy. Other storages (object stores)
    write each object whole already.
    """
    if not isinstance(storage, FileSystemStorage):
        if storage.exists(name):
            storage.delete(name)
        return storage.save(name, ContentFile(content))
    target = Path(storage.path(name))
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    mode = storage.file_permissions_mode or 0o666  # 0o666: the umask applies
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        if storage.file_permissions_mode is not None:
            os.chmod(temporary, storage.file_permissions_mode)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return name
