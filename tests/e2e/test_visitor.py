"""Journey 1: a visitor reads the home page, filters the catalogue by an axis,
opens a course and a lesson, and finds a council through /consejos/ by state.
The same journey runs again with JavaScript turned off: every page works
without it."""

import pytest
from playwright.sync_api import expect

from courses.models import Axis

from .conftest import e2e, main_text, menu_link, new_context, overflowing, path_of
from .data import LESSON_TEXT, council_with_leader, two_courses

pytestmark = e2e


@pytest.fixture
def content(db):
    two_courses()
    council_with_leader()


def visit(page):
    page.goto("/")
    assert page.get_by_role("heading", level=1).is_visible()
    axes = page.locator(".axis-card")
    assert axes.count() == 6
    assert "Eje 1" in axes.first.inner_text()

    menu_link(page, "Cursos").click()
    assert path_of(page) == "/cursos/"
    assert "2 cursos" in main_text(page)
    assert not overflowing(page)

    # The filters fold away on a phone; a tap on their summary opens them. On
    # a desktop they are always shown.
    summary = page.locator(".filters summary")
    if summary.is_visible():
        summary.click()
    axis = Axis.objects.get(number=1)
    page.locator(".chips").first.get_by_role("link", name=axis.name).click()
    assert "?eje=" in path_of(page)
    cards = page.locator(".card")
    assert cards.count() == 1
    assert "Asambleas que deciden" in cards.inner_text()
    assert "Contraloría desde la colonia" not in main_text(page)

    cards.get_by_role("link", name="Asambleas que deciden").click()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Asambleas que deciden"
    )
    page.get_by_role("link", name="Qué es un consejo").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Qué es un consejo"
    assert LESSON_TEXT in main_text(page)
    assert "Lección 1 de 2" in main_text(page)
    assert not overflowing(page)
    page.get_by_role("link", name="Tomar acuerdos →").click()
    assert "Entra para responder y guardar tu avance." in main_text(page)

    menu_link(page, "Consejos").click()
    assert path_of(page) == "/consejos/"
    page.get_by_role("link", name="Jalisco").click()
    assert "Guadalajara" in main_text(page)
    page.get_by_role("link", name="Consejo Comunitario Santa Cecilia").click()
    text = main_text(page)
    assert "Salón ejidal" in text and "Sábados, 10:00" in text
    assert not overflowing(page)
    assert page.get_by_role("link", name="Quiero unirme").is_visible()


def test_a_visitor_finds_a_course_a_lesson_and_a_council(page, content):
    visit(page)


@pytest.mark.parametrize("screen", ["telefono"], indirect=True)
def test_the_same_journey_works_without_javascript(
    browser, live_server, screen, content
):
    context = new_context(browser, live_server, screen, java_script_enabled=False)
    try:
        visit(context.new_page())
    finally:
        context.close()


def test_the_menu_folds_to_one_line_on_a_phone_and_stays_open_on_a_desktop(
    page, screen, content
):
    page.goto("/")
    header = page.locator(".site-header")
    toggle = header.get_by_text("Menú", exact=True)
    courses = page.get_by_role("navigation", name="Principal").get_by_role(
        "link", name="Cursos"
    )
    if screen == "escritorio":
        assert not toggle.is_visible()
        assert courses.is_visible()
        return
    # Folded, the header is one line: the lesson starts high on a 740 px screen.
    assert header.bounding_box()["height"] <= 64
    assert not courses.is_visible()
    toggle.click()
    assert courses.is_visible()
    # The open menu lies over the page, under the header, every link a full
    # finger wide.
    box = courses.bounding_box()
    assert box["y"] >= header.bounding_box()["height"] - 1
    assert box["height"] >= 44 and box["width"] >= 300
    courses.click()
    assert path_of(page) == "/cursos/"


@pytest.mark.parametrize("screen", ["telefono"], indirect=True)
def test_after_a_filter_a_phone_shows_the_results_or_that_there_are_none(page, content):
    """Tapping a filter lands on the results, not on the panel of filters just
    used; filters that leave nothing say so on the same first screen, with the
    way back."""
    page.goto("/cursos/")
    page.locator(".filters summary").click()
    axis = Axis.objects.get(number=1)
    page.locator("#filtro-eje + .chips").get_by_role("link", name=axis.name).click()

    assert path_of(page).endswith("#resultados")
    expect(page.get_by_role("heading", name="1 curso", exact=True)).to_be_in_viewport()
    expect(page.get_by_role("link", name="Asambleas que deciden")).to_be_in_viewport()
    expect(page.locator(".filters")).not_to_have_attribute("open", "")
    expect(page.locator(".filters summary")).to_have_text("Filtros (1 activo)")

    page.locator(".filters summary").click()
    page.locator("#filtro-nivel + .chips").get_by_role("link", name="Avanzado").click()

    expect(page.get_by_role("heading", name="0 cursos", exact=True)).to_be_in_viewport()
    expect(page.locator(".empty-state")).to_be_in_viewport()
    undo = page.get_by_role("link", name="Quitar filtros", exact=True)
    expect(undo).to_be_in_viewport()
    assert not overflowing(page)
    undo.click()
    expect(page.get_by_role("heading", name="2 cursos", exact=True)).to_be_in_viewport()
