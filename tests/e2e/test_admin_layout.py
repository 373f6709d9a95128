"""The project's own admin views (Mi consejo…) sit where Wagtail's do: no band
above the admin, on a desktop as on a phone."""

from playwright.sync_api import expect

from tests.conftest import PASSWORD

from .conftest import e2e, sign_in

pytestmark = e2e


def test_mi_consejo_starts_at_the_top_of_the_window(page, superuser):
    sign_in(page, "admin", PASSWORD, next_path="/admin/")
    page.goto("/admin/mi-consejo/")
    expect(page.locator("#header-title")).to_contain_text("Mi consejo")

    top = page.evaluate(
        "() => document.querySelector('main.content-wrapper')"
        ".getBoundingClientRect().top"
    )

    assert top == 0
    expect(
        page.get_by_role("link", name="Saltar al contenido principal")
    ).not_to_be_in_viewport()
