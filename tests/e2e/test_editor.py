"""Journey 4: an editor of the formation team builds a course with two lessons
and a quiz in the Wagtail admin (its own widgets: the axis chooser, Draftail,
StreamField), submits the course and its lessons to the "Revisión" workflow,
with no way to publish them or approve them herself; the reviewer is told,
approves them, and the course appears in the catalogue."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect
from wagtail.models import Page

from courses.models import Axis, CourseIndexPage, CoursePage
from tests.conftest import PASSWORD

from .conftest import e2e, main_text, sign_in

pytestmark = e2e

TITLE = "Contraloría desde la colonia"


@pytest.fixture
def editors(make_user):
    make_user("editora", first_name="Rosa", groups=["Equipo de formación"])
    make_user(
        "revisora",
        first_name="Inés",
        email="revisora@example.org",
        groups=["Revisión de formación"],
    )


def page_id(page):
    return int(re.search(r"/admin/pages/(\d+)/", page.url).group(1))


def footer_action(page, name):
    """A save action of the editor's footer, behind its "more actions" toggle
    unless it is the main one."""
    footer = page.locator("footer")
    button = footer.get_by_role("button", name=name, exact=True)
    if not button.is_visible():
        footer.get_by_role("button", name="Más acciones").click()
    # Every one of them submits the form: wait for the page it leads to.
    with page.expect_navigation():
        button.click()
    page.wait_for_load_state()


def write_rich_text(container, name, text):
    """Type into a Draftail editor, and wait until it has saved the text into
    the form's field ``name`` (it does so 250 ms after the last keystroke)."""
    editor = container.locator("[contenteditable=true]").first
    expect(editor).to_be_visible()
    editor.click()
    editor.press_sequentially(text)
    saved = container.page.locator(f'input[name="{name}"]')
    expect(saved).to_have_value(re.compile(re.escape(text)))


def add_lesson(page, course_id, title, text, quiz=None):
    page.goto(f"/admin/pages/{course_id}/add_subpage/")
    page.locator("#id_title").fill(title)
    page.locator("#id_estimated_minutes").fill("20")
    body = page.locator('[data-contentpath="body"]')
    body.get_by_role("button", name="Insertar un bloque").click()
    page.get_by_role("option", name="Texto").click()
    write_rich_text(body, "body-0-value", text)
    if quiz:
        question, choices = quiz
        block = page.locator('[data-contentpath="quiz"]')
        block.get_by_role("button", name="Insertar un bloque").click()
        block.locator("#quiz-0-value-text").fill(question)
        for position, (answer, correct) in enumerate(choices):
            if position:
                block.get_by_role("button", name="Agregar").last.click()
            prefix = f"#quiz-0-value-choices-{position}-value"
            block.locator(f"{prefix}-text").fill(answer)
            if correct:
                block.locator(f"{prefix}-correct").check()
            block.locator(f"{prefix}-feedback").fill("Revisa la lectura.")
    # The editor sends her lesson to review: she has no "Publicar".
    expect(page.locator('footer [name="action-publish"]')).to_have_count(0)
    footer_action(page, "Enviar a Revisión")
    expect(page.locator(".messages")).to_contain_text(title)
    return Page.objects.get(title=title).pk


def test_an_editor_builds_a_course_and_another_approves_it(
    page, context, editors, live_server
):
    axis = Axis.objects.get(number=2)
    sign_in(page, "editora", PASSWORD, next_path="/admin/")

    page.goto(f"/admin/pages/{CourseIndexPage.objects.get().pk}/add_subpage/")
    # The catalogue takes only courses: the admin opens the course form.
    assert "/add/courses/coursepage/" in page.url
    page.locator("#id_title").fill(TITLE)
    page.get_by_role("button", name="Seleccionar eje estratégico").click()
    page.get_by_role("dialog").get_by_role("link", name=str(axis)).click()
    expect(page.locator("#id_primary_axis")).to_have_value(str(axis.pk))
    page.locator("#id_estimated_hours").fill("3")
    page.locator("#id_summary").fill("Cómo vigilar juntas el uso de los recursos.")
    write_rich_text(
        page.locator('[data-contentpath="objectives"]'),
        "objectives",
        "Pedir información pública.",
    )
    footer_action(page, "Guardar borrador")
    course_id = page_id(page)

    mail.outbox.clear()
    first = add_lesson(
        page,
        course_id,
        "Qué es la auditoría social",
        "La auditoría social revisa el uso de los recursos públicos.",
    )
    second_lesson = add_lesson(
        page,
        course_id,
        "Cómo pedir información",
        "Toda persona puede solicitar información pública.",
        quiz=(
            "¿Quién puede pedir información pública?",
            [("Cualquier persona", True), ("Solo las autoridades", False)],
        ),
    )

    # The reviewer was told of each lesson, in Spanish.
    assert [m.subject for m in mail.outbox] == [
        "Por revisar: «Qué es la auditoría social»",
        "Por revisar: «Cómo pedir información»",
    ]
    assert all(m.to == ["revisora@example.org"] for m in mail.outbox)

    # She cannot approve her own lesson: the editor offers her no approval.
    page.goto(f"/admin/pages/{first}/edit/")
    expect(page.locator("footer")).to_contain_text("Cancelar flujo de trabajo")
    expect(
        page.locator("footer").get_by_role(
            "button", name="Aprobar y Publicar", include_hidden=True
        )
    ).to_have_count(0)
    assert not CoursePage.objects.get(pk=course_id).get_children().live().exists()

    # Submitted for review: not in the catalogue yet.
    page.goto(f"/admin/pages/{course_id}/edit/")
    footer_action(page, "Enviar a Revisión")
    course = CoursePage.objects.get(pk=course_id)
    assert course.current_workflow_state.workflow.name == "Revisión"
    assert not course.live
    page.goto("/cursos/")
    assert TITLE not in main_text(page)

    # The reviewer approves the lessons and the course from the pages' editor.
    reviewer = context.browser.new_context(
        base_url=live_server.url,
        locale="es-MX",
        viewport=page.viewport_size,
    )
    try:
        second = reviewer.new_page()
        sign_in(second, "revisora", PASSWORD, next_path="/admin/")
        for page_pk in (first, second_lesson, course_id):
            second.goto(f"/admin/pages/{page_pk}/edit/")
            footer_action(second, "Aprobar y Publicar")
            expect(second.locator(".messages")).to_contain_text(
                Page.objects.get(pk=page_pk).title
            )
            assert Page.objects.get(pk=page_pk).live
    finally:
        reviewer.close()

    course.refresh_from_db()
    assert course.live
    page.goto("/cursos/")
    card = page.locator(".card", has_text=TITLE)
    expect(card).to_contain_text("2 lecciones")
    card.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Cómo pedir información").click()
    assert "¿Quién puede pedir información pública?" in main_text(page)
