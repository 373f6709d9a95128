import re

import pytest
from django.contrib.staticfiles import finders

from courses.factories import CoursePageFactory
from courses.models import Axis
from tests.conftest import assert_only_the_site_script

pytestmark = pytest.mark.django_db


def test_home_page_speaks_spanish_and_explains_what_a_cococi_is(client):
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="es-mx">' in html
    assert "¿Qué es un COCOCI?" in html
    assert "mandar obedeciendo" in html
    assert "Saltar al contenido" in html


def test_home_page_lists_every_axis_from_the_database(client):
    response = client.get("/")

    html = response.content.decode()
    axes = list(Axis.objects.ordered())
    assert len(axes) == 6
    for axis in axes:
        assert axis.name in html
        assert f"Eje {axis.number}" in html
    # In order, as the axes are numbered.
    positions = [html.index(axis.name) for axis in axes]
    assert positions == sorted(positions)


def test_renamed_and_new_axes_show_without_code_changes(client):
    Axis.objects.filter(number=1).update(name="Democracia desde abajo")
    Axis.objects.create(
        number=7, name="Comunicación comunitaria", slug="comunicacion", colour="#333333"
    )

    html = client.get("/").content.decode()

    assert "Democracia desde abajo" in html
    assert "Democracia participativa y directa" not in html
    assert "Comunicación comunitaria" in html
    assert ".axis--comunicacion{--axis-colour:#333333}" in html


def test_home_page_offers_the_calls_to_action(client):
    html = client.get("/").content.decode()

    assert 'href="/cursos/"' in html and "Ver cursos" in html
    assert 'href="/consejos/"' in html and "Encontrar mi consejo" in html
    assert 'href="/cuenta/registro/"' in html and "Registrarme" in html


def test_home_page_is_accessible_by_structure(client):
    html = client.get("/").content.decode()

    assert html.count("<h1>") == 1
    assert '<a class="skip-link" href="#contenido">' in html
    assert '<main id="contenido"' in html
    assert '<nav aria-label="Principal">' in html
    assert "<footer" in html
    # No inline style attributes: a strict Content-Security-Policy can forbid them.
    assert 'style="' not in html


def test_the_menu_leaves_out_a_page_behind_a_view_restriction(client):
    from wagtail.models import Page, PageViewRestriction

    def menu():
        html = client.get("/").content.decode()
        nav = html[html.index('<nav aria-label="Principal">') :]
        return nav[: nav.index("</nav>")]

    home = Page.objects.get(depth=2)
    shown = home.get_children().live().in_menu()
    private = shown.last()
    assert len(shown) > 1 and private.title in menu()

    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.LOGIN
    )

    assert private.title not in menu()
    assert shown.first().title in menu()


def test_home_page_needs_no_javascript(client):
    html = client.get("/").content.decode()

    assert_only_the_site_script(html)


def test_spanish_even_when_the_phone_asks_for_english(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()

    assert '<html lang="es-mx">' in html
    assert "Saltar al contenido" in html


def test_english_is_the_second_locale_chosen_with_the_switch(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302

    html = client.get("/").content.decode()

    assert '<html lang="en">' in html
    assert "Skip to content" in html


def test_home_page_query_count_is_small(client, django_assert_max_num_queries):
    client.get("/")  # warm Wagtail's site cache
    with django_assert_max_num_queries(8):
        client.get("/")


def test_unknown_path_is_a_404(client):
    assert client.get("/no-existe/").status_code == 404


def test_every_page_names_its_icon_so_browsers_do_not_ask_for_a_missing_one(client):
    """Without it each browser asks for /favicon.ico, a 404 page built for nothing."""
    html = client.get("/").content.decode()

    match = re.search(
        r'<link rel="icon" href="/static/([^"]+)" type="image/svg\+xml">', html
    )
    assert match
    assert finders.find(match.group(1))


def test_each_axis_card_leads_to_the_courses_of_its_axis(client):
    html = client.get("/").content.decode()

    for axis in Axis.objects.ordered():
        assert (
            f'<a class="axis-card__link" href="/cursos/?eje={axis.slug}#resultados">'
            in html
        )
    axis = Axis.objects.ordered().first()
    assert client.get(f"/cursos/?eje={axis.slug}").status_code == 200


def start_here(html):
    found = re.search(r'aria-labelledby="empieza">(.*?)</section>', html, re.S)
    return found.group(1) if found else None


def test_start_here_points_to_the_course_the_editor_chose(client):
    from wagtail.models import Page

    # The introductory course is on axis 3: first in the editors' order all
    # the same.
    first = CoursePageFactory(
        title="¿Qué es un COCOCI?",
        summary="Lo básico.",
        primary_axis=Axis.objects.get(number=3),
    )
    chosen = CoursePageFactory(
        title="Asambleas que deciden", primary_axis=Axis.objects.get(number=1)
    )
    home = Page.objects.get(depth=2).specific

    shown = start_here(client.get("/").content.decode())
    # With none chosen, the first course in the editors' order.
    assert "Empieza aquí" in shown
    assert f'href="{first.url}">¿Qué es un COCOCI?</a>' in shown
    assert "Lo básico." in shown

    home.start_course = chosen
    home.save_revision().publish()
    shown = start_here(client.get("/").content.decode())
    assert f'href="{chosen.url}">Asambleas que deciden</a>' in shown

    # A chosen course taken down leaves the first course in its place.
    chosen.unpublish()
    shown = start_here(client.get("/").content.decode())
    assert f'href="{first.url}">' in shown


def test_without_courses_there_is_no_start_here(client):
    assert start_here(client.get("/").content.decode()) is None
