"""docs/urls.md, the URL contract, stays true: every path it lists leads to a
view, and every address the project serves is listed in it."""

import re
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.urls import URLResolver, resolve

from cococi_site import urls as project_urls
from councils.factories import make_council
from courses.factories import CoursePageFactory, LessonPageFactory, MaterialPageFactory
from courses.models import CoursePage, LessonPage
from home import routing

pytestmark = pytest.mark.django_db

CONTRACT = Path(__file__).resolve().parents[2] / "docs" / "urls.md"
PAGE_SERVING = {"wagtail_serve", "wagtail_serve_ics"}


def contract_paths():
    """The backticked paths of the first column of the contract's tables."""
    paths = []
    for line in CONTRACT.read_text(encoding="utf-8").splitlines():
        if line.startswith("| `/"):
            first_cell = line.split("|")[1]
            paths.extend(re.findall(r"`(/[^`]*)`", first_cell))
    return paths


@pytest.fixture
def examples():
    """Demo-like values for the contract's placeholders."""
    course = CoursePageFactory(title="Democracia participativa y directa")
    lesson = LessonPageFactory(parent=course, title="El pueblo manda")
    material = MaterialPageFactory(title="Guía para facilitar una asamblea")
    council = make_council()
    state = council.get_parent()
    return {
        "<curso>": course.slug,
        "<leccion>": lesson.slug,
        "<material>": material.slug,
        "<estado>": state.slug,
        "<consejo>": council.slug,
        "<eje>": "democracia-participativa",
        "<id>": "12",
        "<codigo>": "K7QF-3M9P-X2",
        "<clave>": "a1b2c3d4",
        "<secreto>": "A" * 43,
        "<nombre>": "asamblea.width-360.format-webp.webp",
    }


def leads_to_a_view(path):
    """A view of urls.py, or a page of the tree (or one of its routes)."""
    match = resolve(path)
    if match.url_name not in PAGE_SERVING:
        return True
    request = RequestFactory().get(path)
    routing.route(request, path.lstrip("/"))
    return request._wagtail_route_for_request is not None


def test_the_contract_lists_paths():
    paths = contract_paths()

    assert len(paths) > 50
    assert "/sitemap.xml" in paths
    assert "/robots.txt" in paths


def test_every_path_of_the_contract_leads_to_a_view(examples):
    nowhere = []
    for documented in contract_paths():
        path = documented
        for placeholder, value in examples.items():
            path = path.replace(placeholder, value)
        assert "<" not in path, f"placeholder without an example in {documented}"
        if not leads_to_a_view(path):
            nowhere.append(documented)

    assert nowhere == []


def test_a_made_up_path_leads_nowhere(examples):
    """The check above can fail: Wagtail's serving catches every address."""
    assert not leads_to_a_view(f"/cursos/{examples['<curso>']}/no-existe/")
    assert not leads_to_a_view("/no-existe/")


def test_every_address_of_the_project_is_in_the_contract():
    text = CONTRACT.read_text(encoding="utf-8")
    # The first part of each address of cococi_site/urls.py (bar the page
    # serving and what Wagtail's own urls add under the pages' addresses).
    prefixes = set()
    for pattern in project_urls.urlpatterns:
        if isinstance(pattern, URLResolver) and "wagtail" in str(pattern.urlconf_name):
            continue
        route = str(pattern.pattern).lstrip("^")
        first = re.match(r"[\w.-]+", route)
        if first and getattr(pattern, "name", None) not in PAGE_SERVING:
            prefixes.add(first.group(0))

    missing = sorted(prefix for prefix in prefixes if f"`/{prefix}" not in text)
    assert missing == []
    assert {"admin", "api", "cuenta", "sitemap.xml", "robots.txt"} <= prefixes


def test_every_page_route_is_in_the_contract():
    text = CONTRACT.read_text(encoding="utf-8")
    from councils.models import ConstitutionGuidePage, CouncilPage

    missing = []
    for model in (CoursePage, LessonPage, CouncilPage, ConstitutionGuidePage):
        for pattern in model.get_subpage_urls():
            route = re.sub(r"<[^>]+>", "<id>", str(pattern.pattern)).rstrip("/")
            if route and f"/{route}" not in text:
                missing.append(f"{model.__name__}: {pattern.name} ({route})")

    assert missing == []
