"""Journey 2: a new person registers (consent boxes unticked by default), joins a
council, enrols, studies a lesson, fails and then passes a quiz, which finishes
the course: she lands on «¡Terminaste el curso!», downloads the constancia from
there and verifies it at its public URL.

Celery runs tasks in-process in the tests, so the constancia is issued as soon
as the completing request commits, before /mi-formacion/ is opened."""

import pytest
from playwright.sync_api import expect

from courses.models import Certificate
from courses.services import lesson_complete
from members.models import ConsentRecord, User
from tests.conftest import PASSWORD

from .conftest import (
    e2e,
    field,
    main_text,
    menu_link,
    new_context,
    overflowing,
    path_of,
    sign_in,
)
from .data import RIGHT, WRONG, council_with_leader, person, two_courses

pytestmark = e2e


@pytest.fixture
def content(db, media):
    return {"course": two_courses(), "council": council_with_leader()[0]}


def register(page):
    page.goto("/")
    menu_link(page, "Registrarme").click()
    consent = page.locator("fieldset.consent")
    boxes = consent.get_by_role("checkbox")
    assert boxes.count() == 3
    for position in range(boxes.count()):
        expect(boxes.nth(position)).not_to_be_checked()

    field(page, "Nombre(s)").fill("Lucía")
    page.get_by_label("Apellidos").fill("Méndez Ruiz")
    field(page, "Nombre de usuario").fill("lucia")
    page.get_by_label("Teléfono (opcional)").fill("5512345678")
    field(page, "Contraseña").fill(PASSWORD)
    field(page, "Confirmación de contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Crear mi cuenta").click()
    # The necessary use of the data must be accepted: nothing is created before.
    expect(page.locator(".field--error")).to_have_count(1)
    assert not User.objects.filter(username="lucia").exists()

    field(page, "Contraseña").fill(PASSWORD)
    field(page, "Confirmación de contraseña").fill(PASSWORD)
    consent.get_by_role("checkbox").first.check()
    page.get_by_role("button", name="Crear mi cuenta").click()
    expect(page.locator(".messages")).to_contain_text("Tu cuenta está lista")


def test_a_new_member_registers_studies_and_gets_a_verifiable_constancia(
    page, content, tmp_path
):
    register(page)
    lucia = User.objects.get(username="lucia")
    granted = set(
        ConsentRecord.objects.filter(user=lucia, granted=True).values_list(
            "purpose", flat=True
        )
    )
    assert granted == {"necesario"}

    # Joins a council: the request waits for its leaders.
    page.goto("/consejos/")
    page.get_by_role("link", name="Jalisco").click()
    page.get_by_role("link", name="Consejo Comunitario Santa Cecilia").click()
    page.get_by_role("button", name="Quiero unirme").click()
    expect(page.locator(".messages")).to_contain_text("Enviamos tu solicitud")
    assert "espera la respuesta" in main_text(page)

    # Enrols and studies the first lesson.
    page.goto("/cursos/")
    page.get_by_role("link", name="Asambleas que deciden").click()
    page.get_by_role("button", name="Inscribirme en este curso").click()
    # Enrolling opens the first lesson.
    expect(page.locator(".messages")).to_contain_text("Ya estás inscrita o inscrito")
    assert path_of(page) == "/cursos/asambleas-que-deciden/que-es-un-consejo/"
    page.get_by_role("button", name="Marcar como estudiada").click()

    # Studied, it leads on to the second lesson, whose quiz a wrong answer
    # fails and the right one passes.
    expect(page.locator(".lesson-status")).to_contain_text("1 de 2 lecciones")
    assert path_of(page) == "/cursos/asambleas-que-deciden/tomar-acuerdos/"
    quiz = page.locator("#autoevaluacion")
    quiz.get_by_label(WRONG).check()
    quiz.get_by_role("button", name="Revisar mis respuestas").click()
    expect(page.locator(".attempt--failed")).to_contain_text("Obtuviste 0%")
    quiz.get_by_label(RIGHT).check()
    quiz.get_by_role("button", name="Revisar mis respuestas").click()

    # Passing the last quiz finished the course: she lands on the page that
    # says so, with her constancia, what it counts toward and what comes next.
    expect(page.get_by_role("heading", level=1)).to_have_text("¡Terminaste el curso!")
    assert path_of(page).startswith("/mi-formacion/terminado/asambleas-que-deciden/")
    expect(page.locator(".messages")).to_contain_text("Aprobaste")
    expect(page.locator("main header")).to_contain_text("Asambleas que deciden")
    counts = page.locator("section", has=page.locator("#cuenta-para"))
    expect(counts).to_contain_text("2/8")  # its 2 hours of the 8 of a promoter
    expect(counts).not_to_contain_text(" N ")
    following = page.locator("section", has=page.locator("#siguiente"))
    expect(
        following.get_by_role("link", name="Contraloría desde la colonia")
    ).to_be_visible()
    assert not overflowing(page)
    finished = path_of(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Descargar mi constancia (PDF)").click()
    download = download_info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.name == "constancia-asambleas-que-deciden.pdf"
    assert saved.read_bytes().startswith(b"%PDF")

    # Her answers stay one link away.
    page.get_by_role("link", name="Ver tus respuestas a la autoevaluación").click()
    expect(page.locator(".attempt--passed")).to_contain_text("Aprobaste")
    expect(page.locator(".lesson-status")).to_contain_text("Completaste esta lección")
    # The course page leads back to the constancia.
    page.get_by_role("link", name="Volver al curso").click()
    expect(page.locator(".enrol")).to_contain_text("Terminaste este curso")
    page.locator(".enrol").get_by_role("link", name="Ver tu constancia").click()
    assert path_of(page) == finished.split("?")[0]

    # "Mi formación" keeps it too.
    menu_link(page, "Mi formación").click()
    assert "Consejo Comunitario Santa Cecilia" in main_text(page)
    assert not overflowing(page)
    expect(page.get_by_role("link", name="Descargar constancia (PDF)")).to_be_visible()

    certificate = Certificate.objects.get(user=lucia)
    page.get_by_role("link", name="Enlace público de verificación").click()
    assert path_of(page) == f"/constancias/{certificate.code}/"
    # Anyone can check it, signed in or not.
    visitor = page.context.browser.new_context(base_url=page.url)
    try:
        public = visitor.new_page()
        public.goto(f"/constancias/{certificate.code}/")
        text = main_text(public)
    finally:
        visitor.close()
    assert "Esta constancia es auténtica." in text
    assert "Lucía Méndez Ruiz" in text
    assert "Asambleas que deciden" in text


def test_finishing_a_course_lands_on_its_moment_without_javascript(
    browser, live_server, screen, content, tmp_path
):
    """The last quiz passed with JavaScript off: the same landing, and the
    constancia reached from it."""
    lucia = person("lucia", first_name="Lucía", last_name="Méndez Ruiz")
    course = content["course"]
    first, last = course.lessons()
    lesson_complete(user=lucia, lesson=first, course=course)
    context = new_context(browser, live_server, screen, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, "lucia", PASSWORD, next_path=last.url)
        quiz = page.locator("#autoevaluacion")
        quiz.get_by_label(RIGHT).check()
        quiz.get_by_role("button", name="Revisar mis respuestas").click()

        expect(page.get_by_role("heading", level=1)).to_have_text(
            "¡Terminaste el curso!"
        )
        with page.expect_download() as download_info:
            page.get_by_role("link", name="Descargar mi constancia (PDF)").click()
        saved = tmp_path / "constancia.pdf"
        download_info.value.save_as(saved)
        assert saved.read_bytes().startswith(b"%PDF")
        certificate = Certificate.objects.get(user=lucia)
        page.get_by_role("link", name=f"/constancias/{certificate.code}/").click()
        assert "Esta constancia es auténtica." in main_text(page)
    finally:
        context.close()
