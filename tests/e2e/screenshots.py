"""`make screenshots`: the key pages of the demo, on a phone and a desktop, into
docs/screenshots/ (the README shows some of them).

Not part of `make test` (its name does not start with ``test_``): run it with
``pytest tests/e2e/screenshots.py``. It loads the demo (`manage.py load_demo`)
into the test database, signs in as the demo's accounts and saves each
screen as a PNG reduced to 64 colours, which keeps the folder small."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from councils.models import CouncilPage
from courses.models import Certificate, CoursePage
from members.demo import DEMO_PASSWORD

from .conftest import SCREENS, e2e, new_context, sign_in

pytestmark = e2e

FOLDER = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def demo(db, media, settings):
    # Overridden settings forget their module's name, which load_demo checks
    # to refuse production.
    settings.SETTINGS_MODULE = "cococi_site.settings.test"
    call_command("load_demo", verbosity=0)
    course = CoursePage.objects.get(slug="democracia-participativa-y-directa")
    council = CouncilPage.objects.get(title__contains="Santa Cecilia")
    certificate = Certificate.objects.get(user__username="integrante")
    return {
        "finished": reverse("course_finished", args=[certificate.course.slug]),
        "certificate": reverse("courses:certificate_verify", args=[certificate.code]),
        "course": course.url,
        "lesson": course.lessons()[0].url,
        "council": council.url,
    }


def save(page, name, screen, tall):
    """The screen, or the page down to ``tall`` pixels, as a small PNG."""
    if tall:
        # A taller window rather than a full-page shot: the admin scrolls
        # inside its own panel, not the document.
        width = page.viewport_size["width"]
        page.set_viewport_size({"width": width, "height": tall})
        height = page.evaluate(
            "Math.max(document.body.scrollHeight,"
            " document.querySelector('main').scrollHeight)"
        )
        clip = {"x": 0, "y": 0, "width": width, "height": min(tall, height)}
        shot = page.screenshot(clip=clip)
    else:
        shot = page.screenshot()
    picture = Image.open(io.BytesIO(shot))
    reduced = picture.convert("RGB").quantize(colors=64)
    FOLDER.mkdir(parents=True, exist_ok=True)
    reduced.save(FOLDER / f"{name}-{screen}.png", optimize=True)


@pytest.mark.parametrize("screen", list(SCREENS), indirect=True)
def test_screenshots(browser, live_server, screen, demo):
    # (account, name, path, how far down the page to go: None for one screen)
    shots = [
        (None, "inicio", "/", None),
        (None, "catalogo", "/cursos/", None),
        (None, "curso", demo["course"], None),
        (None, "consejo", demo["council"], None),
        ("integrante", "leccion", demo["lesson"], None),
        ("integrante", "mi-formacion", "/mi-formacion/", 1600),
        ("integrante", "curso-terminado", demo["finished"], 1600),
        (None, "constancia", demo["certificate"], None),
        ("coordinadora", "cuadros", "/admin/formacion-de-cuadros/", 2600),
    ]
    contexts = {}
    try:
        for account, name, path, tall in shots:
            if account not in contexts:
                contexts[account] = new_context(browser, live_server, screen)
                if account:
                    sign_in(contexts[account].new_page(), account, DEMO_PASSWORD)
            page = contexts[account].new_page()
            page.goto(path, wait_until="networkidle")
            save(page, name, screen, tall)
            page.close()
    finally:
        for context in contexts.values():
            context.close()
