"""On a phone several people share, the person leaving takes her saved pages
and her offline queue with her: signing out and deleting the account ask the
browser to clear the site's caches and storage (Clear-Site-Data)."""

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def cleared(response):
    value = response.get("Clear-Site-Data", "")
    return {part.strip() for part in value.split(",") if part.strip()}


@pytest.fixture
def lucia_client(client, make_user):
    make_user("lucia", first_name="Lucía", email="lucia@example.org")
    assert client.login(username="lucia", password=PASSWORD)
    return client


def test_signing_out_clears_the_cache_and_storage_of_the_site(lucia_client):
    response = lucia_client.post("/cuenta/salir/")

    assert response.status_code == 302
    assert {'"cache"', '"storage"'} <= cleared(response)
    assert '"cookies"' not in cleared(response)  # the session goes by itself
    assert "_auth_user_id" not in lucia_client.session


def test_the_sign_out_confirmation_page_clears_nothing(lucia_client):
    response = lucia_client.get("/cuenta/salir/")

    assert response.status_code == 200
    assert not cleared(response)


def test_deleting_the_account_clears_the_cache_and_storage_of_the_site(lucia_client):
    response = lucia_client.post("/cuenta/mis-datos/eliminar/", {"password": PASSWORD})

    assert response.status_code == 302
    assert {'"cache"', '"storage"'} <= cleared(response)


def test_a_refused_deletion_clears_nothing(lucia_client):
    response = lucia_client.post(
        "/cuenta/mis-datos/eliminar/", {"password": "no-es-esta"}
    )

    assert response.status_code == 200
    assert not cleared(response)
