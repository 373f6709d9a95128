"""The materials library at /materiales/ and a material's page."""

import re

import pytest
from django.core.exceptions import ValidationError

from courses.factories import MaterialPageFactory
from courses.models import Axis, MaterialIndexPage, MaterialPage
from tests.conftest import assert_only_the_site_script

pytestmark = pytest.mark.django_db

KINDS = ["cuadernillo", "infografia", "guia", "audio", "video", "lectura"]


def listed_titles(html):
    return re.findall(r'<h3 class="card__title"><a href="[^"]*">([^<]*)</a>', html)


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def materials(db):
    democracy = Axis.objects.get(number=1)
    nature = Axis.objects.get(number=5)
    return {
        "guide": MaterialPageFactory(
            title="Guía para convocar una asamblea",
            kind="guia",
            axis=democracy,
            tags=["asamblea"],
        ),
        "booklet": MaterialPageFactory(
            title="Cuadernillo del agua",
            kind="cuadernillo",
            axis=nature,
            tags=["agua", "territorio"],
        ),
        "audio": MaterialPageFactory(
            title="Cápsula de radio comunitaria",
            kind="audio",
            axis=democracy,
            document=None,
            embed_url="https://soundcloud.com/cococi/capsula-1",
            tags=["territorio"],
        ),
    }


def test_library_lists_live_materials(client, materials):
    MaterialPageFactory(title="Infografía sin publicar", live=False, publish=False)

    html = get(client, "/materiales/")

    assert sorted(listed_titles(html)) == [
        "Cuadernillo del agua",
        "Cápsula de radio comunitaria",
        "Guía para convocar una asamblea",
    ]
    assert "Infografía sin publicar" not in html
    assert "3 materiales" in html


def test_library_filters_by_axis(client, materials):
    html = get(client, "/materiales/?eje=madre-naturaleza")

    assert listed_titles(html) == ["Cuadernillo del agua"]


@pytest.mark.parametrize("kind", KINDS)
def test_library_filters_by_each_type(client, materials, kind):
    MaterialPageFactory(title=f"Material de tipo {kind}", kind=kind)

    html = get(client, f"/materiales/?tipo={kind}")

    titles = listed_titles(html)
    assert f"Material de tipo {kind}" in titles
    assert all(MaterialPage.objects.get(title=title).kind == kind for title in titles)


def test_library_filters_by_topic_and_combines(client, materials):
    assert sorted(listed_titles(get(client, "/materiales/?tema=territorio"))) == [
        "Cuadernillo del agua",
        "Cápsula de radio comunitaria",
    ]
    html = get(client, "/materiales/?tema=territorio&tipo=audio")
    assert listed_titles(html) == ["Cápsula de radio comunitaria"]
    html = get(client, "/materiales/?tema=territorio&eje=democracia-participativa")
    assert listed_titles(html) == ["Cápsula de radio comunitaria"]


def test_library_filter_links_are_plain_links(client, materials):
    html = get(client, "/materiales/?tipo=guia")

    assert_only_the_site_script(html)
    assert 'href="?tipo=guia&amp;eje=madre-naturaleza#resultados"' in html
    assert 'href="?tipo=guia&amp;tema=agua#resultados"' in html
    assert 'aria-current="true">Guía</a>' in html


@pytest.mark.parametrize(
    "query, message",
    [
        ("tipo=podcast", "No existe un tipo de material llamado «podcast»."),
        ("eje=ninguno", "No existe un eje estratégico llamado «ninguno»."),
        ("tema=nada", "No existe un tema llamado «nada»."),
    ],
)
def test_unknown_filter_gives_a_spanish_message_and_nothing(
    client, materials, query, message
):
    html = get(client, f"/materiales/?{query}")

    assert message in html
    assert listed_titles(html) == []
    assert "Todavía no hay materiales con estos filtros." in html


@pytest.mark.parametrize("page", ["999", "abc"])
def test_library_page_numbers_never_fail(client, materials, page):
    html = get(client, f"/materiales/?pagina={page}")

    assert len(listed_titles(html)) == 3


def test_library_and_material_page_offer_the_download(client, materials):
    guide = materials["guide"]

    html = get(client, "/materiales/")
    assert f'<a href="{guide.document.url}" download>Descargar</a>' in html

    page = get(client, guide.url)
    assert f'href="{guide.document.url}" download>Descargar (PDF' in page
    assert "Guía · Eje 1 · Democracia participativa y directa" in page
    assert "Una guía para preparar y conducir una asamblea." in page

    download = client.get(guide.document.url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_an_embedded_material_links_to_its_address(client, materials):
    html = get(client, materials["audio"].url)

    assert 'href="https://soundcloud.com/cococi/capsula-1"' in html
    assert "Abrir el video o audio" in html or "Abre el video o audio" in html


def test_a_material_needs_a_file_or_an_embed_address():
    material = MaterialPage(
        title="Infografía vacía",
        slug="infografia-vacia",
        kind="infografia",
        axis=Axis.objects.get(number=3),
        description="<p>Sin archivo.</p>",
    )

    with pytest.raises(ValidationError) as error:
        material.full_clean()

    assert "Adjunta un archivo o escribe la dirección de un video o audio" in str(
        error.value
    )
    with pytest.raises(ValidationError):
        MaterialIndexPage.objects.get().add_child(instance=material)
    assert not MaterialPage.objects.filter(slug="infografia-vacia").exists()


def test_a_material_with_only_an_embed_address_is_valid():
    material = MaterialPageFactory(
        kind="video", document=None, embed_url="https://www.youtube.com/watch?v=abc"
    )

    material.full_clean()


def test_an_unknown_material_type_is_refused():
    material = MaterialPageFactory()
    material.kind = "podcast"

    with pytest.raises(ValidationError) as error:
        material.full_clean()

    assert "kind" in error.value.message_dict
