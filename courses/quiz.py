"""A lesson's quiz, apart from the page that holds it: the order its choices
are shown in, the grading of answers, and what its attempt policy allows now.
Nothing here reads or writes the database."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class QuizAttemptState:
    """What a quiz's attempt policy allows a person now: ``attempts_left`` is
    None without a limit; ``retry_at`` is set while a wait is running."""

    attempts_left: int | None
    retry_at: datetime | None

    @property
    def open(self):
        return self.attempts_left != 0 and self.retry_at is None

    def refusal(self):
        """Why the person cannot send an attempt now, for them; None if they can."""
        if self.attempts_left == 0:
            return _("You have used every attempt this quiz allows.")
        if self.retry_at:
            when = date_format(timezone.localtime(self.retry_at), "DATETIME_FORMAT")
            return _("You can try again from %(when)s.") % {"when": when}
        return None


def attempt_id_in(query):
    """The attempt number ``?intento=`` names in ``query`` (a QueryDict), or
    None when it names none: ASCII digits only ("²" is a digit to isdigit()
    that int() refuses), and short."""
    value = query.get("intento", "")
    if value.isascii() and value.isdigit() and len(value) < 12:
        return int(value)
    return None


def choice_order_key(bound_choice, seed):
    """Sorting choices by this puts them in an order of their own for each
    ``seed``, the same every time, and unpredictable without the secret key."""
    value = f"{seed}:{bound_choice.id}"
    return salted_hmac("courses.quiz.choice_order", value).digest()


def quiz_grade(lesson, answers):
    """Score submitted ``answers`` ({question id: [choice ids]}) against the quiz.

    Graded by the choices' ids, whatever order they were shown in. Only ids of
    this lesson's own questions and choices count: for a stored attempt whose
    quiz was rewritten since, an answer whose choice is gone is simply wrong.
    Returns (score, per-question feedback list).
    """
    results = []
    correct_count = 0
    for question in lesson.quiz:
        choices = list(
            zip(
                question.value["choices"].bound_blocks,
                question.value["choices"],
                strict=True,
            )
        )
        valid_ids = {bound.id for bound, _ in choices}
        chosen = {
            choice_id
            for choice_id in answers.get(question.id, [])
            if choice_id in valid_ids
        }
        correct_ids = {bound.id for bound, choice in choices if choice["correct"]}
        is_correct = bool(chosen) and chosen == correct_ids
        correct_count += is_correct
        results.append(
            {
                "question": question.value["text"],
                "correct": is_correct,
                "feedback": [
                    {
                        "text": choice["text"],
                        "chosen": bound.id in chosen,
                        "right": choice["correct"],
                        "feedback": choice["feedback"],
                    }
                    for bound, choice in choices
                    if bound.id in chosen or choice["correct"]
                ],
            }
        )
    total = len(results)
    # Rounded down: the score shown is never above the share of right
    # answers, so "score >= pass mark" is exact (2 of 3 is 66%, below 67%).
    score = 100 * correct_count // total if total else 0
    return score, results


def attempt_outcome(attempt, lesson):
    """What a person is told of a graded attempt, online or sent from her phone."""
    if attempt.passed:
        return _("You passed with %(score)s%%. Lesson completed!") % {
            "score": attempt.score
        }
    return _(
        "You got %(score)s%%; you need %(mark)s%%. Review the lesson and try again."
    ) % {"score": attempt.score, "mark": lesson.pass_mark}
