"""A quiz certifies what a person knows, not where the right answer sits.

Choices are shown in an order of each person's own, another on each attempt
(stable while the page is reloaded), and graded by which choice was picked,
never by its position; editors can limit attempts and make people wait between
them, as Moodle does; the demo quizzes do not keep the right answer first.
"""

import json
import re
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from courses.factories import CoursePageFactory
from courses.models import Enrollment, LessonCompletion, LessonPage, QuizAttempt
from tests.courses.learning_fixtures import (
    make_course,
    make_lesson,
    messages_of,
    quiz_data,
    quiz_ids,
    signed_in,
    two_question_quiz,
)

from .conftest import lesson_form_data

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PLACES = ["la colonia", "el ejido", "el barrio", "la escuela", "el mercado"]


def eight_choice_quiz():
    """Two questions of eight choices each, the right one written first: 8! =
    40,320 orders per question, so two people sharing one is negligible."""
    return quiz_data(
        *(
            (
                f"¿Dónde se reúne la asamblea de {place}?",
                [("En el lugar que acuerda", True, "")]
                + [(f"Opción falsa {n} de {place}", False, "") for n in range(7)],
            )
            for place in PLACES[:2]
        )
    )


@pytest.fixture
def lesson(db):
    course = make_course("Asambleas que deciden")
    return make_lesson(course, "Dónde reunirnos", quiz=eight_choice_quiz())


@pytest.fixture
def people(make_user):
    return make_user("ana", first_name="Ana"), make_user("beto", first_name="Beto")


def shown_order(client, lesson):
    """{question id: [choice ids in the order the form shows them]}."""
    response = client.get(lesson.url)
    assert response.status_code == 200
    html = response.content.decode()
    order = {}
    for question_id, value in re.findall(
        r'<input [^>]*name="q-([^"]+)" id="c-[^"]+" value="([^"]+)"', html
    ):
        order.setdefault(question_id, []).append(value)
    return order


def right_choice(lesson, question_id):
    lesson = LessonPage.objects.get(pk=lesson.pk)
    question = next(q for q in lesson.quiz if q.id == question_id)
    return next(
        bound.id
        for bound in question.value["choices"].bound_blocks
        if bound.value["correct"]
    )


def submit(client, lesson, data):
    return client.post(lesson.url + "autoevaluacion/", data, follow=True)


def test_two_people_see_the_choices_in_different_orders(lesson, people):
    ana, beto = (signed_in(person) for person in people)
    written = dict(quiz_ids(lesson))

    ana_order, beto_order = shown_order(ana, lesson), shown_order(beto, lesson)

    for question_id, choices in written.items():
        # The same choices, every one once…
        assert sorted(ana_order[question_id]) == sorted(choices)
        assert sorted(beto_order[question_id]) == sorted(choices)
        # …in an order of each person's, not as written (right answer first).
        assert ana_order[question_id] != beto_order[question_id]
        assert ana_order[question_id] != choices
        assert beto_order[question_id] != choices
    # Reloading the page keeps the order: it is the person's attempt's.
    assert shown_order(ana, lesson) == ana_order


def test_each_attempt_brings_a_new_order(lesson, people):
    ana = signed_in(people[0])
    first = shown_order(ana, lesson)
    wrong = {
        f"q-{qid}": next(c for c in order if c != right_choice(lesson, qid))
        for qid, order in first.items()
    }

    submit(ana, lesson, wrong)

    second = shown_order(ana, lesson)
    assert QuizAttempt.objects.filter(user=people[0]).count() == 1
    assert all(second[qid] != first[qid] for qid in first)
    assert shown_order(ana, lesson) == second


def test_answers_are_graded_by_the_choice_whatever_its_position(long_lesson, people):
    # Twenty questions: Ana's right answers all sitting where Beto's are is
    # a chance of 8**-20.
    lesson = long_lesson
    ana, beto = (signed_in(person) for person in people)
    ana_order, beto_order = shown_order(ana, lesson), shown_order(beto, lesson)
    rights = {qid: right_choice(lesson, qid) for qid in ana_order}

    # Ana picks the right choices, wherever her page put them: she passes.
    response = submit(ana, lesson, {f"q-{q}": right for q, right in rights.items()})
    # Beto picks, in his own order, the places where Ana's right answers were.
    places = {qid: ana_order[qid].index(right) for qid, right in rights.items()}
    picked = {qid: beto_order[qid][place] for qid, place in places.items()}
    submit(beto, lesson, {f"q-{qid}": choice for qid, choice in picked.items()})

    assert "Aprobaste con 100%" in response.content.decode()
    assert LessonCompletion.objects.filter(user=people[0], lesson=lesson).exists()
    expected = 100 * sum(picked[q] == rights[q] for q in rights) // len(rights)
    beto_attempt = QuizAttempt.objects.get(user=people[1])
    assert beto_attempt.score == expected
    assert beto_attempt.answers == {qid: [choice] for qid, choice in picked.items()}
    # The positions of Ana's right answers are not Beto's right answers.
    assert expected < 100


def twenty_question_quiz():
    """Twenty questions of eight choices, the right one written first. Always
    taking the first option shown passes (14 of 20 right) with a chance of
    about one in a hundred million per attempt: a test that cannot be lucky,
    as two questions were (one attempt in 64)."""
    return quiz_data(
        *(
            (
                f"Pregunta {number} sobre la asamblea",
                [("La respuesta correcta", True, "")]
                + [(f"Opción falsa {n}", False, "") for n in range(7)],
            )
            for number in range(1, 21)
        )
    )


@pytest.fixture
def long_lesson(db):
    course = make_course("Cuidar la asamblea")
    return make_lesson(course, "Veinte preguntas", quiz=twenty_question_quiz())


def test_always_choosing_the_first_option_does_not_pass(long_lesson, people):
    lesson = long_lesson
    ana = signed_in(people[0])
    for _attempt in range(3):
        order = shown_order(ana, lesson)
        assert len(order) == 20
        submit(ana, lesson, {f"q-{qid}": choices[0] for qid, choices in order.items()})

    assert QuizAttempt.objects.filter(user=people[0]).count() == 3
    assert not QuizAttempt.objects.filter(user=people[0], passed=True).exists()


def test_visitors_share_one_order_that_is_not_the_written_one(client, lesson):
    """The public page may come from the shared cache: one order for all."""
    question = LessonPage.objects.get(pk=lesson.pk).quiz[0]
    written = [bound.value["text"] for bound in question.value["choices"].bound_blocks]

    html = client.get(lesson.url).content.decode()

    listed = html.split('class="quiz__question"')[1].split("</ul>")[0]
    shown = re.findall(r"<li>([^<]+)</li>", listed)
    assert sorted(shown) == sorted(written)
    assert shown != written
    assert client.get(lesson.url).content.decode() == html


def test_the_demo_quizzes_do_not_keep_the_right_answer_in_one_place():
    courses = json.loads((ROOT / "home/demo_data/courses.json").read_text())
    places = Counter(
        next(n for n, choice in enumerate(question["choices"]) if choice["correct"])
        for course in courses
        for lesson in course["lessons"]
        if lesson.get("quiz")
        for question in lesson["quiz"]["questions"]
    )
    questions = sum(places.values())

    assert questions >= 60
    assert set(places) == {0, 1, 2}  # every place of their three choices
    assert max(places.values()) < questions / 2


# The attempt policy: per quiz, enforced on the server.

ANSWERS_WRONG = [1, 1]


def answers(lesson, picks):
    return {
        f"q-{question_id}": choice_ids[pick]
        for (question_id, choice_ids), pick in zip(quiz_ids(lesson), picks, strict=True)
    }


@pytest.fixture
def member(make_user):
    return make_user("lucia", first_name="Lucía")


def test_by_default_a_person_fails_and_tries_again_at_once(member):
    lesson = make_lesson(
        make_course("Rendir cuentas"), "Cuentas", quiz=two_question_quiz()
    )
    client = signed_in(member)

    submit(client, lesson, answers(lesson, ANSWERS_WRONG))
    response = submit(client, lesson, answers(lesson, [0, 0]))

    assert "Aprobaste con 100%" in response.content.decode()
    assert QuizAttempt.objects.filter(user=member).count() == 2


def test_a_quiz_allows_its_attempts_and_refuses_the_next(member):
    lesson = make_lesson(
        make_course("Rendir cuentas"), "Cuentas", quiz=two_question_quiz()
    )
    LessonPage.objects.filter(pk=lesson.pk).update(max_attempts=2)
    client = signed_in(member)
    assert "Tienes 2 intentos." in client.get(lesson.url).content.decode()

    submit(client, lesson, answers(lesson, ANSWERS_WRONG))
    assert "Te queda 1 intento." in client.get(lesson.url).content.decode()
    submit(client, lesson, answers(lesson, ANSWERS_WRONG))
    refused = submit(client, lesson, answers(lesson, [0, 0]))

    message = "Ya usaste todos los intentos que permite esta autoevaluación."
    assert message in messages_of(refused)
    assert QuizAttempt.objects.filter(user=member).count() == 2
    assert not LessonCompletion.objects.exists()
    page = client.get(lesson.url).content.decode()
    assert message in page
    assert 'class="quiz__form"' not in page  # no form to send


def test_a_wait_between_attempts_says_when_to_try_again(member):
    lesson = make_lesson(
        make_course("Rendir cuentas"), "Cuentas", quiz=two_question_quiz()
    )
    LessonPage.objects.filter(pk=lesson.pk).update(attempt_wait_minutes=30)
    client = signed_in(member)
    assert (
        "espera 30 minutos antes del siguiente"
        in client.get(lesson.url).content.decode()
    )

    submit(client, lesson, answers(lesson, ANSWERS_WRONG))
    refused = submit(client, lesson, answers(lesson, [0, 0]))

    first = QuizAttempt.objects.get(user=member)
    retry_at = timezone.localtime(first.received_at + timedelta(minutes=30))
    when = date_format(retry_at, "DATETIME_FORMAT")
    message = f"Podrás intentarlo de nuevo a partir del {when}."
    assert message in messages_of(refused)
    assert message in client.get(lesson.url).content.decode()
    assert QuizAttempt.objects.filter(user=member).count() == 1
    assert not Enrollment.objects.filter(completed_at__isnull=False).exists()

    # Half an hour later, the next attempt is taken.
    QuizAttempt.objects.update(received_at=first.received_at - timedelta(minutes=31))
    response = submit(client, lesson, answers(lesson, [0, 0]))

    assert "Aprobaste con 100%" in response.content.decode()
    assert QuizAttempt.objects.filter(user=member).count() == 2


def test_editors_set_the_attempt_policy_in_the_admin(client, editor):
    client.force_login(editor)
    course = CoursePageFactory()
    data = lesson_form_data(
        "Dar seguimiento", "dar-seguimiento", "Un acuerdo sin seguimiento se olvida."
    )
    data.update(max_attempts="3", attempt_wait_minutes="15")

    response = client.post(f"/admin/pages/add/courses/lessonpage/{course.pk}/", data)

    assert response.status_code == 302
    lesson = LessonPage.objects.get(slug="dar-seguimiento")
    assert (lesson.max_attempts, lesson.attempt_wait_minutes) == (3, 15)


@pytest.mark.parametrize(
    ("field", "value"),
    [("max_attempts", "0"), ("max_attempts", "101"), ("attempt_wait_minutes", "10081")],
)
def test_the_admin_refuses_a_policy_out_of_range(client, editor, field, value):
    client.force_login(editor)
    course = CoursePageFactory()
    data = lesson_form_data(
        "Dar seguimiento", "dar-seguimiento", "Un acuerdo sin seguimiento se olvida."
    )
    data[field] = value

    response = client.post(f"/admin/pages/add/courses/lessonpage/{course.pk}/", data)

    assert response.status_code == 200
    assert not LessonPage.objects.filter(slug="dar-seguimiento").exists()
