"""A council's leader registers, from her phone, a person who has no
internet: she prints the paper consent form, records what the person signed,
and gets the code page with the whole address the person will type."""

import pytest
from playwright.sync_api import expect

from members.models import User
from tests.conftest import PASSWORD

from .conftest import e2e, overflowing, path_of, sign_in
from .data import council_with_leader

pytestmark = e2e


@pytest.fixture
def council(db):
    return council_with_leader()[0]


def test_a_leader_registers_a_person_on_paper_and_reads_the_code_page(
    page, screen, council, settings
):
    sign_in(
        page, "coordinadora", PASSWORD, next_path=f"/admin/mi-consejo/{council.pk}/"
    )
    page.get_by_role("link", name="Registrar a una persona sin internet").click()
    assert not overflowing(page)

    page.get_by_role("link", name="Imprimir el formato de consentimiento").click()
    assert path_of(page).endswith("/formato-de-consentimiento/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Consentimiento")
    expect(page.locator("main")).to_contain_text("Firma")
    page.go_back()

    page.locator("#id_first_name").fill("María")
    page.locator("#id_last_name").fill("López Díaz")
    page.get_by_label("La persona leyó el aviso de privacidad").check()
    page.get_by_role("button", name="Registrar a esta persona").click()

    person = User.objects.get(first_name="María")
    expect(page.locator("main")).to_contain_text(person.username)
    address = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/cuenta/codigo/"
    expect(page.locator(".sign-in-address")).to_have_text(address)
    # The table of codes fits the screen: every column's heading is in sight,
    # none cut off at the edge nor behind a sideways scroll.
    table = page.locator(".table-scroll")
    assert table.evaluate("box => box.scrollWidth <= box.clientWidth + 1")
    width = page.viewport_size["width"]
    for header in page.locator(".table-scroll thead th").all():
        box = header.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1
        assert header.evaluate("th => th.scrollWidth <= th.clientWidth + 1")
    assert not overflowing(page)
