"""The formation team's review: an editor submits courses, lessons and materials
to the "Revisión" workflow and cannot publish them herself; a reviewer of
"Revisión de formación" approves them, and each is told by e-mail, in the
admin's Spanish."""

import pytest
from django.core import mail
from django.test import Client
from wagtail.models import Page

from courses.factories import CoursePageFactory, LessonPageFactory, MaterialPageFactory
from tests.conftest import PASSWORD

from .conftest import lesson_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_with_email(editor):
    editor.email = "editora@example.org"
    editor.save(update_fields=["email"])
    return editor


def draft_lesson(**fields):
    """A lesson saved and never published."""
    return LessonPageFactory(
        parent=CoursePageFactory(), publish=False, live=False, **fields
    )


def signed_in(user):
    client = Client()
    client.login(username=user.username, password=PASSWORD)
    return client


def submit_lesson(client, lesson, action="action-submit"):
    data = lesson_form_data(
        lesson.title,
        lesson.slug,
        "Una asamblea decide lo que el consejo hace.",
        **{action: action},
    )
    return client.post(f"/admin/pages/{lesson.pk}/edit/", data)


def approve(client, page, comment=""):
    task_state = page.current_workflow_state.current_task_state
    return client.post(
        f"/admin/pages/workflow/action/{page.pk}/approve/{task_state.pk}/",
        {"comment": comment},
    )


def test_editor_is_offered_review_and_not_publish(editor_client):
    lesson = LessonPageFactory(parent=CoursePageFactory())

    html = editor_client.get(f"/admin/pages/{lesson.pk}/edit/").content.decode()

    assert 'name="action-submit"' in html
    assert "Enviar a Revisión" in html
    assert 'name="action-publish"' not in html


def test_editor_cannot_publish_a_lesson_herself(editor_client):
    lesson = draft_lesson()

    response = submit_lesson(editor_client, lesson, action="action-publish")

    assert response.status_code == 302
    lesson.refresh_from_db()
    assert not lesson.live
    assert lesson.current_workflow_state is None


def test_editor_cannot_approve_her_own_submission(editor_client):
    lesson = draft_lesson()
    assert submit_lesson(editor_client, lesson).status_code == 302
    lesson.refresh_from_db()
    assert lesson.current_workflow_state.workflow.name == "Revisión"

    response = approve(editor_client, lesson)

    assert response.status_code in (302, 403)
    lesson.refresh_from_db()
    assert not lesson.live
    assert lesson.current_workflow_state is not None
    html = editor_client.get(f"/admin/pages/{lesson.pk}/edit/").content.decode()
    assert "/approve/" not in html


def test_a_reviewer_approves_a_lesson_and_it_is_published(editor_client, reviewer):
    lesson = draft_lesson()
    submit_lesson(editor_client, lesson)
    lesson.refresh_from_db()

    response = approve(signed_in(reviewer), lesson, "Bien explicada.")

    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.live
    assert lesson.current_workflow_state is None


@pytest.mark.parametrize("kind", ["course", "lesson", "material"])
def test_courses_lessons_and_materials_are_under_the_review(kind, course_index):
    page = {
        "course": CoursePageFactory,
        "lesson": lambda: LessonPageFactory(parent=CoursePageFactory()),
        "material": MaterialPageFactory,
    }[kind]()

    workflow = Page.objects.get(pk=page.pk).get_workflow()

    assert workflow is not None and workflow.name == "Revisión"
    assert [task.name for task in workflow.tasks] == [
        "Revisión del equipo de formación"
    ]
    assert [group.name for group in workflow.tasks[0].specific.groups.all()] == [
        "Revisión de formación"
    ]


def test_editor_cannot_publish_a_material_herself(editor_client, material_index):
    material = MaterialPageFactory(publish=False, live=False)

    html = editor_client.get(f"/admin/pages/{material.pk}/edit/").content.decode()

    assert 'name="action-publish"' not in html
    assert 'name="action-submit"' in html


def test_the_reviewers_are_told_of_a_submission_in_spanish(
    editor_client, editor_with_email, reviewer, superuser
):
    superuser.email = "admin@example.org"
    superuser.save(update_fields=["email"])
    lesson = draft_lesson(title="Decidir en asamblea")
    mail.outbox.clear()

    submit_lesson(editor_client, lesson)

    assert [message.to for message in mail.outbox] == [["revisora@example.org"]]
    message = mail.outbox[0]
    assert message.subject == "Por revisar: «Decidir en asamblea»"
    body = message.body
    assert body.startswith("Hola, Ana:")
    assert "Rosa envió «Decidir en asamblea» a la Revisión del equipo de formación" in (
        body
    )
    assert "Se publica solo cuando una persona revisora da su aprobación" in body
    assert f"/admin/pages/{lesson.pk}/edit/" in body
    assert "usted" not in body.lower() and "Modifique" not in body


def test_the_editor_is_told_of_the_approval_and_of_requested_changes(
    editor_client, editor_with_email, reviewer
):
    approved = draft_lesson(title="Uno")
    returned = draft_lesson(title="Dos")
    for lesson in (approved, returned):
        submit_lesson(editor_client, lesson)
        lesson.refresh_from_db()
    reviewer_client = signed_in(reviewer)
    mail.outbox.clear()

    approve(reviewer_client, approved)
    task_state = returned.current_workflow_state.current_task_state
    reviewer_client.post(
        f"/admin/pages/workflow/action/{returned.pk}/reject/{task_state.pk}/",
        {"comment": "Falta un ejemplo."},
    )

    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["editora@example.org"], "Se aprobó y se publicó: «Uno»"),
        (["editora@example.org"], "Cambios pedidos: «Dos»"),
    ]
    assert "se aprobó en la Revisión" in mail.outbox[0].body
    changes = mail.outbox[1].body
    assert "Ana pidió cambios en «Dos» antes de publicar." in changes
    assert "Su comentario: «Falta un ejemplo.»" in changes
    assert f"/admin/pages/{returned.pk}/edit/" in changes


def test_the_page_editor_does_not_autosave(editor_client):
    lesson = LessonPageFactory(parent=CoursePageFactory())

    html = editor_client.get(f"/admin/pages/{lesson.pk}/edit/").content.decode()

    assert "w-unsaved" in html  # leaving with unsaved changes still asks first
    assert "data-w-autosave-interval-value" not in html
