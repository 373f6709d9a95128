"""The course catalogue at /cursos/: cards, filters, bad input and pagination."""

import re
from html import unescape

import pytest
from taggit.models import Tag

from courses.factories import CoursePageFactory, LessonPageFactory
from courses.filters import PAGE_SIZE
from courses.models import Axis
from tests.conftest import assert_only_the_site_script

pytestmark = pytest.mark.django_db


def card(html, title):
    """The catalogue card (<li class="card …">…</li>) of the course ``title``."""
    for chunk in html.split('<li class="card ')[1:]:
        chunk = chunk.split("</li>")[0]
        if f">{title}</a>" in chunk:
            return chunk
    raise AssertionError(f"no card for {title!r}")


def listed_titles(html):
    return re.findall(r'<h3 class="card__title"><a href="[^"]*">([^<]*)</a>', html)


def filter_hrefs(html, name):
    """The hrefs of the filter links of one filter (eje, nivel, tema)."""
    block = html.split(f'id="filtro-{name}"')[1].split("</ul>")[0]
    hrefs = [unescape(href) for href in re.findall(r'href="([^"]*)"', block)]
    # Each lands on the results, not on the filters just tapped.
    assert all(href.endswith("#resultados") for href in hrefs), hrefs
    return [href.removesuffix("#resultados") for href in hrefs]


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def courses(db):
    democracy = Axis.objects.get(number=1)
    economy = Axis.objects.get(number=4)
    assemblies = CoursePageFactory(
        title="Asambleas que deciden",
        primary_axis=democracy,
        level="basico",
        estimated_hours=4,
        tags=["asamblea", "participación"],
    )
    co_ops = CoursePageFactory(
        title="Cooperativas de consumo",
        primary_axis=economy,
        level="intermedio",
        estimated_hours="2.5",
        tags=["cooperativa"],
    )
    budget = CoursePageFactory(
        title="Presupuesto participativo",
        primary_axis=democracy,
        level="avanzado",
        estimated_hours=10,
        tags=["participación", "cooperativa"],
    )
    return {"assemblies": assemblies, "co_ops": co_ops, "budget": budget}


def test_catalogue_lists_live_courses_with_axis_level_hours_and_lessons(
    client, courses
):
    LessonPageFactory(parent=courses["assemblies"])
    LessonPageFactory(parent=courses["assemblies"])
    LessonPageFactory(parent=courses["assemblies"], live=False, publish=False)
    LessonPageFactory(parent=courses["co_ops"])

    html = get(client, "/cursos/")

    assert "3 cursos" in html
    assemblies = card(html, "Asambleas que deciden")
    assert "Eje 1 · Democracia participativa y directa" in assemblies
    assert "Básico" in assemblies
    assert "4 h" in assemblies
    assert "2 lecciones" in assemblies  # the draft lesson is not counted
    assert 'href="/cursos/asambleas-que-deciden/"' in assemblies
    assert "axis--democracia-participativa" in assemblies
    co_ops = card(html, "Cooperativas de consumo")
    assert "Eje 4 · Economía social y solidaria" in co_ops
    assert "Intermedio" in co_ops
    assert "2.5 h" in co_ops or "2,5 h" in co_ops
    assert "1 lección" in co_ops
    budget = card(html, "Presupuesto participativo")
    assert "Avanzado" in budget
    assert "0 lecciones" in budget


def test_catalogue_is_ordered_by_axis(client, courses):
    html = get(client, "/cursos/")

    assert listed_titles(html) == [
        "Asambleas que deciden",
        "Presupuesto participativo",
        "Cooperativas de consumo",
    ]


def test_axis_colours_are_classes_not_inline_styles(client, courses):
    html = get(client, "/cursos/")

    axis = Axis.objects.get(number=4)
    assert f".axis--{axis.slug}{{--axis-colour:{axis.colour}}}" in html
    assert 'style="' not in html


def test_draft_and_unpublished_courses_are_not_listed(client, courses):
    CoursePageFactory(title="Borrador sin publicar", live=False, publish=False)
    withdrawn = CoursePageFactory(title="Curso retirado")
    withdrawn.unpublish()

    html = get(client, "/cursos/")

    assert "Borrador sin publicar" not in html
    assert "Curso retirado" not in html
    assert "3 cursos" in html


def test_filter_by_axis(client, courses):
    html = get(client, "/cursos/?eje=economia-social-solidaria")

    assert listed_titles(html) == ["Cooperativas de consumo"]
    assert "1 curso" in html


def test_filter_by_level(client, courses):
    html = get(client, "/cursos/?nivel=avanzado")

    assert listed_titles(html) == ["Presupuesto participativo"]


def test_filter_by_topic(client, courses):
    html = get(client, "/cursos/?tema=cooperativa")

    assert listed_titles(html) == [
        "Presupuesto participativo",
        "Cooperativas de consumo",
    ]


def test_filters_combine(client, courses):
    participation = Tag.objects.get(name="participación").slug

    html = get(client, f"/cursos/?eje=democracia-participativa&tema={participation}")
    assert listed_titles(html) == [
        "Asambleas que deciden",
        "Presupuesto participativo",
    ]

    html = get(
        client,
        f"/cursos/?eje=democracia-participativa&tema={participation}&nivel=basico",
    )
    assert listed_titles(html) == ["Asambleas que deciden"]

    html = get(client, "/cursos/?eje=economia-social-solidaria&nivel=basico")
    assert listed_titles(html) == []
    assert "Todavía no hay cursos con estos filtros." in html


def test_filter_links_are_plain_links_that_keep_the_other_filters(client, courses):
    html = get(client, "/cursos/?nivel=intermedio")

    assert_only_the_site_script(html)
    axis_links = filter_hrefs(html, "eje")
    assert axis_links[0] == "?nivel=intermedio"  # "Todos"
    assert "?nivel=intermedio&eje=economia-social-solidaria" in axis_links
    level_links = filter_hrefs(html, "nivel")
    assert level_links == ["?", "?nivel=basico", "?nivel=intermedio", "?nivel=avanzado"]
    topic_links = filter_hrefs(html, "tema")
    assert "?nivel=intermedio&tema=cooperativa" in topic_links
    assert 'aria-current="true">Intermedio</a>' in html

    # Following a link is enough: no form, no JavaScript.
    followed = get(client, "/cursos/?nivel=intermedio&eje=economia-social-solidaria")
    assert listed_titles(followed) == ["Cooperativas de consumo"]


def test_topic_filter_lists_only_topics_of_live_courses(client, courses):
    CoursePageFactory(title="Borrador", tags=["tema-oculto"], live=False, publish=False)

    html = get(client, "/cursos/")

    assert "?tema=cooperativa" in html
    assert "tema-oculto" not in html


def test_topic_filter_lists_no_topic_of_a_restricted_course(client, courses):
    from wagtail.models import PageViewRestriction

    restricted = CoursePageFactory(title="Solo para integrantes", tags=["tema-interno"])
    PageViewRestriction.objects.create(
        page=restricted, restriction_type=PageViewRestriction.LOGIN
    )

    html = get(client, "/cursos/")

    assert "?tema=cooperativa" in html
    assert "tema-interno" not in html


@pytest.mark.parametrize(
    "query, message",
    [
        ("eje=no-existe", "No existe un eje estratégico llamado «no-existe»."),
        ("nivel=experto", "No existe un nivel llamado «experto»."),
        ("tema=no-existe", "No existe un tema llamado «no-existe»."),
    ],
)
def test_unknown_filter_value_gives_a_spanish_message_and_no_courses(
    client, courses, query, message
):
    html = get(client, f"/cursos/?{query}")

    assert message in html
    assert listed_titles(html) == []
    assert "0 cursos" in html
    assert "Ver todos los cursos" in html


def test_hostile_filter_values_are_escaped_and_never_a_500(client, courses):
    for query in (
        "eje=<script>alert(1)</script>",
        "nivel=%27%3B+DROP+TABLE+courses_coursepage%3B+--",
        "tema=" + "a" * 5000,
        "eje=&nivel=&tema=",
        "eje=%00",
    ):
        response = client.get(f"/cursos/?{query}")
        assert response.status_code in (200, 400), query
        assert "<script>alert(1)" not in response.content.decode()


@pytest.fixture
def many_courses(db):
    axis = Axis.objects.get(number=2)
    return [
        CoursePageFactory(
            title=f"Contraloría en la colonia {n:02d}",
            primary_axis=axis,
            publish=False,  # live, without a revision: faster
        )
        for n in range(PAGE_SIZE + 1)
    ]


def test_catalogue_is_paginated(client, many_courses):
    first = get(client, "/cursos/")
    second = get(client, "/cursos/?pagina=2")

    assert len(listed_titles(first)) == PAGE_SIZE
    assert listed_titles(second) == ["Contraloría en la colonia 12"]
    assert "Página 1 de 2" in first
    assert 'href="?pagina=2"' in first
    assert "Siguiente" in first


@pytest.mark.parametrize(
    "page, expected_page",
    [("999", 2), ("abc", 1), ("-1", 2), ("0", 2), ("", 1), ("1.5", 1)],
)
def test_out_of_range_page_numbers_show_a_real_page(
    client, many_courses, page, expected_page
):
    html = get(client, f"/cursos/?pagina={page}")

    assert f"Página {expected_page} de 2" in html
    assert listed_titles(html)


def test_pagination_links_keep_the_filters(client, many_courses):
    html = get(client, "/cursos/?eje=auditoria-social")

    assert 'href="?eje=auditoria-social&amp;pagina=2"' in html


def results(html):
    """The results section: what a phone shows first after a filter's link."""
    return html.split('<section id="resultados"')[1].split("</section>")[0]


def test_after_a_filter_the_results_say_what_is_filtered_and_how_to_undo_it(
    client, courses
):
    html = get(client, "/cursos/?eje=democracia-participativa&nivel=basico")

    # The panel of filters is folded, saying how many are in use.
    assert '<details class="filters" id="filtros">' in html
    assert "Filtros (2 activos)" in html
    shown = results(html)
    assert shown.index("1 curso") < shown.index("Asambleas que deciden")
    active = shown.split('class="active-filters"')[1]
    assert "Filtrando por:" in active
    chips = re.findall(r'<a class="chip chip--active" href="([^"]+)">', active)
    assert [unescape(href) for href in chips] == [
        "?nivel=basico#resultados",
        "?eje=democracia-participativa#resultados",
    ]
    assert "Quitar el filtro" in active and "Democracia participativa" in active
    assert 'href="/cursos/#resultados">Quitar filtros</a>' in active


def test_filters_that_match_nothing_say_so_at_the_top_of_the_results(client, courses):
    html = get(client, "/cursos/?eje=economia-social-solidaria&nivel=basico")

    shown = results(html)
    assert shown.index("0 cursos") < shown.index("Todavía no hay cursos con estos")
    assert "Quitar filtros" in shown
    assert '<ul class="cards">' not in shown


def test_without_filters_there_is_no_summary_of_them(client, courses):
    html = get(client, "/cursos/")

    assert "active-filters" not in html
    assert "Filtros (" not in html
