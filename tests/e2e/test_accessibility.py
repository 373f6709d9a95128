"""axe-core in the page: the home, catalogue, course, lesson, quiz (blank and
answered), the page finishing a course lands on, /mi-formacion/, council and
registration pages (blank and with errors), the page-not-found page and the
phone's open menu have no serious or critical violation of WCAG 2.2 A/AA or
axe's best practices, on a phone and on a desktop."""

import pytest

from councils.factories import join
from tests.conftest import PASSWORD

from .axe import audit, axe_source
from .conftest import e2e, new_context, sign_in
from .data import RIGHT, WRONG, council_with_leader, person, two_courses

pytestmark = e2e

COURSE = "/cursos/asambleas-que-deciden/"
COUNCIL = "/consejos/jalisco/consejo-comunitario-santa-cecilia/"


@pytest.fixture(scope="session")
def axe_script(request, tmp_path_factory):
    cache = getattr(request.config, "cache", None)
    folder = cache.mkdir("axe-core") if cache else tmp_path_factory.mktemp("axe")
    return axe_source(folder)


@pytest.fixture
def content(db):
    two_courses()
    council, _leader = council_with_leader()
    join(person("lucia", first_name="Lucía"), council)


def test_the_public_and_member_pages_have_no_serious_violations(
    browser, live_server, screen, axe_script, content
):
    # An init script runs before the page's own and outside its
    # Content-Security-Policy, which forbids inline scripts.
    context = new_context(browser, live_server, screen)
    context.add_init_script(script=axe_script)
    page = context.new_page()
    found = {}

    def check(name, path=None):
        if path:
            page.goto(path)
        problems = audit(page)
        if problems:
            found[name] = problems

    try:
        check("inicio", "/")
        check("catálogo", "/cursos/?eje=democracia-participativa")
        check("curso", COURSE)
        check("lección (visitante)", f"{COURSE}que-es-un-consejo/")
        check("consejo", COUNCIL)
        check("registro", "/cuenta/registro/")
        page.get_by_role("button", name="Crear mi cuenta").click()
        check("registro con errores")
        check("página no encontrada", "/cursos/no-existe/")
        # The phone's menu, opened.
        toggle = page.locator(".menu__toggle")
        if toggle.is_visible():
            toggle.click()
            check("menú abierto")

        sign_in(page, "lucia", PASSWORD)
        check("curso (integrante)", COURSE)
        page.get_by_role("button", name="Inscribirme en este curso").click()
        check("lección")
        page.get_by_role("button", name="Marcar como estudiada").click()
        check("autoevaluación")
        page.locator("#autoevaluacion").get_by_label(WRONG).check()
        page.get_by_role("button", name="Revisar mis respuestas").click()
        check("autoevaluación respondida")
        page.locator("#autoevaluacion").get_by_label(RIGHT).check()
        page.get_by_role("button", name="Revisar mis respuestas").click()
        check("curso terminado")
        check("mi formación", "/mi-formacion/")
        check("mis datos", "/cuenta/mis-datos/")
        check("cambiar contraseña", "/cuenta/mis-datos/contrasena/")
    finally:
        context.close()

    assert not found, "\n".join(
        f"{name}:\n  " + "\n  ".join(problems) for name, problems in found.items()
    )
