"""A course's page: its lessons in order, prerequisites, topics and notes."""

import pytest
from taggit.models import Tag

from courses.factories import CoursePageFactory, LessonPageFactory
from courses.models import Axis
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NOTES = "Pidan a cada grupo que dibuje el mapa de su colonia."


@pytest.fixture
def course(db):
    prerequisite = CoursePageFactory(title="Asambleas que deciden")
    course = CoursePageFactory(
        title="Presupuesto participativo",
        primary_axis=Axis.objects.get(number=2),
        level="intermedio",
        estimated_hours=6,
        summary="Cómo decidir en común en qué se gasta el dinero público.",
        objectives="<ul><li>Leer un presupuesto municipal.</li></ul>",
        tags=["presupuesto", "participación"],
        prerequisites=[prerequisite],
        facilitator_notes=f"<p>{NOTES}</p>",
    )
    LessonPageFactory(
        parent=course, title="Qué es un presupuesto", estimated_minutes=15
    )
    LessonPageFactory(
        parent=course, title="Borrador de lección", live=False, publish=False
    )
    LessonPageFactory(parent=course, title="Priorizar obras", estimated_minutes=40)
    return course


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_course_page_shows_its_facts(client, course):
    html = get(client, course.url)

    assert "<h1>Presupuesto participativo</h1>" in html
    assert "Eje 2 · Auditoría social y contraloría ciudadana" in html
    assert "Intermedio" in html
    assert "6 h" in html
    assert "Cómo decidir en común en qué se gasta el dinero público." in html
    assert "Leer un presupuesto municipal." in html


def test_lessons_are_listed_in_order_with_their_minutes(client, course):
    html = get(client, course.url)

    first = html.index("Qué es un presupuesto")
    second = html.index("Priorizar obras")
    assert first < second
    assert "15 min" in html[first:second]
    assert "40 min" in html[second:]
    assert "Borrador de lección" not in html
    assert f'href="{course.url}que-es-un-presupuesto/"' in html


def test_a_course_without_lessons_says_so(client):
    course = CoursePageFactory(title="Curso recién creado")

    html = get(client, course.url)

    assert "Este curso todavía no tiene lecciones publicadas." in html


def test_prerequisites_are_linked(client, course):
    html = get(client, course.url)

    assert "Antes de este curso" in html
    assert '<a href="/cursos/asambleas-que-deciden/">Asambleas que deciden</a>' in html


def test_unpublished_prerequisites_are_not_linked(client, course):
    course.prerequisites.first().unpublish()

    html = get(client, course.url)

    assert "Asambleas que deciden" not in html


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_restricted_prerequisite_is_counted_but_never_named(
    client, course, make_user, signed_in
):
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    secret = CoursePageFactory(title="Estrategia electoral interna")
    course.prerequisites.add(secret)
    course.save()
    restriction = PageViewRestriction.objects.create(
        page=secret, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.create(name="Mesa estratégica")])
    if signed_in:
        client.force_login(make_user("socorro"))

    html = get(client, course.url)

    assert "Asambleas que deciden" in html  # the public one, linked as before
    assert "Un curso de acceso restringido" in html
    assert "Estrategia electoral interna" not in html
    assert secret.url not in html


def test_a_prerequisite_restricted_after_the_page_was_stored_is_not_named(
    client, course
):
    from wagtail.models import PageViewRestriction

    from cococi_site.page_cache import HEADER

    client.get(course.url)
    assert client.get(course.url)[HEADER] == "hit"
    PageViewRestriction.objects.create(
        page=course.prerequisites.get(), restriction_type=PageViewRestriction.LOGIN
    )

    html = get(client, course.url)

    assert "Asambleas que deciden" not in html
    assert "Un curso de acceso restringido" in html


def test_topics_link_to_the_filtered_catalogue(client, course):
    html = get(client, course.url)

    assert "Temas:" in html
    assert 'href="/cursos/?tema=presupuesto"' in html
    participation = Tag.objects.get(name="participación").slug
    assert f'href="/cursos/?tema={participation}"' in html
    # And the link works.
    assert "Presupuesto participativo" in get(client, f"/cursos/?tema={participation}")


def test_breadcrumb_links_back_to_the_catalogue(client, course):
    html = get(client, course.url)

    breadcrumb = html.split('class="breadcrumb"')[1].split("</nav>")[0]
    assert 'href="/cursos/"' in breadcrumb


def test_facilitator_notes_are_shown_to_editors(client, editor, course):
    client.login(username=editor.username, password=PASSWORD)

    html = get(client, course.url)

    assert "Notas para quien facilita" in html
    assert NOTES in html


def test_a_page_with_facilitator_notes_is_never_kept_by_the_browser(
    client, editor, course
):
    """A member's course page may be kept (a 304 next time); one that shows a
    leader or an editor the facilitator notes is never stored, as the
    facilitator's booklet is not, on a phone someone else may use."""
    client.login(username=editor.username, password=PASSWORD)

    response = client.get(course.url)

    assert NOTES in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert not response.has_header("ETag")


def test_facilitator_notes_are_hidden_from_visitors(client, course):
    html = get(client, course.url)

    assert NOTES not in html
    assert "Notas para quien facilita" not in html


def test_facilitator_notes_are_hidden_from_plain_members(client, make_user, course):
    make_user("integrante")
    client.login(username="integrante", password=PASSWORD)

    html = get(client, course.url)

    assert NOTES not in html


def test_a_draft_course_is_not_served(client):
    draft = CoursePageFactory(title="En preparación", live=False, publish=False)

    assert client.get(draft.url or "/cursos/en-preparacion/").status_code == 404


def test_an_editor_previews_a_revision_of_a_course_with_prerequisites(
    client, editor, course
):
    """A preview builds the page from its revision, whose prerequisites are an
    in-memory relation: the page still lists them (it crashed before)."""
    from django.urls import reverse

    revision = course.save_revision()
    client.force_login(editor)

    response = client.get(
        reverse("wagtailadmin_pages:revisions_view", args=[course.pk, revision.pk])
    )

    assert response.status_code == 200
    assert "Asambleas que deciden" in response.content.decode()
