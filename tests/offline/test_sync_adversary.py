"""What an attacker, or a phone left offline, can send to the sync address:
found by the adversarial review of #23 (see adv/README.md on branch off-adv)."""

import itertools
import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from courses.models import Enrollment, LessonCompletion, LessonPage, QuizAttempt
from offline.owner import owner_key
from tests.courses import learning_fixtures
from tests.courses.learning_fixtures import make_lesson, quiz_ids, two_question_quiz

pytestmark = pytest.mark.django_db

course = learning_fixtures.course
member = learning_fixtures.member
member_client = learning_fixtures.member_client

SYNC = "/mi-formacion/sin-conexion/enviar/"


def send(client, body):
    return client.post(SYNC, data=body, content_type="application/json")


def test_a_queue_nested_too_deep_to_read_is_refused_with_a_message_not_a_500(
    member_client,
):
    """200 KB of brackets is under the size limit and makes the JSON reader
    recurse past Python's limit."""
    response = send(member_client, "[" * 100_000 + "]" * 100_000)

    assert response.status_code == 400
    assert response.json()["message"] == "Esta actividad no es válida."


def test_every_answer_combination_sent_at_once_does_not_get_round_the_wait(
    course, member, member_client
):
    """Online, a quiz with a wait between attempts allows one guess per wait.
    A queue (forged, or answered offline again and again) must not allow more:
    otherwise every combination is tried in one request and one passes."""
    lesson = make_lesson(course, "Evaluación", quiz=two_question_quiz())
    two_days_ago = timezone.now() - timedelta(days=2)
    LessonPage.objects.filter(pk=lesson.pk).update(
        attempt_wait_minutes=60, first_published_at=two_days_ago
    )
    Enrollment.objects.filter(user=member, course=course).delete()
    Enrollment.objects.create(user=member, course=course)
    Enrollment.objects.filter(user=member, course=course).update(
        enrolled_at=two_days_ago
    )
    ids = quiz_ids(lesson)
    items = [
        {
            "key": str(uuid.uuid4()),
            "url": lesson.url + "autoevaluacion/",
            "at": "2000-01-01T00:00:00Z",
            "fields": {
                f"q-{qid}": [choice]
                for (qid, _c), choice in zip(ids, combo, strict=True)
            },
        }
        # The right answers (each first choice) come last.
        for combo in itertools.product(*(choices[::-1] for _qid, choices in ids))
    ]

    response = send(
        member_client, json.dumps({"owner": owner_key(member), "items": items})
    )

    assert response.status_code == 200
    assert QuizAttempt.objects.filter(user=member, lesson=lesson).count() == 1
    assert not LessonCompletion.objects.filter(user=member, lesson=lesson).exists()
