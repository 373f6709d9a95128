"""An editor builds a course with two lessons and a quiz through the admin's forms,
submits them to the "Revisión" workflow, and a reviewer approves them: nothing is
published by its editor alone."""

import pytest
from django.test import Client

from courses.models import Axis, CoursePage, LessonPage
from tests.conftest import PASSWORD

from .conftest import course_form_data, lesson_form_data, question_form_value

pytestmark = pytest.mark.django_db


def add_url(model, parent):
    return f"/admin/pages/add/courses/{model}/{parent.pk}/"


def approve(client, page, comment="Muy claro, adelante."):
    task_state = page.current_workflow_state.current_task_state
    return client.post(
        f"/admin/pages/workflow/action/{page.pk}/approve/{task_state.pk}/",
        {"comment": comment},
    )


def test_editor_creates_a_course_with_lessons_and_a_reviewer_approves_it(
    editor_client, reviewer, course_index
):
    axis = Axis.objects.get(number=2)

    # The form is offered to the editor under /cursos/.
    assert editor_client.get(add_url("coursepage", course_index)).status_code == 200
    response = editor_client.post(
        add_url("coursepage", course_index),
        course_form_data("Contraloría desde la colonia", "contraloria-colonia", axis),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    course = CoursePage.objects.get(slug="contraloria-colonia")
    assert not course.live
    assert course.get_parent().specific == course_index

    first = lesson_form_data(
        "Qué es la auditoría social",
        "que-es-auditoria",
        "La auditoría social revisa el uso de los recursos públicos.",
        **{"action-submit": "action-submit"},
    )
    second = lesson_form_data(
        "Cómo pedir información",
        "pedir-informacion",
        "Toda persona puede solicitar información pública.",
        quiz=[
            question_form_value(
                "¿Quién puede pedir información pública?",
                [("Cualquier persona", True), ("Solo las autoridades", False)],
            )
        ],
        **{"action-submit": "action-submit"},
    )
    for data in (first, second):
        response = editor_client.post(add_url("lessonpage", course), data)
        assert response.status_code == 302, response.content.decode()[:2000]

    lessons = list(LessonPage.objects.child_of(course).order_by("path"))
    assert not any(lesson.live for lesson in lessons)
    assert all(
        lesson.current_workflow_state.workflow.name == "Revisión" for lesson in lessons
    )
    assert [lesson.title for lesson in lessons] == [
        "Qué es la auditoría social",
        "Cómo pedir información",
    ]
    quiz = lessons[1].quiz[0].value
    assert quiz["text"] == "¿Quién puede pedir información pública?"
    assert [choice["correct"] for choice in quiz["choices"]] == [True, False]
    assert "La auditoría social revisa el uso de los recursos públicos." in (
        lessons[0].body[1].value.source
    )

    # Submit the course to the "Revisión" workflow from its edit form.
    data = course_form_data(
        "Contraloría desde la colonia",
        "contraloria-colonia",
        axis,
        **{"action-submit": "action-submit"},
    )
    response = editor_client.post(f"/admin/pages/{course.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    course.refresh_from_db()
    workflow_state = course.current_workflow_state
    assert workflow_state is not None
    assert workflow_state.workflow.name == "Revisión"
    assert not course.live
    assert (
        "Contraloría desde la colonia" not in Client().get("/cursos/").content.decode()
    )

    # The reviewer of the formation team approves the course and its lessons.
    reviewer_client = Client()
    reviewer_client.login(username=reviewer.username, password=PASSWORD)
    for page in (*lessons, course):
        assert approve(reviewer_client, page).status_code == 302
        page.refresh_from_db()
        assert page.live, page

    course.refresh_from_db()
    assert course.live
    assert course.current_workflow_state is None
    catalogue = Client().get("/cursos/").content.decode()
    assert "Contraloría desde la colonia" in catalogue
    assert "2 lecciones" in catalogue
    assert "Auditoría social y contraloría ciudadana" in catalogue


def test_reviewer_publishes_a_course_directly_from_the_add_form(
    client, reviewer, course_index
):
    axis = Axis.objects.get(number=1)
    client.login(username=reviewer.username, password=PASSWORD)

    response = client.post(
        add_url("coursepage", course_index),
        course_form_data(
            "Asambleas que deciden",
            "asambleas-que-deciden",
            axis,
            **{"action-publish": "action-publish"},
        ),
    )

    assert response.status_code == 302
    course = CoursePage.objects.get(slug="asambleas-que-deciden")
    assert course.live
    assert sorted(course.tags.names()) == ["asamblea", "participación"]
    assert "Asambleas que deciden" in Client().get("/cursos/").content.decode()


def test_lesson_with_a_quiz_without_a_correct_answer_is_refused_in_the_admin(
    editor_client,
):
    from courses.factories import CoursePageFactory, LessonPageFactory

    course = CoursePageFactory()
    lesson = LessonPageFactory(parent=course, title="Tomar acuerdos")
    revisions = lesson.revisions.count()

    data = lesson_form_data(
        "Tomar acuerdos",
        lesson.slug,
        "El consenso se construye escuchando.",
        quiz=[
            question_form_value(
                "¿Cómo se toman los acuerdos?",
                [("Por votación", False), ("Por sorteo", False)],
            )
        ],
        **{"action-publish": "action-publish"},
    )
    response = editor_client.post(f"/admin/pages/{lesson.pk}/edit/", data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Marca al menos una respuesta como correcta" in html
    lesson.refresh_from_db()
    assert lesson.revisions.count() == revisions
    assert len(lesson.quiz) == 0


@pytest.mark.parametrize("pass_mark", ["101", "-1"])
def test_admin_refuses_a_pass_mark_outside_0_to_100(editor_client, pass_mark):
    from courses.factories import CoursePageFactory

    course = CoursePageFactory()

    data = lesson_form_data(
        "Dar seguimiento",
        "dar-seguimiento",
        "Un acuerdo sin seguimiento se olvida.",
        **{"action-publish": "action-publish"},
    )
    data["pass_mark"] = pass_mark
    response = editor_client.post(add_url("lessonpage", course), data)

    assert response.status_code == 200
    assert not LessonPage.objects.filter(slug="dar-seguimiento").exists()
