"""Journey 5: a member sees and exports their own data, then deletes their
account; nothing of it opens again."""

import json

import pytest
from playwright.sync_api import expect

from councils.factories import join
from courses.models import Enrollment
from members.models import AccessLog, User
from tests.conftest import PASSWORD

from .conftest import e2e, field, main_text, menu_link, path_of, sign_in
from .data import council_with_leader, person, two_courses

pytestmark = e2e


@pytest.fixture
def lucia(db):
    course = two_courses()
    council, _leader = council_with_leader()
    member = person("lucia", first_name="Lucía", last_name="Méndez", phone="5512345678")
    join(member, council)
    Enrollment.objects.create(user=member, course=course)
    return member


def test_a_member_exports_their_data_and_deletes_their_account(page, lucia, tmp_path):
    sign_in(page, "lucia", PASSWORD)
    menu_link(page, "Mis datos").click()
    assert path_of(page) == "/cuenta/mis-datos/"
    text = main_text(page)
    assert "5512345678" in text and "Consejo Comunitario Santa Cecilia" in text

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Descargar mis datos (JSON)").click()
    saved = tmp_path / "mis-datos.json"
    download_info.value.save_as(saved)
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["perfil"]["usuario"] == "lucia"
    assert data["perfil"]["telefono"] == "5512345678"
    exported = json.dumps(data, ensure_ascii=False)
    assert "Asambleas que deciden" in exported
    assert "Consejo Comunitario Santa Cecilia" in exported
    assert AccessLog.objects.filter(action="export", actor=lucia).count() == 1

    # The same data on a page to read and print, in words, on a phone too.
    page.get_by_role("button", name="Ver mis datos para imprimir o guardar").click()
    assert path_of(page) == "/cuenta/mis-datos/imprimir/"
    text = main_text(page)
    assert "5512345678" in text and "Consejo Comunitario Santa Cecilia" in text
    assert "Asambleas que deciden" in text
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    assert AccessLog.objects.filter(action="export", actor=lucia).count() == 2
    page.get_by_role("link", name="Volver a Mis datos").click()

    page.get_by_role("link", name="Eliminar mi cuenta").click()
    # A wrong password deletes nothing.
    field(page, "Tu contraseña, para confirmar").fill("no-es-esta")
    page.get_by_role("button", name="Eliminar mi cuenta definitivamente").click()
    expect(page.locator(".errors")).to_be_visible()
    assert User.objects.get(pk=lucia.pk).is_active

    field(page, "Tu contraseña, para confirmar").fill(PASSWORD)
    page.get_by_role("button", name="Eliminar mi cuenta definitivamente").click()
    expect(page.locator(".messages")).to_contain_text("Tu cuenta se eliminó")
    assert path_of(page) == "/"
    gone = User.objects.get(pk=lucia.pk)
    assert not gone.is_active and gone.anonymised_at is not None
    assert gone.username.startswith("eliminada-") and not gone.phone

    # Signed out, and the old password opens nothing.
    sign_in(page, "lucia", PASSWORD)
    assert path_of(page).startswith("/cuenta/entrar/")
    expect(page.locator(".form-errors")).to_be_visible()
