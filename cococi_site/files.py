"""Files: written whole by tasks under a name a retry reuses, kept out of every
URL when private, uploaded under names nobody can guess, and sent, once a view
has checked who asks, by the site or, behind nginx, by nginx itself."""

import mimetypes
import os
import posixpath
import secrets
from functools import reduce
from operator import or_
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db.models import Q
from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from wagtail.utils import sendfile_streaming_backend

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


def accel_redirect_location(path):
    """The internal nginx location that sends the file at ``path`` (an absolute
    path under ``PRIVATE_MEDIA_ROOT`` or ``MEDIA_ROOT``), or None when the site
    sends it itself: no ``PRIVATE_MEDIA_X_ACCEL_REDIRECT`` or
    ``MEDIA_X_ACCEL_REDIRECT`` set for its folder (the demo, the tests)."""
    path = Path(os.path.abspath(path))
    roots = (
        (settings.PRIVATE_MEDIA_ROOT, settings.PRIVATE_MEDIA_X_ACCEL_REDIRECT),
        (settings.MEDIA_ROOT, settings.MEDIA_X_ACCEL_REDIRECT),
    )
    for root, prefix in roots:
        if not prefix:
            continue
        try:
            relative = path.relative_to(os.path.abspath(root))
        except ValueError:
            continue
        return prefix.rstrip("/") + "/" + quote(relative.as_posix())
    return None


def accel_redirect_response(location, content_type):
    """An empty answer that hands the file at ``location`` to nginx. nginx keeps
    only a few of its headers, Content-Type, Content-Disposition and
    Cache-Control among them, and drops the others (deploy/nginx/ adds the
    security ones back)."""
    response = HttpResponse(content_type=content_type)
    response["X-Accel-Redirect"] = location
    return response


def file_response(field_file, *, filename, content_type=None, as_attachment=True):
    """A stored file (``field_file``, on a local disk) as a download named
    ``filename``: sent by nginx from its internal location when one is set for
    the file's folder, else by the site. Only for views that have already
    checked who asks. Raises FileNotFoundError when the file is missing."""
    path = field_file.path
    content_type = content_type or (
        mimetypes.guess_type(filename)[0] or "application/octet-stream"
    )
    location = accel_redirect_location(path)
    if location is None:
        return FileResponse(
            field_file.open("rb"),
            as_attachment=as_attachment,
            filename=filename,
            content_type=content_type,
        )
    if not os.path.isfile(path):
        raise FileNotFoundError(path)
    response = accel_redirect_response(location, content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment, filename
    )
    return response


def sendfile(request, filename, mimetype="application/octet-stream", **kwargs):
    """Wagtail's document view sends files through this (``SENDFILE_BACKEND``):
    nginx sends the document when ``MEDIA_X_ACCEL_REDIRECT`` is set, else
    Wagtail's own streaming answer (which honours If-Modified-Since). Wagtail
    adds the Content-Disposition and Content-Type after."""
    location = accel_redirect_location(filename)
    if location is None:
        return sendfile_streaming_backend.sendfile(request, filename, **kwargs)
    return accel_redirect_response(location, mimetype)
