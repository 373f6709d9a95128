"""What the public site shows, as one number: the content generation.

Every cached copy of something the public pages show (whole anonymous pages,
the navigation, the routes from addresses to pages, the site) is kept under a
key that carries the generation it was built in. Any change to content bumps
the generation, so every such copy is forgotten at once, in every process,
without knowing which pages the change appears on: an editor's publish, a new
axis colour, a replaced image or document, a council's meeting.

What counts as a change: a save or a delete of any model except those below,
which hold what members do (a completed lesson, a session, a sign-in) or what
the site does by itself (renditions, search entries, logs), and which no
public page shows. Members' own pages are never cached as whole pages, so their
activity need not bump anything. One public figure does follow members' activity,
a council's collective milestones (people who completed each course): it lags
by at most ``TIMEOUT``.

The generation is bumped when the change happens and again when its
transaction commits: a page built in between, from the data before the commit,
is stored under a generation nobody reads any more.

The generation also carries the release: a fingerprint of the code, templates,
compiled catalogues and static files. A deploy (or processes of two releases
side by side during one) never serves a page, or reads a value, that another
release built with other templates or stylesheet addresses.
"""

import functools
import hashlib
import os
import time
import uuid
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from pathlib import Path

import django
import wagtail
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

GENERATION_KEY = "site:content-generation"
# Copies kept under a generation expire anyway after this long: a bump lost
# while the cache was down is outlived by at most this much.
TIMEOUT = 60 * 10

# app_label, or app_label.model_name: changes that no public page shows.
NOT_CONTENT = frozenset(
    {
        "sessions",
        "axes",
        "otp_totp",
        "otp_static",
        "admin",
        "wagtailsearch",
        "outbox",
        "wagtailimages.rendition",
        "wagtailcore.pagelogentry",
        "wagtailcore.modellogentry",
        "wagtailcore.revision",
        "wagtailcore.referenceindex",
        "wagtailadmin.editingsession",
        "wagtailusers.userprofile",
        "courses.enrollment",
        "courses.lessoncompletion",
        "courses.quizattempt",
        "courses.certificate",
        "councils.memberprogress",
        "councils.readyevent",
        "councils.digestdelivery",
        "councils.digestoptout",
        "councils.mentornote",
        "members.accesslog",
        "members.signincode",
        "members.consentrecord",
        "home.workerheartbeat",
    }
)
# Saves of a user that touch only these fields change nothing shown.
USER_BOOKKEEPING = frozenset({"last_login", "password"})


# Within a request the generation is read once (``request_scope``), not once
# per cached thing: a signed-in page reads five or six.
_in_request = ContextVar("content_generation", default=None)


# What a release consists of, below BASE_DIR; folders of data, tests and tools
# are left out.
RELEASE_SUFFIXES = frozenset({".py", ".html", ".txt", ".mo", ".css", ".js"})
RELEASE_SKIPPED = frozenset(
    {"media", "private_media", "staticfiles", "tests", "docs", "bench", "node_modules"}
)


@functools.cache
def release():
    """This process's code, as a short fingerprint: computed once per process
    (a few milliseconds), the same in every process of one deployment."""
    digest = hashlib.sha256(f"{django.__version__} {wagtail.__version__}".encode())
    base = Path(settings.BASE_DIR)
    files = []
    for folder, subfolders, names in os.walk(base):
        subfolders[:] = [
            name
            for name in subfolders
            if not name.startswith((".", "__"))
            and not (folder == str(base) and name in RELEASE_SKIPPED)
        ]
        files.extend(
            Path(folder, name)
            for name in names
            if Path(name).suffix in RELEASE_SUFFIXES
        )
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.is_file():
        files.append(manifest)
    for path in sorted(files):
        digest.update(
            str(path.relative_to(base) if path.is_relative_to(base) else path).encode()
        )
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _read():
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        value = cache.get(GENERATION_KEY)
    return None if value is None else _of_this_release(value)


def _of_this_release(value):
    return f"{release()}.{value}"


def generation():
    """The current generation, or None while the cache is unavailable (then
    nothing may be read from or written to it under a generation)."""
    scoped = _in_request.get()
    if scoped is not None:
        return scoped[0]
    return _read()


@contextmanager
def request_scope(read_along=()):
    """Read the generation once for the code inside; yields it. On Redis,
    the keys of ``read_along``, which the code inside will read, come in the
    same round trip (``ResilientRedisCache.read_ahead``)."""
    ahead = getattr(cache, "read_ahead", None)
    with ahead([GENERATION_KEY, *read_along]) if ahead else nullcontext():
        token = _in_request.set([_read()])
        try:
            yield _in_request.get()[0]
        finally:
            _in_request.reset(token)


def forget():
    """A new generation now: every copy kept so far is unreachable."""
    value = uuid.uuid4().hex
    cache.set(GENERATION_KEY, value, None)
    scoped = _in_request.get()
    if scoped is not None:
        scoped[0] = _of_this_release(value)


def changed():
    """Forget every copy built from the content: now, and at commit."""
    forget()
    transaction.on_commit(forget, robust=True)


# Each process also keeps what it read for the current generation, so that a
# page does not fetch and unpickle the same things from Redis on every request
# (the leadership pathway alone took 2 ms). The whole memo goes as soon as a
# request sees another generation; entries also expire like the shared ones.
# One tuple (generation, values), replaced whole: a thread never sees a new
# generation beside the values of the old one.
_memo = (None, {})
MEMO_SIZE = 1000
_MISSING = object()


def _remember(current, name, value, timeout):
    global _memo
    generation_kept, values = _memo
    if generation_kept != current or len(values) >= MEMO_SIZE:
        values = {}
        _memo = (current, values)
    values[name] = (value, time.monotonic() + timeout)


def _recall(current, name):
    generation_kept, values = _memo
    if generation_kept != current:
        return _MISSING
    value, expires = values.get(name, (_MISSING, 0))
    return value if expires > time.monotonic() else _MISSING


def cached(name, build, timeout=TIMEOUT, keep=None):
    """``build()``, kept until the content changes. ``name`` must say everything
    the value depends on besides the content (a language, an address). A value
    for which ``keep(value)`` is false is not kept. Values are shared by the
    requests of a process: never change one in place."""
    current = generation()
    if current is None:
        return build()
    value = _recall(current, name)
    if value is not _MISSING:
        return value
    key = f"content:{current}:{name}"
    value = cache.get(key)
    if value is None:
        value = build()
        if keep is not None and not keep(value):
            return value
        cache.set(key, value, timeout)
    _remember(current, name, value, timeout)
    return value


def is_content(model):
    meta = model._meta
    return (
        meta.app_label not in NOT_CONTENT
        and f"{meta.app_label}.{meta.model_name}" not in NOT_CONTENT
    )


def _saved(sender, instance, created=False, update_fields=None, raw=False, **kwargs):
    if raw or not is_content(sender):
        return
    # A new account shows nowhere public until it joins a council or takes a
    # role (changes of their own); registrations leave the cached pages alone.
    if sender._meta.label_lower == "members.user" and (
        created or (update_fields and set(update_fields) <= USER_BOOKKEEPING)
    ):
        return
    changed()


def _deleted(sender, **kwargs):
    if is_content(sender):
        changed()


def _m2m_changed(sender, action, **kwargs):
    if action.startswith("post_") and is_content(sender):
        changed()


def connect():
    """Called once, when the apps are ready (``home.apps``)."""
    post_save.connect(_saved, dispatch_uid="content-generation-save")
    post_delete.connect(_deleted, dispatch_uid="content-generation-delete")
    m2m_changed.connect(_m2m_changed, dispatch_uid="content-generation-m2m")
