"""A visitor taps "Quiero unirme" on a council's page before having an
account: she creates one, lands back on the council's join confirmation, sends
her request with one tap, and the council's leader finds it waiting in
"Mi consejo"."""

from playwright.sync_api import expect

from councils.models import Membership
from tests.conftest import PASSWORD

from .conftest import (
    e2e,
    field,
    main_text,
    new_context,
    overflowing,
    path_of,
    sign_in,
    watch,
)
from .data import council_with_leader

pytestmark = e2e


def test_a_visitor_taps_join_registers_and_her_request_waits_for_the_leader(
    page, browser, live_server, screen, db
):
    council, _leader = council_with_leader()
    join_path = council.url + "unirme/"

    page.goto(council.url)
    page.get_by_role("link", name="Quiero unirme").click()
    assert path_of(page) == join_path
    assert not overflowing(page)
    page.get_by_role("link", name="Crear mi cuenta").click()
    assert path_of(page).startswith("/cuenta/registro/?next=")

    field(page, "Nombre(s)").fill("Lucía")
    page.get_by_label("Apellidos").fill("Méndez Ruiz")
    field(page, "Nombre de usuario").fill("lucia")
    field(page, "Contraseña").fill(PASSWORD)
    field(page, "Confirmación de contraseña").fill(PASSWORD)
    page.locator("fieldset.consent").get_by_role("checkbox").first.check()
    page.get_by_role("button", name="Crear mi cuenta").click()

    # Back on the council's confirmation, signed in: nothing sent yet.
    expect(page.locator(".messages")).to_contain_text("Tu cuenta está lista")
    assert path_of(page) == join_path
    assert "Consejo Comunitario Santa Cecilia" in main_text(page)
    assert not Membership.objects.exists()
    assert not overflowing(page)
    page.get_by_role("button", name="Enviar mi solicitud para unirme").click()

    expect(page.locator(".messages")).to_contain_text("Enviamos tu solicitud")
    assert path_of(page) == council.url
    assert "espera la respuesta" in main_text(page)
    assert Membership.objects.get().status == "pendiente"

    # The leader, on her own device, finds the request in "Mi consejo".
    leader_context = new_context(browser, live_server, screen)
    try:
        leader_page = leader_context.new_page()
        watch(leader_page)
        sign_in(
            leader_page,
            "coordinadora",
            PASSWORD,
            next_path=f"/admin/mi-consejo/{council.pk}/",
        )
        requests = leader_page.locator(
            "section", has=leader_page.locator("#pending-heading")
        )
        expect(requests).to_contain_text("Lucía Méndez Ruiz")
        expect(requests.get_by_role("button", name="Aceptar")).to_be_visible()
    finally:
        leader_context.close()
