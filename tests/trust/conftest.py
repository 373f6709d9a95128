import pytest
from django.db import transaction
from django.test import Client, override_settings

from tests.trust import hostile, people
from tests.trust.matrix import SESSION_COOKIE


@pytest.fixture(scope="module")
def hostile_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The hostile-input suite's world (``tests/trust/hostile.py``), built once
    per module in a transaction rolled back at the end; each test's own
    transaction is a savepoint inside it. Files go to a folder of the module,
    so a test can tell that nothing was written."""
    media = tmp_path_factory.mktemp("hostile-media")
    with (
        override_settings(
            MEDIA_ROOT=media / "public", PRIVATE_MEDIA_ROOT=media / "private"
        ),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        world = hostile.build_world()
        world.media = media
        world.sessions = {}
        for person, user in world.people.items():
            if user is not None:
                client = Client()
                client.force_login(user)
                world.sessions[person] = client.cookies[hostile.SESSION_COOKIE].value
        client = Client()
        client.force_login(world.guarded)
        hostile.verified_session(client, world.guarded_device)
        world.sessions["guarded-verified"] = client.cookies[
            hostile.SESSION_COOKIE
        ].value
        yield world
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The permission matrices' people and data (``tests/trust/people.py``),
    built once per module in a transaction rolled back at the end; each cell's
    own transaction is a savepoint inside it."""
    media = tmp_path_factory.mktemp("trust-media")
    with (
        override_settings(
            MEDIA_ROOT=media / "public", PRIVATE_MEDIA_ROOT=media / "private"
        ),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        built = people.build_world()
        built.media = media
        built.sessions = {}
        for person, user in built.people.items():
            if user is not None:
                client = Client()
                client.force_login(user)
                built.sessions[person] = client.cookies[SESSION_COOKIE].value
        yield built
        transaction.set_rollback(True)
