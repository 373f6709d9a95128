"""Files: written whole by tasks under a name a retry reuses, kept out of every
URL when private, and uploaded under names nobody can guess."""

import os
import posixpath
import secrets
from functools import reduce
from operator import or_
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db.models import Q
from django.utils.text import slugify

# Characters of the random part of an uploaded file's name: 12 of 32 letters and
# digits are 60 bits, far beyond guessing at any rate a server answers.
NAME_TOKEN_LENGTH = 12
_TOKEN_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


class PrivateStorage(FileSystemStorage):
    """Files that are never under MEDIA_URL: served only by a view that checks
    who is asking (actas carry names and signatures, constancias a person's
    name). The folder is read from settings on every use, so a changed
    PRIVATE_MEDIA_ROOT (tests) applies."""

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no public URL.")


_private_storage = PrivateStorage()


class MediaStorage(FileSystemStorage):
    """The default storage: uploaded images' originals and documents are kept
    under unguessable names (``unguessable_name``), however they arrive (the
    admin's forms, the councils' actas, the demo). Renditions take their name
    from the original's, so theirs are unguessable too."""

    # Folder: whether the random part comes first (see unguessable_name).
    RENAMED_FOLDERS = {"original_images": True, "documents": False}

    def generate_filename(self, filename):
        folder, _slash, name = filename.replace("\\", "/").rpartition("/")
        if folder in self.RENAMED_FOLDERS:
            first = self.RENAMED_FOLDERS[folder]
            filename = f"{folder}/{unguessable_name(name, token_first=first)}"
        return super().generate_filename(filename)


def collection_is_private(collection):
    """True when a view restriction applies to ``collection`` or one above it:
    its files are for those who may choose or change them (``home.files``)."""
    return collection.get_view_restrictions().exists()


def private_collection_ids():
    """The ids of every private collection (a view restriction on it or on one
    above it): two queries, however many collections and restrictions."""
    from wagtail.models import Collection, CollectionViewRestriction

    paths = list(
        Collection.objects.filter(
            pk__in=CollectionViewRestriction.objects.values("collection")
        ).values_list("path", flat=True)
    )
    if not paths:
        return set()
    under_any = reduce(or_, (Q(path__startswith=path) for path in paths))
    return set(Collection.objects.filter(under_any).values_list("pk", flat=True))


def private_storage():
    # A callable keeps the storage out of migrations' serialised state.
    return _private_storage


def unguessable_name(name, *, token_first=False):
    """``name`` (a file name as uploaded) made readable and impossible to guess:
    its slugified stem, a random part and its extension, e.g.
    ``acta-asamblea-k7m2x9qtr4hw.pdf``, or ``k7m2x9qtr4hw-asamblea.jpg`` with
    ``token_first`` (an image's: Wagtail names its renditions after the first
    characters of the original's name, which must carry the random part).
    Knowing a file's title or original name is then no way to reach it, even
    where a proxy serves files by name."""
    base = posixpath.basename(name or "")
    stem, extension = posixpath.splitext(base)
    token = "".join(secrets.choice(_TOKEN_ALPHABET) for _n in range(NAME_TOKEN_LENGTH))
    stem = slugify(stem)[:40].strip("-") or "archivo"
    extension = extension.lower()[:10]
    if token_first:
        return f"{token}-{stem}{extension}"
    return f"{stem}-{token}{extension}"


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
