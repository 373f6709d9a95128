"""What a member did offline, sent when her phone is back online
(POST /mi-formacion/sin-conexion/enviar/): recorded once, graded by the
server, dated within bounds, and every bad item refused with a reason she can
read, recording nothing, never a server error."""

import json
from datetime import UTC, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction

from courses.models import (
    CompletionSource,
    Enrollment,
    LessonCompletion,
    LessonPage,
    QuizAttempt,
)
from offline.owner import owner_key
from tests.courses.learning_fixtures import (
    lessons_of,
    make_course,
    make_lesson,
    quiz_ids,
    two_question_quiz,
)

from .conftest import SYNC, answered, done, results, send

pytestmark = pytest.mark.django_db

NOT_PUBLISHED = "Esta lección ya no está publicada; no se registró nada."
NOT_VALID = "Esta actividad no es válida."
QUIZ_CHANGED = (
    "Estas respuestas no son de esta autoevaluación (quizá cambió mientras "
    "tanto): vuelve a cargar la página y responde de nuevo."
)


@pytest.fixture
def quiz_lesson(course):
    return make_lesson(course, "Rendir cuentas", quiz=two_question_quiz())


def right_answers(lesson):
    # two_question_quiz(): the first choice of each question is the right one.
    return {qid: [choices[0]] for qid, choices in quiz_ids(lesson)}


def wrong_answers(lesson):
    return {qid: [choices[1]] for qid, choices in quiz_ids(lesson)}


def nothing_recorded(user):
    return (
        not LessonCompletion.objects.filter(user=user).exists()
        and not QuizAttempt.objects.filter(user=user).exists()
    )


def days_ago(days):
    return timezone.now() - timedelta(days=days)


def enrolled_long_ago(user, course, *, enrolled_days, published_days):
    """She enrolled ``enrolled_days`` ago, in a course whose lessons were
    first published ``published_days`` ago."""
    Enrollment.objects.create(user=user, course=course)
    Enrollment.objects.filter(user=user, course=course).update(
        enrolled_at=days_ago(enrolled_days)
    )
    LessonPage.objects.child_of(course).update(
        first_published_at=days_ago(published_days)
    )


# Completions


def test_a_queued_completion_is_recorded_once_as_offline_at_the_time_given(
    member_client, member, course
):
    lesson = lessons_of(course)[0]
    enrolled_long_ago(member, course, enrolled_days=10, published_days=20)
    when = days_ago(2).replace(microsecond=0)

    (outcome,) = results(send(member_client, member, [done(lesson, at=when)]))

    assert outcome["status"] == "recorded"
    assert outcome["message"] == "Lección marcada como estudiada."
    assert outcome["lesson"] == lesson.url
    completion = LessonCompletion.objects.get(user=member, lesson=lesson)
    assert completion.source == CompletionSource.OFFLINE == "sin_conexion"
    assert completion.completed_at == when


def test_a_completion_sent_twice_is_recorded_once_and_the_second_says_already(
    member_client, member, course
):
    lesson = lessons_of(course)[0]
    item = done(lesson)

    first = results(send(member_client, member, [item]))
    second = results(send(member_client, member, [item]))

    assert first[0]["status"] == "recorded"
    assert second[0]["status"] == "already"
    assert second[0]["message"] == "Ya habías completado esta lección."
    assert LessonCompletion.objects.filter(user=member, lesson=lesson).count() == 1


def test_completing_every_lesson_offline_completes_the_course(
    member_client, member, course
):
    outcomes = results(
        send(member_client, member, [done(lesson) for lesson in lessons_of(course)])
    )

    assert [o["status"] for o in outcomes] == ["recorded"] * 3
    assert Enrollment.objects.get(user=member, course=course).is_completed
    # The last one says so, as the finished page does online.
    finished = f"¡Terminaste el curso «{course.title}»!"
    assert [finished in o["message"] for o in outcomes] == [False, False, True]
    assert "Tu constancia estará en Mi formación." in outcomes[-1]["message"]


# Quizzes


def test_a_quiz_answered_right_offline_is_graded_by_the_server_and_completes_the_lesson(
    member_client, member, quiz_lesson
):
    (outcome,) = results(
        send(member_client, member, [answered(quiz_lesson, right_answers(quiz_lesson))])
    )

    assert outcome["status"] == "recorded"
    assert outcome["message"] == "Aprobaste con 100%. ¡Lección completada!"
    attempt = QuizAttempt.objects.get(user=member, lesson=quiz_lesson)
    assert attempt.passed and attempt.score == 100
    assert attempt.source == CompletionSource.OFFLINE
    completion = LessonCompletion.objects.get(user=member, lesson=quiz_lesson)
    assert completion.source == CompletionSource.OFFLINE


def test_a_quiz_answered_wrong_offline_fails_and_leaves_the_lesson_to_do(
    member_client, member, quiz_lesson
):
    (outcome,) = results(
        send(member_client, member, [answered(quiz_lesson, wrong_answers(quiz_lesson))])
    )

    assert outcome["status"] == "recorded"
    assert "0%" in outcome["message"] and "70%" in outcome["message"]
    attempt = QuizAttempt.objects.get(user=member, lesson=quiz_lesson)
    assert not attempt.passed and attempt.score == 0
    assert not LessonCompletion.objects.filter(user=member).exists()


def test_the_phone_cannot_say_it_passed_the_server_grades_the_choices(
    member_client, member, quiz_lesson
):
    """Only the choices count: a "passed" or "score" the phone adds is ignored."""
    item = answered(quiz_lesson, wrong_answers(quiz_lesson))
    item["fields"].update({"passed": True, "score": 100})

    results(send(member_client, member, [item]))

    assert not QuizAttempt.objects.get(user=member).passed


def test_a_quiz_sent_twice_is_stored_once_per_key(member_client, member, quiz_lesson):
    item = answered(quiz_lesson, wrong_answers(quiz_lesson))

    first = results(send(member_client, member, [item]))
    second = results(send(member_client, member, [item, item]))

    assert first[0]["status"] == "recorded"
    assert [o["status"] for o in second] == ["already", "already"]
    assert second[0]["message"] == first[0]["message"]
    attempt = QuizAttempt.objects.get(user=member)
    assert attempt.client_key == item["key"]


def test_two_attempts_with_their_own_keys_are_two_attempts(
    member_client, member, quiz_lesson
):
    items = [
        answered(
            quiz_lesson,
            wrong_answers(quiz_lesson),
            at=days_ago(0) - timedelta(minutes=9),
        ),
        answered(
            quiz_lesson,
            right_answers(quiz_lesson),
            at=days_ago(0) - timedelta(minutes=2),
        ),
    ]

    outcomes = results(send(member_client, member, items))

    assert [o["status"] for o in outcomes] == ["recorded", "recorded"]
    assert QuizAttempt.objects.filter(user=member).count() == 2
    assert LessonCompletion.objects.filter(user=member, lesson=quiz_lesson).exists()


def test_the_attempt_limit_in_force_applies_to_a_quiz_answered_offline(
    member_client, member, quiz_lesson
):
    LessonPage.objects.filter(pk=quiz_lesson.pk).update(max_attempts=1)
    items = [
        answered(quiz_lesson, wrong_answers(quiz_lesson)),
        answered(quiz_lesson, right_answers(quiz_lesson)),
    ]

    outcomes = results(send(member_client, member, items))

    assert [o["status"] for o in outcomes] == ["recorded", "refused"]
    assert outcomes[1]["message"]
    assert QuizAttempt.objects.filter(user=member).count() == 1


# When it was done


@pytest.mark.parametrize("at", ["IN_30_DAYS", "9999-12-31T23:59:59-01:00"])
def test_a_time_in_the_future_is_recorded_as_now(member_client, member, course, at):
    lesson = lessons_of(course)[0]
    before = timezone.now()
    item = done(lesson, at=days_ago(-30))
    if at != "IN_30_DAYS":
        item["at"] = at

    (outcome,) = results(send(member_client, member, [item]))

    assert outcome["status"] == "recorded"
    completed_at = LessonCompletion.objects.get(user=member).completed_at
    assert before <= completed_at <= timezone.now()


def test_a_time_at_the_start_of_the_calendar_is_recorded_as_the_enrolment(
    member_client, member, course
):
    lesson = lessons_of(course)[0]
    enrolled_long_ago(member, course, enrolled_days=3, published_days=20)
    item = done(lesson)
    item["at"] = "0001-01-01T00:00:00+01:00"

    (outcome,) = results(send(member_client, member, [item]))

    assert outcome["status"] == "recorded"
    assert (
        LessonCompletion.objects.get(user=member).completed_at
        == Enrollment.objects.get(user=member).enrolled_at
    )


def test_a_time_before_the_enrolment_is_recorded_as_the_enrolment(
    member_client, member, course
):
    lesson = lessons_of(course)[0]
    enrolled_long_ago(member, course, enrolled_days=3, published_days=20)
    enrolled_at = Enrollment.objects.get(user=member).enrolled_at

    results(send(member_client, member, [done(lesson, at=days_ago(10))]))

    assert LessonCompletion.objects.get(user=member).completed_at == enrolled_at


def test_a_time_before_the_lesson_was_first_published_is_recorded_as_its_publication(
    member_client, member, course
):
    lesson = lessons_of(course)[0]
    enrolled_long_ago(member, course, enrolled_days=10, published_days=20)
    published = days_ago(1)
    LessonPage.objects.filter(pk=lesson.pk).update(first_published_at=published)

    results(send(member_client, member, [done(lesson, at=days_ago(5))]))

    assert LessonCompletion.objects.get(user=member).completed_at == published


def test_a_first_sync_enrols_her_and_a_past_time_becomes_now(
    member_client, member, course
):
    """Not enrolled before: she enrols now, so what she did cannot be earlier."""
    lesson = lessons_of(course)[0]
    before = timezone.now()

    results(send(member_client, member, [done(lesson, at=days_ago(3))]))

    enrollment = Enrollment.objects.get(user=member, course=course)
    completed_at = LessonCompletion.objects.get(user=member).completed_at
    assert completed_at == enrollment.enrolled_at >= before


def test_a_quiz_attempt_is_dated_within_the_same_bounds(
    member_client, member, quiz_lesson, course
):
    enrolled_long_ago(member, course, enrolled_days=5, published_days=20)
    when = days_ago(1).replace(microsecond=0)
    future = answered(quiz_lesson, wrong_answers(quiz_lesson), at=days_ago(-2))

    results(
        send(
            member_client,
            member,
            [answered(quiz_lesson, wrong_answers(quiz_lesson), at=when), future],
        )
    )

    dates = sorted(
        QuizAttempt.objects.filter(user=member).values_list("created_at", flat=True)
    )
    assert dates[0] == when
    assert dates[1] <= timezone.now()


def test_a_time_without_zone_is_read_as_utc(member_client, member, course):
    lesson = lessons_of(course)[0]
    enrolled_long_ago(member, course, enrolled_days=10, published_days=20)
    when = days_ago(2).replace(microsecond=0)
    item = done(lesson)
    item["at"] = when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")

    results(send(member_client, member, [item]))

    assert LessonCompletion.objects.get(user=member).completed_at == when


def test_the_time_as_the_phone_writes_it_is_understood(member_client, member, course):
    """The service worker writes ``new Date().toISOString()``: milliseconds
    and a Z."""
    lesson = lessons_of(course)[0]
    enrolled_long_ago(member, course, enrolled_days=10, published_days=20)
    when = days_ago(2).astimezone(UTC).replace(microsecond=511000)
    item = done(lesson)
    item["at"] = when.strftime("%Y-%m-%dT%H:%M:%S.511Z")

    (outcome,) = results(send(member_client, member, [item]))

    assert outcome["status"] == "recorded"
    assert LessonCompletion.objects.get(user=member).completed_at == when


# Refused items: a reason in Spanish, nothing recorded


def test_a_completion_for_a_lesson_since_unpublished_is_refused_with_a_message(
    member_client, member, course
):
    lesson = lessons_of(course)[0]
    lesson.unpublish()

    (outcome,) = results(send(member_client, member, [done(lesson)]))

    assert outcome["status"] == "refused"
    assert outcome["message"] == NOT_PUBLISHED
    assert nothing_recorded(member)
    assert not Enrollment.objects.filter(user=member).exists()


def test_a_completion_for_a_lesson_of_a_course_since_unpublished_is_refused(
    member_client, member, course
):
    lesson = lessons_of(course)[0]
    course.unpublish()

    (outcome,) = results(send(member_client, member, [done(lesson)]))

    assert outcome["status"] == "refused"
    assert outcome["message"] == NOT_PUBLISHED
    assert nothing_recorded(member)


def test_a_completion_for_a_lesson_behind_a_view_restriction_is_refused(
    member_client, member, course
):
    lesson = lessons_of(course)[0]
    PageViewRestriction.objects.create(
        page=lesson, restriction_type=PageViewRestriction.LOGIN
    )

    (outcome,) = results(send(member_client, member, [done(lesson)]))

    assert outcome["status"] == "refused"
    assert outcome["message"] == NOT_PUBLISHED
    assert nothing_recorded(member)


@pytest.mark.parametrize(
    "url",
    [
        "/cursos/no-existe/tampoco/completar/",
        "/cursos/asambleas-que-deciden/completar/",  # the course, not a lesson
        "/cursos/completar/",
        "/materiales/completar/",
        "/cursos/asambleas-que-deciden/que-es-un-consejo/",  # no action
        "/cursos/asambleas-que-deciden/que-es-un-consejo/borrar/",
        "http://otro.example/cursos/asambleas-que-deciden/que-es-un-consejo/completar/",
        "cursos/asambleas-que-deciden/que-es-un-consejo/completar/",
        "/" + "a/" * 300 + "completar/",
        "",
    ],
)
def test_an_unknown_url_or_one_of_another_page_type_is_refused(
    member_client, member, course, url
):
    item = done(lessons_of(course)[0])
    item["url"] = url

    (outcome,) = results(send(member_client, member, [item]))

    assert outcome["status"] == "refused"
    assert outcome["message"] == NOT_PUBLISHED
    assert nothing_recorded(member)


def test_a_quiz_changed_since_it_was_answered_is_refused_and_nothing_recorded(
    member_client, member, quiz_lesson
):
    """The editor rewrote the quiz while she was offline: her answers name
    questions and choices it no longer has. She is told the quiz changed, not
    that she left questions unanswered."""
    stale = right_answers(quiz_lesson)
    quiz_lesson.quiz = two_question_quiz()
    quiz_lesson.save_revision().publish()
    # The same questions kept, with choices rewritten.
    new_questions = [qid for qid, _choices in quiz_ids(quiz_lesson)]
    old_choices = list(stale.values())
    stale_choices = dict(zip(new_questions, old_choices, strict=True))

    outcomes = results(
        send(
            member_client,
            member,
            [answered(quiz_lesson, stale), answered(quiz_lesson, stale_choices)],
        )
    )

    assert [o["status"] for o in outcomes] == ["refused", "refused"]
    for outcome in outcomes:
        assert outcome["message"] == QUIZ_CHANGED
    assert nothing_recorded(member)
    assert not Enrollment.objects.filter(user=member).exists()


def test_a_lesson_with_a_quiz_sent_as_completed_is_refused(
    member_client, member, quiz_lesson
):
    (outcome,) = results(send(member_client, member, [done(quiz_lesson)]))

    assert outcome["status"] == "refused"
    assert (
        outcome["message"] == "Esta lección se completa al aprobar su autoevaluación."
    )
    assert nothing_recorded(member)


def test_a_quiz_with_answers_missing_is_refused(member_client, member, quiz_lesson):
    first_only = dict(list(right_answers(quiz_lesson).items())[:1])

    (outcome,) = results(
        send(member_client, member, [answered(quiz_lesson, first_only)])
    )

    assert outcome["status"] == "refused"
    assert outcome["message"] == (
        "Responde todas las preguntas y después revisa tus respuestas."
    )
    assert nothing_recorded(member)


def test_a_quiz_sent_for_a_lesson_without_quiz_is_refused(
    member_client, member, course
):
    lesson = lessons_of(course)[0]
    item = done(lesson)
    item["url"] = lesson.url + "autoevaluacion/"

    (outcome,) = results(send(member_client, member, [item]))

    assert outcome["status"] == "refused"
    assert outcome["message"] == "Esta lección no tiene autoevaluación."
    assert nothing_recorded(member)


def test_a_missing_prerequisite_refuses_the_item_with_the_course_message(
    member_client, member, course
):
    later = make_course("Rendición de cuentas", prerequisites=[course])
    lesson = make_lesson(later, "Cuentas claras")

    (outcome,) = results(send(member_client, member, [done(lesson)]))

    assert outcome["status"] == "refused"
    assert (
        outcome["message"] == "Antes de este curso, termina: «Asambleas que deciden»."
    )
    assert nothing_recorded(member)
    assert not Enrollment.objects.filter(user=member, course=later).exists()


def test_one_refused_item_does_not_stop_the_others(member_client, member, course):
    first, second, third = lessons_of(course)
    second.unpublish()

    outcomes = results(
        send(member_client, member, [done(first), done(second), done(third)])
    )

    assert [o["status"] for o in outcomes] == ["recorded", "refused", "recorded"]
    assert set(
        LessonCompletion.objects.filter(user=member).values_list("lesson", flat=True)
    ) == {first.pk, third.pk}


# A tampered or expired queue


def test_a_queue_under_another_person_s_key_is_refused_whole(
    member_client, member, course, make_user
):
    other = make_user("marta")

    response = send(
        member_client, member, [done(lessons_of(course)[0])], owner=owner_key(other)
    )

    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == "owner"
    assert response.json()["message"] == (
        "Lo guardado en este teléfono es de otra persona: no se envió con tu cuenta."
    )
    assert nothing_recorded(member) and nothing_recorded(other)


@pytest.mark.parametrize("owner", ["", "0" * 24, None, ["x"], 7])
def test_a_queue_without_her_key_is_refused_whole(member_client, member, course, owner):
    body = {"items": [done(lessons_of(course)[0])]}
    if owner is not None:
        body["owner"] = owner

    response = member_client.post(
        SYNC, data=json.dumps(body), content_type="application/json"
    )

    assert response.status_code == 403
    assert response.json()["error"] == "owner"
    assert nothing_recorded(member)


def test_the_owner_key_is_the_same_in_every_session_and_differs_between_people(
    member, make_user
):
    assert owner_key(member) == owner_key(type(member).objects.get(pk=member.pk))
    assert owner_key(member) != owner_key(make_user("marta"))
    assert member.username not in owner_key(member)


def test_an_expired_session_is_told_to_sign_in_again_and_nothing_is_recorded(
    client, member, course
):
    response = send(client, member, [done(lessons_of(course)[0])])

    assert response.status_code == 403
    assert response.json()["error"] == "session"
    assert response.json()["message"].startswith("Vuelve a entrar para enviar")
    assert nothing_recorded(member)


def csrf_client(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/mi-formacion/")  # the page sets the CSRF cookie
    return client


def test_a_session_that_ended_while_offline_is_told_to_sign_in_again(member, course):
    """The phone still has the page's CSRF token, the server no longer has
    her session: the queue is refused as a whole, in words for her, and kept."""
    from django.contrib.sessions.models import Session
    from django.core.cache import cache

    client = csrf_client(member)
    token = client.cookies["csrftoken"].value
    Session.objects.all().delete()
    cache.clear()  # sessions are cached_db

    response = send(client, member, [done(lessons_of(course)[0])], csrf=token)

    assert response.status_code == 403
    assert response.json()["error"] == "session"
    assert nothing_recorded(member)


def test_the_queue_is_accepted_with_the_page_s_csrf_token(member, course):
    client = csrf_client(member)
    token = client.cookies["csrftoken"].value

    response = send(client, member, [done(lessons_of(course)[0])], csrf=token)

    assert results(response)[0]["status"] == "recorded"


@pytest.mark.parametrize("token", ["", "not-the-token-" * 3])
def test_a_missing_or_invalid_csrf_token_is_refused_and_nothing_recorded(
    member, course, token
):
    client = csrf_client(member)

    response = send(client, member, [done(lessons_of(course)[0])], csrf=token)

    assert response.status_code == 403
    assert nothing_recorded(member)


def test_the_queue_is_only_posted(member_client):
    assert member_client.get(SYNC).status_code == 405


@pytest.mark.parametrize(
    "body",
    [
        b"no es json",
        b"\xff\xfe\x00",
        b"",
        b"[]",
        b"null",
        b'"items"',
        b'{"items": {"key": "abcdefgh"}}',
        b'{"items": "abc"}',
        b'{"owner": "x"}',
    ],
)
def test_a_body_that_is_not_a_queue_is_a_400(member_client, member, body):
    response = member_client.post(SYNC, data=body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["message"] == NOT_VALID
    assert nothing_recorded(member)


@pytest.mark.parametrize("size", [300_000, 3_000_000])
def test_a_huge_body_is_a_400_and_nothing_is_recorded(
    member_client, member, course, size
):
    """Beyond what a phone's queue can be, and beyond what Django reads."""
    items = [done(lessons_of(course)[0])]
    items[0]["fields"] = {"relleno": "x" * size}

    response = send(member_client, member, items)

    assert response.status_code == 400
    assert nothing_recorded(member)


@pytest.mark.parametrize(
    "key",
    [
        None,
        "",
        "corta",
        "x" * 41,
        "con espacios 123",
        "<script>1</script>",
        12345678,
        ["abcdefgh1"],
    ],
)
def test_a_bad_key_is_refused(member_client, member, course, key):
    item = done(lessons_of(course)[0])
    item["key"] = key

    (outcome,) = results(send(member_client, member, [item]))

    assert outcome["status"] == "refused"
    assert outcome["message"] == NOT_VALID
    assert len(outcome["key"]) <= 40
    assert nothing_recorded(member)


@pytest.mark.parametrize(
    "at",
    [
        None,
        "",
        "ayer",
        "2026-13-45T10:00:00",
        "2026-02-30T10:00:00Z",
        "2026-12-01T10:00:00+25:00",
        "2026-12-01T10:00:00+00:00" + " " * 30,
        "9" * 100,
        1733500000,
        ["2026-12-01T10:00:00Z"],
    ],
)
def test_a_bad_date_is_refused(member_client, member, course, at):
    item = done(lessons_of(course)[0])
    item["at"] = at

    (outcome,) = results(send(member_client, member, [item]))

    assert outcome["status"] == "refused"
    assert outcome["message"] == NOT_VALID
    assert nothing_recorded(member)


def test_only_the_first_fifty_items_are_taken(member_client, member, course):
    lesson = lessons_of(course)[0]
    items = [done(lesson) for _ in range(60)]

    outcomes = results(send(member_client, member, items))

    assert len(outcomes) == 50
    assert [o["key"] for o in outcomes] == [item["key"] for item in items[:50]]
    assert LessonCompletion.objects.filter(user=member).count() == 1


@pytest.mark.parametrize(
    "item",
    [
        None,
        "completar",
        7,
        [],
        {},
        {"key": "abcdefgh12"},
        {"key": "abcdefgh12", "url": 5, "at": "2026-12-01T10:00:00Z"},
        {"key": "abcdefgh12", "url": ["/cursos/"], "at": "2026-12-01T10:00:00Z"},
        {"key": "abcdefgh12", "url": {"a": 1}, "at": "2026-12-01T10:00:00Z"},
    ],
)
def test_an_item_of_the_wrong_shape_is_refused_without_a_server_error(
    member_client, member, item
):
    (outcome,) = results(send(member_client, member, [item]))

    assert outcome["status"] == "refused"
    assert outcome["message"]
    assert nothing_recorded(member)


@pytest.mark.parametrize(
    "fields",
    [
        None,
        "q-1=a",
        7,
        [],
        ["q"],
        {"q-x": "y"},
        "WRONG_TYPES",  # placeholder: each question's answers of a wrong type
    ],
)
def test_quiz_fields_of_the_wrong_type_are_refused_without_a_server_error(
    member_client, member, quiz_lesson, fields
):
    item = answered(quiz_lesson, {})
    if fields == "WRONG_TYPES":
        wrong = [7, {"a": 1}, None]
        fields = {
            f"q-{qid}": wrong[n % len(wrong)]
            for n, (qid, _c) in enumerate(quiz_ids(quiz_lesson))
        }
    item["fields"] = fields

    (outcome,) = results(send(member_client, member, [item]))

    assert outcome["status"] == "refused"
    assert outcome["message"] in (
        NOT_VALID,
        QUIZ_CHANGED,
        "Responde todas las preguntas y después revisa tus respuestas.",
    )
    assert nothing_recorded(member)


def test_a_single_string_answer_counts_as_one_choice(
    member_client, member, quiz_lesson
):
    """A form field with one value may come as a string, not a list."""
    item = answered(quiz_lesson, {})
    item["fields"] = {f"q-{qid}": choices[0] for qid, choices in quiz_ids(quiz_lesson)}

    (outcome,) = results(send(member_client, member, [item]))

    assert outcome["status"] == "recorded"
    assert QuizAttempt.objects.get(user=member).passed


def test_several_choices_where_one_is_asked_are_refused(
    member_client, member, quiz_lesson
):
    both = dict(quiz_ids(quiz_lesson))

    (outcome,) = results(send(member_client, member, [answered(quiz_lesson, both)]))

    assert outcome["status"] == "refused"
    assert nothing_recorded(member)


# Cost


def sync_queries(client, user, items):
    with CaptureQueriesContext(connection) as queries:
        results(send(client, user, items))
    return len(queries)


def test_a_sync_s_queries_grow_at_most_linearly_with_its_items(
    make_user, course, django_assert_max_num_queries
):
    """A phone that was offline a week sends many items at once: each costs a
    bounded number of queries, never one per lesson of the site."""
    lessons = lessons_of(course)
    extra = make_course("Finanzas comunitarias")
    lessons += [make_lesson(extra, f"Lección {n}") for n in range(1, 8)]
    people = [make_user(name) for name in ("una", "cinco", "diez", "otra")]
    clients = []
    for user in people:
        client = Client()
        client.force_login(user)
        clients.append(client)

    one = sync_queries(clients[0], people[0], [done(lessons[0])])
    five = sync_queries(clients[1], people[1], [done(x) for x in lessons[:5]])
    ten = sync_queries(clients[2], people[2], [done(x) for x in lessons[:10]])

    per_item = (five - one) / 4
    assert (ten - five) / 5 <= per_item + 3, (one, five, ten)
    with django_assert_max_num_queries(140):
        results(send(clients[3], people[3], [done(x) for x in lessons[:5]]))
