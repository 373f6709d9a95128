"""Bad input while learning: a clear Spanish message or a no-op, never a duplicate
row, never a 500."""

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from wagtail.models import PageViewRestriction

from courses.models import (
    Certificate,
    CoursePage,
    Enrollment,
    LessonCompletion,
    LessonPage,
    QuizAttempt,
)
from tests.courses import learning_fixtures
from tests.courses.learning_fixtures import (
    lessons_of,
    make_course,
    make_lesson,
    quiz_data,
    quiz_ids,
    signed_in,
    two_question_quiz,
)

pytestmark = pytest.mark.django_db

course = learning_fixtures.course
member = learning_fixtures.member
member_client = learning_fixtures.member_client


@pytest.fixture
def quiz_lesson(course):
    return make_lesson(course, "Evaluación", quiz=two_question_quiz(), pass_mark=50)


@pytest.fixture
def other_quiz_lesson(db):
    """A lesson of another course with the same questions, but other ids."""
    other = make_course("Contraloría ciudadana", axis_number=2)
    return make_lesson(other, "Evaluación ajena", quiz=two_question_quiz())


def right_answers(lesson):
    return {f"q-{qid}": choice_ids[0] for qid, choice_ids in quiz_ids(lesson)}


# Quiz answers that do not belong to the lesson, or are missing: the form never
# sends them, so they are refused with a message and nothing is recorded.

ANSWER_EVERY_QUESTION = "Responde todas las preguntas y después revisa tus respuestas."
NOT_THIS_QUIZ = (
    "Estas respuestas no son de esta autoevaluación (quizá cambió mientras "
    "tanto): vuelve a cargar la página y responde de nuevo."
)


def assert_quiz_refused(response, message):
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not QuizAttempt.objects.exists()
    assert not LessonCompletion.objects.exists()
    assert not Enrollment.objects.exists()  # the enrolment is undone too


def test_right_answers_from_another_lessons_quiz_are_refused(
    member_client, member, quiz_lesson, other_quiz_lesson
):
    own = quiz_ids(quiz_lesson)
    foreign = quiz_ids(other_quiz_lesson)
    data = {
        f"q-{own_qid}": foreign_choices[0]
        for (own_qid, _choices), (_qid, foreign_choices) in zip(
            own, foreign, strict=True
        )
    }

    response = member_client.post(
        quiz_lesson.url + "autoevaluacion/", data, follow=True
    )

    assert_quiz_refused(response, NOT_THIS_QUIZ)


def test_a_foreign_answer_next_to_the_right_one_is_refused(
    member_client, member, course, other_quiz_lesson
):
    """A choice from another quiz with a right answer: nothing is graded."""
    lesson = make_lesson(course, "Exigente", quiz=two_question_quiz(), pass_mark=100)
    (q1, (right1, _w1)), (q2, (right2, _w2)) = quiz_ids(lesson)
    (_f1, (foreign, _)), _ = quiz_ids(other_quiz_lesson)

    response = member_client.post(
        lesson.url + "autoevaluacion/",
        {f"q-{q1}": [right1], f"q-{q2}": [right2, foreign]},
        follow=True,
    )

    assert_quiz_refused(response, NOT_THIS_QUIZ)


def test_two_answers_to_a_question_that_asks_for_one_are_refused(
    member_client, member, quiz_lesson
):
    (q1, (right1, wrong1)), (q2, (right2, _w2)) = quiz_ids(quiz_lesson)

    response = member_client.post(
        quiz_lesson.url + "autoevaluacion/",
        {f"q-{q1}": [right1, wrong1], f"q-{q2}": [right2]},
        follow=True,
    )

    assert_quiz_refused(response, NOT_THIS_QUIZ)


def test_answers_under_another_lessons_question_ids_are_refused(
    member_client, member, quiz_lesson, other_quiz_lesson
):
    response = member_client.post(
        quiz_lesson.url + "autoevaluacion/",
        right_answers(other_quiz_lesson),
        follow=True,
    )

    assert_quiz_refused(response, ANSWER_EVERY_QUESTION)
    assert not QuizAttempt.objects.filter(lesson=other_quiz_lesson).exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", ANSWER_EVERY_QUESTION),
        ("no-es-un-id", NOT_THIS_QUIZ),
        ("x" * 5000, NOT_THIS_QUIZ),
        ("<script>alert(1)</script>", NOT_THIS_QUIZ),
        ("0", NOT_THIS_QUIZ),
    ],
    ids=["empty", "not-an-id", "long", "markup", "position"],
)
def test_garbage_answers_are_refused(
    member_client, member, quiz_lesson, value, message
):
    data = {f"q-{qid}": value for qid, _choices in quiz_ids(quiz_lesson)}

    response = member_client.post(
        quiz_lesson.url + "autoevaluacion/", data, follow=True
    )

    assert_quiz_refused(response, message)
    assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.parametrize("answered", [0, 1], ids=["none", "one-of-two"])
def test_a_quiz_with_unanswered_questions_is_refused(
    member_client, member, quiz_lesson, answered
):
    data = dict(list(right_answers(quiz_lesson).items())[:answered])

    response = member_client.post(
        quiz_lesson.url + "autoevaluacion/", data, follow=True
    )

    assert_quiz_refused(response, ANSWER_EVERY_QUESTION)


def test_many_repeated_answers_are_stored_once(member_client, member, quiz_lesson):
    (qid, choices), (second, second_choices) = quiz_ids(quiz_lesson)

    response = member_client.post(
        quiz_lesson.url + "autoevaluacion/",
        {f"q-{qid}": [choices[1]] * 500, f"q-{second}": second_choices[0]},
    )

    assert response.status_code == 302
    attempt = QuizAttempt.objects.get(user=member)
    assert attempt.answers[qid] == [choices[1]]
    assert attempt.score == 50


def test_another_members_attempt_is_not_shown(member, quiz_lesson, make_user):
    other = signed_in(make_user("otra", first_name="Otra"))
    other.post(quiz_lesson.url + "autoevaluacion/", right_answers(quiz_lesson))
    attempt = QuizAttempt.objects.get()

    response = signed_in(member).get(f"{quiz_lesson.url}?intento={attempt.pk}")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Aprobaste con" not in html
    assert "Así es: decide la comunidad reunida." not in html


# "²" and "٣" are digits to str.isdigit(); int() refuses the first.
@pytest.mark.parametrize(
    "value", ["abc", "-1", "99999999999999999999", "1e3", "", "²", "٣"]
)
def test_a_bad_attempt_number_in_the_address_is_ignored(
    member_client, quiz_lesson, value
):
    response = member_client.get(f"{quiz_lesson.url}?intento={value}")

    assert response.status_code == 200
    assert "Obtuviste" not in response.content.decode()


def test_a_get_to_the_quiz_stores_no_attempt(member_client, quiz_lesson):
    response = member_client.get(quiz_lesson.url + "autoevaluacion/")

    assert response.status_code == 302
    assert response["Location"] == quiz_lesson.url
    assert not QuizAttempt.objects.exists()


def test_an_anonymous_quiz_submission_goes_to_sign_in(client, quiz_lesson):
    response = client.post(
        quiz_lesson.url + "autoevaluacion/", right_answers(quiz_lesson)
    )

    assert response["Location"] == f"/cuenta/entrar/?next={quiz_lesson.url}"
    assert not QuizAttempt.objects.exists()


def test_submitting_a_quiz_to_a_lesson_without_one_is_refused_in_spanish(
    member_client, course
):
    lesson = lessons_of(course)[0]

    response = member_client.post(lesson.url + "autoevaluacion/", follow=True)

    assert response.status_code == 200
    assert "Esta lección no tiene autoevaluación." in response.content.decode()
    assert not QuizAttempt.objects.exists()
    assert not LessonCompletion.objects.exists()
    assert not Enrollment.objects.exists()  # nor an enrolment: nothing changed


def test_two_of_three_right_is_below_a_pass_mark_of_67(member_client, course):
    three = quiz_data(
        *[(f"Pregunta {n}", [("Sí", True, ""), ("No", False, "")]) for n in (1, 2, 3)]
    )
    lesson = make_lesson(course, "Tres preguntas", quiz=three, pass_mark=67)
    answers = {
        f"q-{qid}": choice_ids[0 if n < 2 else 1]
        for n, (qid, choice_ids) in enumerate(quiz_ids(lesson))
    }

    response = member_client.post(lesson.url + "autoevaluacion/", answers, follow=True)

    assert "Obtuviste 66%; necesitas 67%." in response.content.decode()
    attempt = QuizAttempt.objects.get()
    assert (attempt.score, attempt.passed) == (66, False)
    assert not LessonCompletion.objects.exists()


def test_a_double_submitted_passing_quiz_is_two_attempts_and_one_completion(
    member_client, member, quiz_lesson
):
    for _ in range(2):
        response = member_client.post(
            quiz_lesson.url + "autoevaluacion/", right_answers(quiz_lesson)
        )
        assert response.status_code == 302

    assert QuizAttempt.objects.filter(user=member).count() == 2
    assert LessonCompletion.objects.filter(user=member).count() == 1
    assert Enrollment.objects.filter(user=member).count() == 1


# Unpublished lessons and courses


def test_a_draft_lesson_cannot_be_completed(member_client, member, course):
    draft = make_lesson(course, "Borrador de lección", live=False)
    assert not draft.live

    response = member_client.post(f"{course.url}{draft.slug}/completar/")

    assert response.status_code == 404
    assert not LessonCompletion.objects.exists()
    assert not Enrollment.objects.exists()


def test_a_draft_quiz_cannot_be_submitted(member_client, member, course):
    draft = make_lesson(course, "Borrador", quiz=two_question_quiz(), live=False)

    response = member_client.post(
        f"{course.url}borrador/autoevaluacion/", right_answers(draft)
    )

    assert response.status_code == 404
    assert not QuizAttempt.objects.exists()
    assert not LessonCompletion.objects.exists()


def test_an_unpublished_lesson_cannot_be_completed(member_client, course):
    lesson = lessons_of(course)[0]
    lesson.unpublish()

    response = member_client.post(f"{course.url}{lesson.slug}/completar/")

    assert response.status_code == 404
    assert not LessonCompletion.objects.exists()


@pytest.fixture
def lesson_of_unpublished_course(course):
    """A live lesson whose course was taken offline (the lesson stayed live)."""
    lesson = lessons_of(course)[0]
    CoursePage.objects.filter(pk=course.pk).update(live=False)
    assert LessonPage.objects.get(pk=lesson.pk).live
    return lesson


def test_a_lesson_of_an_unpublished_course_cannot_be_completed(
    member_client, course, lesson_of_unpublished_course
):
    response = member_client.post(lesson_of_unpublished_course.url + "completar/")

    assert response.status_code == 404
    assert not LessonCompletion.objects.exists()
    assert not Enrollment.objects.exists()


def test_a_quiz_of_an_unpublished_course_cannot_be_submitted(member_client, course):
    lesson = make_lesson(course, "Evaluación final", quiz=two_question_quiz())
    CoursePage.objects.filter(pk=course.pk).update(live=False)

    response = member_client.post(lesson.url + "autoevaluacion/", right_answers(lesson))

    assert response.status_code == 404
    assert not QuizAttempt.objects.exists()
    assert not LessonCompletion.objects.exists()


def test_an_unpublished_course_cannot_be_enrolled_in(member_client, course):
    url = course.url
    course.unpublish()

    response = member_client.post(url + "inscribirme/")

    assert response.status_code == 404
    assert not Enrollment.objects.exists()


def test_a_private_course_s_lessons_cannot_be_completed(member_client, course):
    PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    lesson = lessons_of(course)[0]

    response = member_client.post(lesson.url + "completar/")

    assert response.status_code in (200, 302, 404)
    assert not LessonCompletion.objects.exists()


# Prerequisites also guard studying


def test_lessons_of_a_course_with_missing_prerequisites_cannot_be_completed(
    member_client, member, course
):
    advanced = make_course("Contraloría ciudadana", prerequisites=[course])
    lesson = make_lesson(advanced, "Leer un presupuesto")

    response = member_client.post(lesson.url + "completar/", follow=True)

    assert "Antes de este curso, termina: «Asambleas que deciden»." in (
        response.content.decode()
    )
    assert not LessonCompletion.objects.exists()
    assert not Enrollment.objects.filter(course=advanced).exists()


# Double submits and missing CSRF tokens


def test_enrolling_many_times_is_one_enrolment(member_client, member, course):
    for _ in range(3):
        assert member_client.post(course.url + "inscribirme/").status_code == 302

    assert Enrollment.objects.filter(user=member).count() == 1


@pytest.mark.parametrize("action", ["inscribirme/", "completar/", "autoevaluacion/"])
def test_a_missing_csrf_token_is_refused(member, course, quiz_lesson, action):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    page = quiz_lesson if action == "autoevaluacion/" else course
    if action == "completar/":
        page = lessons_of(course)[0]

    response = client.post(page.url + action, right_answers(quiz_lesson))

    assert response.status_code == 403
    assert not Enrollment.objects.exists()
    assert not LessonCompletion.objects.exists()
    assert not QuizAttempt.objects.exists()


def test_unique_constraints_back_every_only_once_rule(member, course):
    lesson = lessons_of(course)[0]
    Enrollment.objects.create(user=member, course=course)
    LessonCompletion.objects.create(user=member, lesson=lesson, course=course)

    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.create(user=member, course=course)
    with pytest.raises(IntegrityError), transaction.atomic():
        LessonCompletion.objects.create(user=member, lesson=lesson, course=course)
    certificate = {
        "person_name": "Lucía",
        "course_title": course.title,
        "axis_name": "Democracia participativa y directa",
        "hours": 4,
    }
    Certificate.objects.create(user=member, course=course, **certificate)
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(user=member, course=course, **certificate)
