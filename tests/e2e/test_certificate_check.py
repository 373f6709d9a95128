"""Checking a constancia from paper: someone holding a printed constancia opens
/constancias/, types its code as they read it (lower case, spaces between the
groups) and sees that it is genuine, with the QR code of that page; the same
without JavaScript."""

import pytest
from playwright.sync_api import expect

from courses.models import Certificate

from .conftest import e2e, field, main_text, new_context, overflowing, path_of
from .data import person, two_courses

pytestmark = e2e


@pytest.fixture
def certificate(db, media):
    return Certificate.objects.create(
        user=person("lucia", first_name="Lucía", last_name="Méndez Ruiz"),
        course=two_courses(),
        code="7KQ3-M9XD-2HVB-RT4N-CWZ8",
        person_name="Lucía Méndez Ruiz",
        course_title="Asambleas que deciden",
        axis_name="Democracia participativa y directa",
        hours=2,
    )


def check(page, certificate):
    page.goto("/constancias/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Verificar una constancia"
    )
    field(page, "Código de la constancia").fill("7kq3 m9xd 2hvb rt4n cwz8")
    page.get_by_role("button", name="Verificar").click()

    assert path_of(page) == f"/constancias/{certificate.code}/"
    text = main_text(page)
    assert "Esta constancia es auténtica." in text
    assert "Lucía Méndez Ruiz" in text
    assert "Asambleas que deciden" in text
    assert certificate.code in text
    expect(page.get_by_role("img", name="Código QR de esta página")).to_be_visible()
    assert not overflowing(page)


def test_a_code_typed_in_lower_case_with_spaces_shows_the_constancia(page, certificate):
    check(page, certificate)


def test_a_mistyped_code_is_told_on_the_same_form(page, certificate):
    page.goto("/constancias/")
    field(page, "Código de la constancia").fill("7kq3 m9xd 2hvb rt4n cwz9")
    page.get_by_role("button", name="Verificar").click()

    expect(page.locator(".field--error")).to_contain_text(
        "Ninguna constancia tiene este código."
    )
    expect(field(page, "Código de la constancia")).to_have_value(
        "7kq3 m9xd 2hvb rt4n cwz9"
    )
    assert not overflowing(page)


@pytest.mark.parametrize("screen", ["telefono"], indirect=True)
def test_the_code_is_checked_without_javascript(
    browser, live_server, screen, certificate
):
    context = new_context(browser, live_server, screen, java_script_enabled=False)
    try:
        check(context.new_page(), certificate)
    finally:
        context.close()
