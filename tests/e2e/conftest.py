"""The real browser: Debian's Chromium driven by Playwright against a live server.

The tests use the Chromium of the machine (``/usr/bin/chromium``, from Debian's
``chromium`` package; ``CHROMIUM_PATH`` names another), never a browser
downloaded by Playwright. Without it every test here is skipped with the reason.

One browser serves every test of this folder; each test opens its own context
(cookies, viewport) at a phone's size and a desktop's. The live server runs in a
thread of this process on 127.0.0.1, so a test's data must be committed for it
to be seen: the tests are transactional, and ``serialized_rollback`` puts back,
before each one, the rows the migrations made (axes, states, page tree, groups,
the workflow), which the flush after a transactional test wipes.
"""

import os
import re
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
NO_CHROMIUM = (
    f"Chromium no está instalado en {CHROMIUM} (apt-get install chromium): se "
    "omiten las pruebas en navegador. / Chromium is not installed at "
    f"{CHROMIUM}: the browser tests are skipped."
)
NO_PLAYWRIGHT = (
    "Falta el paquete playwright (pip install -r requirements-dev.txt): se omiten "
    "las pruebas en navegador. / The playwright package is missing."
)

# The two screens every journey runs on: a cheap phone and a laptop.
SCREENS = {
    "telefono": {
        "viewport": {"width": 360, "height": 740},
        "is_mobile": True,
        "has_touch": True,
    },
    "escritorio": {"viewport": {"width": 1280, "height": 800}},
}

# pytest-django's live server listens here (its default, "localhost", may be ::1).
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

# Every test in this folder is transactional (see the module docstring).
e2e = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def pytest_collection_modifyitems(config, items):
    reason = None
    try:
        import playwright  # noqa: F401
    except ImportError:
        reason = NO_PLAYWRIGHT
    if reason is None and not os.access(CHROMIUM, os.X_OK):
        reason = NO_CHROMIUM
    if reason is None:
        return
    for item in items:
        if item.path.parent == HERE:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="package")
def browser(django_db_setup, django_db_blocker):
    """One Chromium for every test of this folder, closed after the last one.

    Playwright's synchronous API marks an asyncio event loop as running in this
    thread for as long as it is started. Two things follow, both handled here:

    - Django refuses ORM calls from a thread with a running loop
      (SynchronousOnlyOperation). The tests use the ORM between browser steps,
      one call at a time and never concurrently with the loop's own work,
      which is the case DJANGO_ALLOW_ASYNC_UNSAFE is for; it is set only while
      the browser is open, so the tests after this folder keep the check.
    - Django keeps database connections per asyncio context once a loop runs
      in the thread (asgiref's Local), so the tests get a new connection object
      without the migrated rows the test database's set-up serialized on the
      first one: they are handed over, and the new connections closed before
      the loop stops.
    """
    from django.db import connections
    from playwright.sync_api import sync_playwright

    serialized = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    for alias, contents in serialized.items():
        connections[alias]._test_serialized_contents = contents
    chromium = playwright.chromium.launch(executable_path=CHROMIUM)
    yield chromium
    chromium.close()
    with django_db_blocker.unblock():
        connections.close_all()
    playwright.stop()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(params=list(SCREENS))
def screen(request):
    """The name of the screen this test runs on: ``telefono`` or ``escritorio``."""
    return request.param


def new_context(browser, live_server, screen, **options):
    context = browser.new_context(
        base_url=live_server.url,
        locale="es-MX",
        timezone_id="America/Mexico_City",
        accept_downloads=True,
        **SCREENS[screen],
        **options,
    )
    context.set_default_timeout(15_000)
    return context


@pytest.fixture
def context(browser, live_server, screen):
    context = new_context(browser, live_server, screen)
    yield context
    context.close()


def watch(page):
    """Script errors and Content-Security-Policy refusals met on ``page``."""
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return errors


@pytest.fixture
def page(context):
    page = context.new_page()
    errors = watch(page)
    yield page
    # Either is a failure of the journey that met it.
    assert not errors, errors


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded and generated files (constancias, covers) in this test's folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT


def field(page, label):
    """The form field labelled ``label``, with or without the required mark."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def sign_in(page, username, password, *, next_path=""):
    """Through the sign-in form, as a person does."""
    page.goto(f"/cuenta/entrar/{'?next=' + next_path if next_path else ''}")
    field(page, "Nombre de usuario").fill(username)
    field(page, "Contraseña").fill(password)
    # Wait for the page the form leads to, not for the sign-in page that is
    # already loaded: its late responses would otherwise reach the next step.
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="Entrar").click()
    page.wait_for_load_state()


def main_text(page):
    """The visible text of the page's main landmark, spaces collapsed, once the
    page a click led to has loaded."""
    page.wait_for_load_state()
    return " ".join(page.locator("main").inner_text().split())


def path_of(page):
    """The path and query of the page a click led to, once it has loaded."""
    page.wait_for_load_state()
    return re.sub(r"^https?://[^/]+", "", page.url)


def menu_link(page, name):
    """The main menu's link ``name``, as a person reaches it: on a phone the menu
    is folded under its "Menú" toggle, which is opened first."""
    toggle = page.locator(".site-header summary", has_text="Menú")
    if toggle.is_visible() and not page.locator(".site-header details[open]").count():
        toggle.click()
    return page.get_by_role("navigation", name="Principal").get_by_role(
        "link", name=name
    )


OVERFLOWING = """() => {
  const scrolls = element => element && element.tagName !== 'MAIN' && (
    ['auto', 'scroll'].includes(getComputedStyle(element).overflowX)
    || scrolls(element.parentElement));
  return [...document.querySelectorAll('main *')]
  .filter(element => {
    const box = element.getBoundingClientRect();
    return box.width > 0 && box.right > window.innerWidth + 1
      && !scrolls(element.parentElement);
  })
  .map(element => `${element.tagName.toLowerCase()}.${element.className}`);
}"""


def overflowing(page):
    """What in the main landmark reaches past the screen's right edge, outside
    the boxes that scroll sideways on purpose (wide tables): cut off or pushing
    the page sideways, either way a reader on a phone loses it."""
    return page.evaluate(OVERFLOWING)
