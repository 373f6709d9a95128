import pytest

from courses.models import Axis

pytestmark = pytest.mark.django_db

PASSWORD = "una-contraseña-larga-123"


def test_editor_renames_an_axis_in_the_admin_and_the_home_page_shows_it(client, editor):
    axis = Axis.objects.get(number=4)
    client.login(username="editora", password=PASSWORD)

    listing = client.get("/admin/snippets/courses/axis/")
    assert listing.status_code == 200
    assert axis.name in listing.content.decode()

    response = client.post(
        f"/admin/snippets/courses/axis/edit/{axis.pk}/",
        {
            "number": 4,
            "name": "Economía solidaria y cooperativismo",
            "slug": axis.slug,
            "description": axis.description,
            "colour": axis.colour,
        },
    )

    assert response.status_code == 302
    axis.refresh_from_db()
    assert axis.name == "Economía solidaria y cooperativismo"
    assert "Economía solidaria y cooperativismo" in client.get("/").content.decode()


def test_admin_form_refuses_a_light_colour_with_a_spanish_message(client, editor):
    axis = Axis.objects.get(number=2)
    client.login(username="editora", password=PASSWORD)

    response = client.post(
        f"/admin/snippets/courses/axis/edit/{axis.pk}/",
        {
            "number": 2,
            "name": axis.name,
            "slug": axis.slug,
            "description": axis.description,
            "colour": "#fafafa",
        },
    )

    assert response.status_code == 200
    assert "muy claro" in response.content.decode()
    axis.refresh_from_db()
    assert axis.colour == "#1d4e89"


def test_a_member_without_admin_access_cannot_edit_axes(client, make_user):
    make_user("integrante")
    client.login(username="integrante", password=PASSWORD)

    response = client.get("/admin/snippets/courses/axis/")

    assert response.status_code in (302, 403)
    assert "/admin/" in response.get("Location", "/admin/")
