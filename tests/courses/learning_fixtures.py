"""Shared set-up for the learning tests: members, courses, lessons and quizzes.

Pages are built directly under the catalogue the migrations create. Quizzes are
given stable ids for every question and every answer, as the editor's admin and
the demo loader store them, because members' answers are stored by these ids.
"""

import re
import uuid

import pytest
from django.test import Client
from django.utils.text import slugify

from courses.models import Axis, CourseIndexPage, CoursePage, LessonPage

LESSON_TEXT = "La asamblea es el espacio donde la comunidad decide."


def lesson_body(text=LESSON_TEXT):
    return [
        {"type": "heading", "value": "Para empezar"},
        {"type": "paragraph", "value": f"<p>{text}</p>"},
    ]


def quiz_data(*questions):
    """Raw quiz StreamField data; each question is (text, [(answer, correct,
    feedback), …])."""
    return [
        {
            "type": "question",
            "id": str(uuid.uuid4()),
            "value": {
                "text": text,
                "choices": [
                    {
                        "type": "item",
                        "id": str(uuid.uuid4()),
                        "value": {
                            "text": answer,
                            "correct": correct,
                            "feedback": feedback,
                        },
                    }
                    for answer, correct, feedback in choices
                ],
            },
        }
        for text, choices in questions
    ]


def two_question_quiz():
    return quiz_data(
        (
            "¿Quién toma los acuerdos en un consejo?",
            [
                ("La asamblea", True, "Así es: decide la comunidad reunida."),
                ("El presidente municipal", False, "No: el consejo es autónomo."),
            ],
        ),
        (
            "¿Cada cuánto se rinde cuentas?",
            [
                ("En cada asamblea", True, "Sí: la rendición de cuentas es continua."),
                ("Nunca", False, "No: sin cuentas no hay confianza."),
            ],
        ),
    )


def make_course(
    title,
    *,
    axis_number=1,
    hours=4,
    prerequisites=(),
    publish=True,
    live=True,
    slug=None,
):
    """A course under the catalogue. ``publish`` saves a revision and, when
    ``live``, publishes it (as an editor does; not live: a draft); without
    ``publish`` the page is only created, live or not (faster)."""
    course = CoursePage(
        title=title,
        slug=slug or slugify(title),
        primary_axis=Axis.objects.get(number=axis_number),
        level="basico",
        summary="Un curso para organizar la vida comunitaria desde abajo.",
        estimated_hours=hours,
        live=live and not publish,
    )
    CourseIndexPage.objects.get().add_child(instance=course)
    if prerequisites:
        course.prerequisites.set(prerequisites)
        course.save()
    if publish:
        revision = course.save_revision()
        if live:
            revision.publish()
    return CoursePage.objects.get(pk=course.pk)


def make_lesson(
    course,
    title,
    *,
    quiz=None,
    pass_mark=70,
    publish=True,
    live=True,
    text=LESSON_TEXT,
    slug=None,
):
    lesson = LessonPage(
        title=title,
        slug=slug or slugify(title),
        estimated_minutes=20,
        body=lesson_body(text),
        quiz=quiz or [],
        pass_mark=pass_mark,
        live=live and not publish,
    )
    course.add_child(instance=lesson)
    if publish:
        revision = lesson.save_revision()
        if live:
            revision.publish()
    return LessonPage.objects.get(pk=lesson.pk)


def quiz_ids(lesson):
    """[(question id, [choice id, …]), …] as stored on the lesson."""
    lesson = LessonPage.objects.get(pk=lesson.pk)
    return [
        (question.id, [bound.id for bound in question.value["choices"].bound_blocks])
        for question in lesson.quiz
    ]


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def text_of(response):
    """The visible text of an HTML response, tags removed, spaces collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# The only code of any page (issue #23): deferred, it adds offline study;
# every page works without it.
SITE_SCRIPT = '<script src="/static/js/site.js" defer>'


def code_scripts(html):
    """The page's script elements that are code: all but data blocks
    (``json_script``), which run nothing."""
    return [
        tag
        for tag in re.findall(r"<script\b[^>]*>", html)
        if 'type="application/json"' not in tag
    ]


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def certificate_media(settings, tmp_path):
    """Constancias and booklets are written to a folder of this test only."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT


@pytest.fixture
def member(make_user):
    return make_user(
        "lucia",
        first_name="Lucía",
        last_name="Méndez Ruiz",
        email="lucia@example.org",
        phone="5512345678",
    )


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def course(db):
    """A published course of three published lessons, none with a quiz."""
    course = make_course("Asambleas que deciden", axis_number=1, hours=4)
    for title in ("Qué es un consejo", "Cómo convocar", "Tomar acuerdos"):
        make_lesson(course, title)
    return course


def lessons_of(course):
    return list(course.lessons())
