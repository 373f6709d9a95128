"""Shared set-up for offline study: a member, a course, and a phone's queue
sent the way static/js/site.js sends it."""

import json
import uuid
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from offline.owner import owner_key
from tests.courses import learning_fixtures

SYNC = "/mi-formacion/sin-conexion/enviar/"

course = learning_fixtures.course  # a published course of three lessons
member = learning_fixtures.member
member_client = learning_fixtures.member_client


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded images and their renditions in a folder of this test only.
    Renditions are cached by image id; on SQLite a rolled-back test's ids are
    reused, so the cache starts empty too."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    return settings.MEDIA_ROOT


def new_key():
    return str(uuid.uuid4())  # as the service worker: crypto.randomUUID()


def iso(moment):
    return moment.isoformat()


def done(lesson, *, at=None, key=None):
    """A queued "Marcar como estudiada" of ``lesson``."""
    return {
        "key": key or new_key(),
        "url": lesson.url + "completar/",
        "fields": {},
        "at": iso(at or timezone.now() - timedelta(minutes=5)),
    }


def answered(lesson, answers, *, at=None, key=None):
    """A queued quiz of ``lesson``; ``answers`` is {question id: [choice id]}."""
    return {
        "key": key or new_key(),
        "url": lesson.url + "autoevaluacion/",
        "fields": {f"q-{qid}": choices for qid, choices in answers.items()},
        "at": iso(at or timezone.now() - timedelta(minutes=5)),
    }


def send(client, user, items, *, owner=None, csrf=""):
    """POST the phone's queue as the page's script does."""
    body = {"owner": owner if owner is not None else owner_key(user), "items": items}
    return client.post(
        SYNC,
        data=json.dumps(body),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf,
    )


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]
