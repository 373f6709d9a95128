"""Quizzes and lessons refuse bad data with a Spanish message."""

import json

import pytest
from django.core.exceptions import ValidationError

from courses.blocks import QuestionBlock, QuizStreamBlock
from courses.factories import (
    CoursePageFactory,
    LessonPageFactory,
    quiz_question,
    sample_quiz,
)
from courses.models import LessonPage

pytestmark = pytest.mark.django_db

NO_CORRECT_ANSWER = "Marca al menos una respuesta como correcta."


def error_text(error):
    """Every message inside a (block) validation error, as one string."""
    if hasattr(error, "as_json_data"):
        return json.dumps(error.as_json_data(), ensure_ascii=False, default=str)
    return " ".join(str(message) for message in error.messages)


def clean_quiz(raw_questions):
    block = LessonPage._meta.get_field("quiz").stream_block
    return block.clean(block.to_python(raw_questions))


def test_a_question_without_a_correct_answer_is_refused_in_spanish():
    question = quiz_question(
        "¿Quién decide?",
        [("Nadie", False, ""), ("El gobierno", False, "")],
    )

    with pytest.raises(ValidationError) as error:
        clean_quiz([question])

    assert NO_CORRECT_ANSWER in error_text(error.value)


def test_the_question_block_itself_refuses_it():
    block = QuestionBlock()
    value = block.to_python(
        {
            "text": "¿Quién decide?",
            "choices": [
                {"text": "Nadie", "correct": False, "feedback": ""},
                {"text": "El gobierno", "correct": False, "feedback": ""},
            ],
        }
    )

    with pytest.raises(ValidationError) as error:
        block.clean(value)

    assert NO_CORRECT_ANSWER in error_text(error.value)


def test_one_bad_question_among_good_ones_is_refused():
    bad = quiz_question("¿Y ahora?", [("Sí", False, ""), ("No", False, "")])

    with pytest.raises(ValidationError) as error:
        clean_quiz([*sample_quiz(), bad])

    assert NO_CORRECT_ANSWER in error_text(error.value)


def test_one_or_more_correct_answers_are_accepted():
    several = quiz_question(
        "¿Qué hace una asamblea?",
        [("Delibera", True, ""), ("Decide", True, ""), ("Obedece", False, "")],
    )

    cleaned = clean_quiz([*sample_quiz(), several])

    assert len(cleaned) == 2


def test_a_question_needs_at_least_two_answers():
    lonely = quiz_question("¿Sola?", [("Sí", True, "")])

    with pytest.raises(ValidationError):
        clean_quiz([lonely])


def test_an_empty_quiz_is_allowed():
    assert len(QuizStreamBlock(required=False).clean([])) == 0
    lesson = LessonPageFactory(parent=CoursePageFactory(), quiz=[])
    lesson.full_clean()


@pytest.mark.parametrize("pass_mark", [101, -1, 1000])
def test_a_pass_mark_outside_0_to_100_is_refused(pass_mark):
    lesson = LessonPageFactory(parent=CoursePageFactory(), quiz=sample_quiz())
    lesson.pass_mark = pass_mark

    with pytest.raises(ValidationError) as error:
        lesson.full_clean()

    assert "pass_mark" in error.value.message_dict
    message = " ".join(error.value.message_dict["pass_mark"])
    assert any(word in message for word in ("menor", "mayor", "entero")), message


@pytest.mark.parametrize("pass_mark", [0, 100])
def test_pass_marks_at_the_edges_are_accepted(pass_mark):
    lesson = LessonPageFactory(parent=CoursePageFactory(), quiz=sample_quiz())
    lesson.pass_mark = pass_mark

    lesson.full_clean()


def test_a_course_needs_a_primary_axis_and_a_summary():
    course = CoursePageFactory()
    course.primary_axis = None
    course.summary = ""

    with pytest.raises(ValidationError) as error:
        course.full_clean()

    assert {"primary_axis", "summary"} <= set(error.value.message_dict)
