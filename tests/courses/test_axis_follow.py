"""A member asks to be told of new courses of an axis, from the catalogue
filtered by that axis or from /mi-formacion/, and stops the same way: plain
forms, no JavaScript. Her followed axes are in her data export and go with
her account."""

import json

import pytest

from courses.models import Axis, AxisFollow
from members.services import account_delete
from tests.courses import learning_fixtures
from tests.courses.learning_fixtures import signed_in, text_of

pytestmark = pytest.mark.django_db

course = learning_fixtures.course
member = learning_fixtures.member


def toggle_url(axis):
    return f"/mi-formacion/ejes/{axis.slug}/avisos/"


@pytest.fixture
def axis(course):
    return course.primary_axis


def test_the_filtered_catalogue_offers_to_follow_its_axis(member, axis):
    client = signed_in(member)

    page = text_of(client.get(f"/cursos/?eje={axis.slug}"))

    assert f"Avisarme de cursos nuevos de {axis.name}" in page


def test_following_from_the_catalogue_comes_back_to_it(member, axis):
    client = signed_in(member)
    back = f"/cursos/?eje={axis.slug}"

    response = client.post(toggle_url(axis), {"seguir": "1", "next": back}, follow=True)

    assert response.redirect_chain[-1][0] == back
    page = text_of(response)
    assert f"Te avisaremos de los cursos nuevos de {axis.name}." in page
    assert f"Dejar de avisarme de cursos nuevos de {axis.name}" in page
    assert AxisFollow.objects.filter(user=member, axis=axis).count() == 1


def test_following_twice_follows_once_and_stopping_stops(member, axis):
    client = signed_in(member)

    client.post(toggle_url(axis), {"seguir": "1"})
    client.post(toggle_url(axis), {"seguir": "1"})
    assert AxisFollow.objects.filter(user=member).count() == 1

    response = client.post(toggle_url(axis), {"seguir": "0"}, follow=True)

    assert response.redirect_chain[-1][0] == "/mi-formacion/"
    assert "Ya no te avisaremos de los cursos nuevos de" in text_of(response)
    assert not AxisFollow.objects.filter(user=member).exists()


def test_my_formation_lists_every_axis_with_its_button(member, axis):
    client = signed_in(member)
    client.post(toggle_url(axis), {"seguir": "1"})

    page = text_of(client.get("/mi-formacion/"))

    assert "Cursos nuevos de los ejes que sigo" in page
    assert f"Lo sigues: {axis.name}" in page
    assert f"Dejar de avisarme de cursos nuevos de {axis.name}" in page
    other = Axis.objects.exclude(pk=axis.pk).first()
    assert f"Avisarme de cursos nuevos de {other.name}" in page


def test_a_get_an_unknown_axis_and_an_outside_next_change_nothing(member, axis):
    client = signed_in(member)

    assert client.get(toggle_url(axis)).status_code == 405
    assert (
        client.post("/mi-formacion/ejes/no-existe/avisos/", {"seguir": "1"}).status_code
        == 404
    )
    response = client.post(
        toggle_url(axis), {"seguir": "1", "next": "https://example.com/"}
    )

    assert response.status_code == 302 and response["Location"] == "/mi-formacion/"
    assert AxisFollow.objects.count() == 1


def test_an_anonymous_visitor_is_sent_to_sign_in(client, axis):
    response = client.post(toggle_url(axis), {"seguir": "1"})

    assert response.status_code == 302 and "/cuenta/entrar/" in response["Location"]
    assert not AxisFollow.objects.exists()


def test_followed_axes_are_exported_and_deleted_with_the_account(member, axis):
    client = signed_in(member)
    client.post(toggle_url(axis), {"seguir": "1"})

    exported = json.loads(client.post("/cuenta/mis-datos/exportar/").content)

    (row,) = exported["ejes_seguidos"]
    assert row["eje"] == axis.name
    page = text_of(client.get("/cuenta/mis-datos/"))
    assert "Ejes que sigo (cursos nuevos)" in page and axis.name in page
    account_delete(user=member)
    assert not AxisFollow.objects.exists()
