"""Journey 3: a council leader signs in with two-step verification, edits and
publishes their council's page in the Wagtail admin, accepts a membership
request, records a study circle with its attendance, sees the member's progress
in the cadre dashboard and exports it; then fails to open another council's
page in the admin."""

import csv
import io
import re

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from councils.factories import make_council
from councils.models import CouncilPage, Membership
from councils.services.membership import membership_request
from courses.models import LessonCompletion
from tests.conftest import PASSWORD

from .conftest import e2e, field, main_text, overflowing, path_of, sign_in
from .data import council_with_leader, person, two_courses

pytestmark = e2e


@pytest.fixture
def content(db, settings):
    # Leaders must use their second factor before the admin (off in the other
    # tests); the live server runs in this process and reads the same settings.
    settings.REQUIRE_TWO_FACTOR = True
    course = two_courses()
    council, leader = council_with_leader()
    TOTPDevice.objects.create(user=leader, name="aplicacion", confirmed=True)
    lucia = person("lucia", first_name="Lucía", last_name="Méndez")
    membership_request(user=lucia, council=council)
    other = make_council(
        "Consejo Comunitario Iztapalapa Oriente",
        state_code="09",
        municipality_code="007",
        municipality_name="Iztapalapa",
    )
    return {"council": council, "leader": leader, "other": other, "course": course}


def code_now(user):
    device = TOTPDevice.objects.get(user=user)
    return f"{totp(device.bin_key):06d}"


def test_a_leader_runs_their_council_and_only_theirs(page, content, tmp_path):
    council, leader = content["council"], content["leader"]

    # Sign in, then the six digits of the authenticator app.
    sign_in(page, "coordinadora", PASSWORD, next_path="/admin/")
    assert path_of(page).startswith("/cuenta/dos-pasos/verificar/")
    field(page, "Código").fill(code_now(leader))
    page.locator("main").get_by_role("button", name="Continuar").click()
    assert path_of(page) == "/admin/"

    # "Mi consejo" opens their only council.
    page.goto("/admin/mi-consejo/")
    assert path_of(page) == f"/admin/mi-consejo/{council.pk}/"

    # Edit and publish the council's page.
    page.get_by_role("link", name="Editar la página del consejo").click()
    page.locator("#id_meeting_schedule").fill("Sábados cada quince días, 11:00")
    page.get_by_role("button", name="Más acciones").click()
    page.get_by_role("button", name="Publicar").click()
    expect(page.locator(".messages")).to_contain_text("publicada")
    public = CouncilPage.objects.get(pk=council.pk)
    assert public.meeting_schedule == "Sábados cada quince días, 11:00"
    assert public.live and not public.has_unpublished_changes

    # Accept Lucía's request.
    page.goto(f"/admin/mi-consejo/{council.pk}/")
    requests = page.locator("section", has=page.locator("#pending-heading"))
    expect(requests).to_contain_text("Lucía Méndez")
    requests.get_by_role("button", name="Aceptar").click()
    expect(page.locator(".messages")).to_contain_text("ya es integrante")
    assert Membership.objects.get(user__username="lucia").status == "activa"

    # A study circle on the first lesson, with Lucía present, then closed.
    page.get_by_role("link", name="Registrar una reunión").click()
    page.locator("#id_kind").select_option("circulo")
    page.locator("#id_title").fill("Círculo de los sábados")
    started = timezone.localtime() - timezone.timedelta(hours=3)
    page.locator("#id_starts_at").fill(started.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_place").fill("Salón ejidal")
    # Lessons come under their course, each course folded: open it, then
    # tick the lesson.
    lessons = page.locator(".lessons-by-course")
    expect(lessons.locator("summary")).to_have_count(1)  # one course has lessons
    lessons.locator("summary", has_text="Asambleas que deciden").click()
    page.get_by_label("Qué es un consejo").check()
    page.get_by_role("button", name="Guardar", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Se guardó la reunión")
    page.get_by_role("link", name="Pasar lista").click()
    page.get_by_label("Lucía Méndez").check()
    page.get_by_role("button", name="Guardar asistencia").click()
    expect(page.locator("main")).to_contain_text("Lucía Méndez")
    # Closing cannot be undone: a page says what it credits and asks first.
    page.get_by_role("link", name="Cerrar la reunión").click()
    expect(page.locator("main")).to_contain_text("No se puede deshacer")
    assert not LessonCompletion.objects.filter(user__username="lucia").exists()
    page.get_by_role("button", name="Sí, cerrar la reunión").click()
    expect(page.locator("main")).to_contain_text("Cerrada el")
    completion = LessonCompletion.objects.get(user__username="lucia")
    assert completion.source == "circulo"

    # The cadre dashboard shows her, by name, with her circle; CSV export.
    page.goto(f"/admin/mi-consejo/{council.pk}/")
    assert not overflowing(page)
    page.get_by_role("link", name="Formación de cuadros").first.click()
    assert path_of(page).startswith("/admin/formacion-de-cuadros/")
    row = page.locator("table tr", has_text="Lucía Méndez")
    expect(row).to_have_count(1)
    # Every column is in sight on a laptop, beside the admin's menu; on a
    # phone the table scrolls sideways within its box, not the whole page.
    table = page.locator("table.cadre-table")
    box = table.locator("xpath=..")
    overflow = box.evaluate("element => element.scrollWidth - element.clientWidth")
    if page.viewport_size["width"] >= 1280:
        assert overflow <= 1
    # What a leader opens it for, her readiness and next role, is in the
    # first screen beside her name, on a phone as on a laptop; the axes are
    # named.
    width = page.viewport_size["width"]
    for heading in ("Avance", "Siguiente cargo"):
        cell = table.get_by_role("columnheader", name=heading, exact=True)
        place = cell.bounding_box()
        assert place["x"] + place["width"] <= width, heading
    expect(row.get_by_role("cell").first).to_have_text(re.compile(r"^\d+%"))
    expect(
        table.get_by_role("columnheader", name="Eje 1: Democracia", exact=False)
    ).to_have_count(1)
    hint = page.get_by_text("La tabla continúa a la derecha")
    if overflow > 1:
        expect(hint).to_be_visible()
        # Scrolled to its end, the member's name is still in sight.
        box.evaluate("element => { element.scrollLeft = element.scrollWidth; }")
        name = row.get_by_role("rowheader").bounding_box()
        assert 0 <= name["x"] < width
    page.get_by_text("Filtros", exact=True).click()
    assert not overflowing(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Exportar CSV").click()
    saved = tmp_path / "cuadros.csv"
    download_info.value.save_as(saved)
    rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    lucia = next(row for row in rows if row["Nombre de usuario"] == "lucia")
    assert lucia["Círculos de estudio asistidos"] == "1"

    # Another council's page is out of reach, even by its address.
    other = content["other"]
    for address in (f"/admin/pages/{other.pk}/edit/", f"/admin/mi-consejo/{other.pk}/"):
        page.goto(address)
        # The admin sends them back to its home with a message.
        assert path_of(page) == "/admin/"
        expect(page.locator("body")).to_contain_text("no tienes permiso")
        assert "Iztapalapa" not in main_text(page)
