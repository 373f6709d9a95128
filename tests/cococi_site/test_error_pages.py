"""Error pages in Spanish, in the site's look and readable on a phone: an
unknown address, a refused one, an expired form, a bad request, a failure."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from home.models import HomePage

pytestmark = pytest.mark.django_db

PHONE_READY = '<meta name="viewport" content="width=device-width, initial-scale=1">'


def text_of(response):
    return response.content.decode()


def test_an_unknown_address_is_a_spanish_404_with_ways_forward(client):
    response = client.get("/cursos/no-existe/")

    assert response.status_code == 404
    page = text_of(response)
    assert PHONE_READY in page
    assert '<html lang="es-mx">' in page
    assert "No encontramos esta página" in page
    for link in ('href="/"', 'href="/cursos/"', 'href="/consejos/"'):
        assert link in page
    assert 'action="/buscar/"' in page
    # The site's own header and menu, so a lost visitor is not stranded.
    assert 'class="site-header"' in page and "Menú" in page


def test_a_404_is_never_kept_in_the_page_cache(client):
    from cococi_site.page_cache import HEADER

    Client().get("/cursos/no-existe/")
    response = Client().get("/cursos/no-existe/")

    assert response.status_code == 404
    assert HEADER not in response or response[HEADER] != "hit"


def test_a_refused_page_asks_a_visitor_to_sign_in(monkeypatch):
    def refused(*args, **kwargs):
        raise PermissionDenied

    monkeypatch.setattr(HomePage, "serve", refused)

    response = Client().get("/")

    assert response.status_code == 403
    page = text_of(response)
    assert PHONE_READY in page
    assert "No puedes ver esta página" in page
    assert 'href="/cuenta/entrar/?next=/"' in page


def test_a_refused_page_tells_a_member_whom_to_ask(monkeypatch, make_user):
    def refused(*args, **kwargs):
        raise PermissionDenied

    monkeypatch.setattr(HomePage, "serve", refused)
    client = Client()
    client.force_login(make_user("lucia"))

    response = client.get("/")

    assert response.status_code == 403
    assert "coordinación de tu consejo" in text_of(response)


def test_an_expired_form_says_so_in_spanish_and_saves_nothing(make_user):
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        "/cuenta/entrar/", {"username": "lucia", "password": "x"}, follow=False
    )

    assert response.status_code == 403
    page = text_of(response)
    assert PHONE_READY in page
    assert "Este formulario caducó" in page
    assert "Nada se guardó" in page


def test_a_failure_is_a_spanish_500_page(monkeypatch):
    def broken(*args, **kwargs):
        raise ZeroDivisionError

    monkeypatch.setattr(HomePage, "serve", broken)

    response = Client(raise_request_exception=False).get("/")

    assert response.status_code == 500
    page = text_of(response)
    assert PHONE_READY in page
    assert "Algo salió mal de nuestro lado" in page
    assert "no está disponible" not in page  # that is the database's 503


def test_a_bad_request_is_a_spanish_400_page(settings):
    settings.ALLOWED_HOSTS = ["cococi.example"]

    response = Client().get("/", HTTP_HOST="otro.example")

    assert response.status_code == 400
    assert "No pudimos entender esa solicitud" in text_of(response)
