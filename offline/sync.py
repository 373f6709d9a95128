"""What a member did offline, sent when her phone is back online: lessons
marked as studied and quizzes answered, each an ordinary completion or graded
attempt (source "sin conexión"), recorded as if done then.

Each item is taken on its own: one refused (a lesson since unpublished, a quiz
changed, a tampered field) leaves the others recorded, and says why in words
for her. Sending an item twice records it once: a completion is unique per
lesson, an attempt per the key the phone gave it. When she did it is believed
within bounds: never later than now (a phone's clock may run ahead) and never
before her enrolment in the course (nor before the lesson was published).
"""

import re
from dataclasses import dataclass
from datetime import UTC

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from wagtail.models import Site

from courses import services
from courses.models import CompletionSource, Enrollment, LessonPage, QuizAttempt
from courses.quiz import attempt_outcome
from courses.views import finished_now

MAX_ITEMS = 50
KEY = re.compile(r"[A-Za-z0-9-]{8,40}")
ACTIONS = {"completar/": "complete", "autoevaluacion/": "quiz"}


@dataclass
class Outcome:
    key: str
    status: str  # "recorded", "already" or "refused"
    message: str
    lesson_url: str = ""

    def as_dict(self):
        return {
            "key": self.key,
            "status": self.status,
            "message": self.message,
            "lesson": self.lesson_url,
        }


def sync(*, user, request, items):
    """Record ``items`` (the phone's queue) for ``user``; one outcome each."""
    return [_item_sync(user, request, item) for item in items[:MAX_ITEMS]]


def _item_sync(user, request, item):
    key = item.get("key") if isinstance(item, dict) else None
    if not isinstance(key, str) or not KEY.fullmatch(key):
        return Outcome(str(key)[:40], "refused", _("This activity is not valid."))
    found = _lesson_for(request, item.get("url"))
    if found is None:
        return Outcome(
            key,
            "refused",
            _("This lesson is no longer published; nothing was recorded."),
        )
    lesson, course, action = found
    lesson_url = lesson.get_url(request)
    done_at = _parse_time(item.get("at"))
    if done_at is None:
        return Outcome(key, "refused", _("This activity is not valid."), lesson_url)
    try:
        with transaction.atomic():
            enrollment, _created = services.course_enroll(user=user, course=course)
            when = _bounded(done_at, enrollment, lesson)
            if action == "complete":
                outcome = _complete(user, lesson, course, when)
            else:
                outcome = _quiz(user, lesson, course, when, key, item.get("fields"))
    except services.LearningError as error:
        return Outcome(key, "refused", error.message, lesson_url)
    except IntegrityError:
        # The same attempt sent twice at once (the page and a background
        # sync): the other one stored it.
        earlier = QuizAttempt.objects.filter(user=user, client_key=key).first()
        if earlier is None:
            raise
        return Outcome(key, "already", attempt_outcome(earlier, lesson), lesson_url)
    status, message = outcome
    if status == "recorded" and finished_now(enrollment):
        # The moment the page gives online: said in her list of outcomes, and
        # the finished page is in My formation with its constancia.
        message = " ".join(
            [
                message,
                _(
                    "You finished the course «%(course)s»! Your constancia "
                    "will be in My formation."
                )
                % {"course": course.title},
            ]
        )
    return Outcome(key, status, message, lesson_url)


def _lesson_for(request, url):
    """(lesson, course, action) of a lesson's action address, if the lesson
    and its course are published and public."""
    if not isinstance(url, str) or len(url) > 500:
        return None
    found = [
        (suffix, action)
        for suffix, action in ACTIONS.items()
        if url.endswith("/" + suffix)
    ]
    if not found:
        return None
    suffix, action = found[0]
    lesson_path = url[: -len(suffix)]
    site = Site.find_for_request(request)
    if site is None or not lesson_path.startswith("/"):
        return None
    url_path = site.root_page.url_path + lesson_path.lstrip("/")
    lesson = LessonPage.objects.filter(url_path=url_path).only("pk").first()
    found = services.published_lesson(lesson.pk) if lesson else None
    if found is None:
        return None
    return (*found, action)


def _parse_time(value):
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        moment = parse_datetime(value)
    except ValueError:
        return None
    if moment is None:
        return None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    return moment


def _bounded(moment, enrollment, lesson):
    floor = enrollment.enrolled_at
    if lesson.first_published_at and lesson.first_published_at > floor:
        floor = lesson.first_published_at
    return min(max(moment, floor), timezone.now())


def _complete(user, lesson, course, when):
    if lesson.quiz:
        raise services.LearningError(_("This lesson is completed by passing its quiz."))
    _completion, created = services.lesson_complete(
        user=user,
        lesson=lesson,
        course=course,
        source=CompletionSource.OFFLINE,
        completed_at=when,
    )
    if created:
        return "recorded", _("Lesson marked as studied.")
    return "already", _("You had already completed this lesson.")


def _quiz(user, lesson, course, when, key, fields):
    # One sending of hers at a time (two workers during an update): the second
    # finds what the first stored.
    Enrollment.objects.select_for_update().get(user=user, course=course)
    earlier = QuizAttempt.objects.filter(user=user, client_key=key).first()
    if earlier is not None:
        return "already", attempt_outcome(earlier, lesson)
    if not isinstance(fields, dict):
        raise services.LearningError(_("This activity is not valid."))
    asked = {f"q-{question.id}" for question in lesson.quiz}
    if any(name.startswith("q-") and name not in asked for name in fields):
        # Answers to questions the quiz no longer has: it was changed since
        # she answered it offline (not "answer every question").
        raise services.LearningError(
            _(
                "These answers are not this quiz's (it may have changed "
                "meanwhile): reload the page and answer again."
            )
        )
    answers = {}
    for question in lesson.quiz:
        values = fields.get(f"q-{question.id}", [])
        if not isinstance(values, list):
            values = [values]
        answers[question.id] = [
            value for value in values if isinstance(value, str) and value
        ][:20]
    # Answered offline, sent now: the attempt policy is the one in force now.
    attempt, _results = services.quiz_submit(
        user=user,
        lesson=lesson,
        course=course,
        answers=answers,
        source=CompletionSource.OFFLINE,
        created_at=when,
        client_key=key,
    )
    return "recorded", attempt_outcome(attempt, lesson)
