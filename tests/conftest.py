import re
import time
import warnings

import pytest
from django.contrib.auth.models import Group
from django.utils import translation

from home.models import HomePage
from members.models import User

PASSWORD = "una-contraseña-larga-123"


OTHER_SESSIONS = """
    SELECT pid, application_name, client_port, state, left(query, 80)
    FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid()
"""


@pytest.fixture(scope="session", autouse=True)
def no_session_left_open(django_db_setup, django_db_blocker):
    """The test database is dropped at the end of the run, which PostgreSQL
    refuses while another session is connected to it (pytest-django then only
    warns, and the next run starts by removing it). Sessions of the workers and
    servers the tests stopped are given ten seconds to end; any left after that
    is named in a warning, so its owner can be found, and ended."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        deadline = time.monotonic() + 10
        while True:
            cursor.execute(OTHER_SESSIONS)
            others = cursor.fetchall()
            if not others or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        if others:
            warnings.warn(
                f"{len(others)} sessions were still connected to the test "
                f"database at the end of the run, and were ended: {others}",
                stacklevel=1,
            )
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


_flushed = {"database": False}


@pytest.fixture(autouse=True)
def _note_a_flush(request):
    """Remember that a serialized-rollback test ran: its end flushes the
    database without even the rows Django recreates after a flush."""
    yield
    marker = request.node.get_closest_marker("django_db")
    if "django_db_serialized_rollback" in request.fixturenames or (
        marker and marker.kwargs.get("serialized_rollback")
    ):
        _flushed["database"] = True


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After the last serialized-rollback test of a module, put back the rows
    the migrations made (content types, axes, /cursos/, groups).

    Such a test restores them itself when it starts, and its flush at the end
    leaves the database empty, without even the content types Django recreates
    after an ordinary flush. The tests of other modules that run next
    (tests/integration/ among them) expect a migrated database, as they would
    find if they ran alone."""
    result = yield
    # No next test: the session is over and the test database already gone.
    if nextitem is None or nextitem.path == item.path or not _flushed["database"]:
        return result
    _flushed["database"] = False
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    contents = getattr(connection, "_test_serialized_contents", None)
    if contents:
        with item.config.stash[blocking_manager_key].unblock():
            connection.creation.deserialize_db_from_string(contents)
    return result


@pytest.fixture(autouse=True)
def spanish():
    """Every test starts in the site's language, as a visitor without preferences."""
    with translation.override("es-mx"):
        yield


@pytest.fixture(autouse=True)
def forgotten_site_data():
    """Cached per-site data (axes, the leadership pathway, public pages)
    outlives a test's rolled-back transaction: every test starts without it."""
    from cococi_site import content
    from councils.cadres.readiness import pathway_forget
    from courses.cache import axes_forget

    axes_forget()
    pathway_forget()
    content.forget()  # forgets the page cache, the routes and the navigation
    yield


@pytest.fixture
def home_page(db):
    return HomePage.objects.get()


@pytest.fixture
def make_user(db):
    def make(username="persona", *, groups=(), **fields):
        user = User(username=username, **fields)
        user.set_password(PASSWORD)
        user.save()
        user.groups.set(Group.objects.filter(name__in=groups))
        return user

    return make


@pytest.fixture
def editor(make_user):
    return make_user("editora", first_name="Rosa", groups=["Equipo de formación"])


@pytest.fixture
def reviewer(make_user):
    return make_user(
        "revisora",
        first_name="Ana",
        email="revisora@example.org",
        groups=["Revisión de formación"],
    )


@pytest.fixture
def superuser(make_user):
    return make_user("admin", is_superuser=True, is_staff=True)


SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)


def scripts_run_by(html):
    """The scripts a page runs: the ``src`` of each, or "inline" for one
    written in the page (the site has none: its CSP forbids them). Data blocks
    (``type="application/json"``) run nothing and are left out."""
    found = []
    for attributes in SCRIPT_TAG.findall(html):
        if 'type="application/json"' in attributes:
            continue
        source = re.search(r'\bsrc="([^"]+)"', attributes)
        found.append(source.group(1) if source else "inline")
    return found


def assert_only_the_site_script(html):
    """The page runs nothing but the site's own deferred script (offline
    study), and works without it."""
    assert scripts_run_by(html) == ["/static/js/site.js"]
    assert '<script src="/static/js/site.js" defer>' in html


@pytest.fixture
def worker_keeps_up(monkeypatch):
    """Members' progress as a leader meets it with the workers keeping up:
    whatever a test changes, the worker's catch-up (which a commit would ask
    for, and which a test's transaction never commits) has run before the
    next request. Tests of what a page shows while the worker is behind do not
    use this."""
    from django.core.signals import request_started

    from councils.cadres import progress

    wanted = []

    def catch_up(**kwargs):
        if wanted:
            wanted.clear()
            progress.progress_catch_up()

    monkeypatch.setattr(progress, "worker_wanted", lambda: wanted.append(True))
    request_started.connect(catch_up, dispatch_uid="worker_keeps_up")
    yield wanted
    request_started.disconnect(dispatch_uid="worker_keeps_up")
