"""Hostile input: text a spreadsheet would run as a formula (CSV injection).

Names that begin like a formula are refused where people type them, with one
validator (``cococi_site.spreadsheets``); the members CSV and INEGI's catalogue
refuse such cells (``test_hostile_input_imports.py``). Whatever else reaches a
spreadsheet (a page title a leader chose, a redirect, a reason typed in the
access log) is written as text by every export: Wagtail's own reports and
listings and the project's, through the one mixin they share.
"""

import csv
import io

import openpyxl
import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse
from django.utils import timezone
from django.utils.html import escape
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import PageLogEntry

from councils.models import ConstitutionRequest
from courses.factories import CoursePageFactory
from members.models import AccessLog, User
from tests.councils.helpers import spanish
from tests.trust.hostile import client_for
from tests.trust.test_hostile_input_uploads import constitution_form

pytestmark = pytest.mark.django_db

FORMULAS = [
    '=HYPERLINK("http://ataque.example","Ver")',
    '+HYPERLINK("http://ataque.example","Ver")',
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    '\t=HYPERLINK("http://ataque.example","Ver")',
    '\r=HYPERLINK("http://ataque.example","Ver")',
]
IDS = ["equals", "plus", "minus", "at", "tab", "carriage-return"]
STARTS = ("=", "+", "-", "@", "\t", "\r")


def refusal():
    return spanish(
        "It cannot start with =, +, - or @ (nor a tab or a line break): "
        "a spreadsheet would run it as a formula."
    )


# Names typed in forms.


@pytest.mark.parametrize("name", FORMULAS, ids=IDS)
@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_registration_refuses_a_name_that_starts_as_a_formula(
    hostile_world, field, name
):
    users = User.objects.count()
    data = {
        "first_name": "Ana",
        "last_name": "Pérez",
        "username": "intrusa",
        "password1": "una-contraseña-larga-123",
        "password2": "una-contraseña-larga-123",
        "consent_necessary": "on",
        field: name,
    }

    response = client_for(hostile_world, None).post(reverse("members:register"), data)

    assert response.status_code == 200
    assert escape(refusal()) in response.content.decode()
    assert User.objects.count() == users


@pytest.mark.parametrize("name", FORMULAS, ids=IDS)
def test_the_profile_refuses_a_name_that_starts_as_a_formula(hostile_world, name):
    member = hostile_world.member
    before = (member.first_name, member.last_name)

    response = client_for(hostile_world, "member").post(
        reverse("members:profile_edit"),
        {"first_name": "Ana", "last_name": name, "phone": "", "email": ""},
    )

    assert response.status_code == 200
    assert escape(refusal()) in response.content.decode()
    member.refresh_from_db()
    assert (member.first_name, member.last_name) == before


@pytest.mark.parametrize("name", FORMULAS, ids=IDS)
def test_registering_without_internet_refuses_a_formula_name(hostile_world, name):
    users = User.objects.count()

    response = client_for(hostile_world, "leader-A").post(
        reverse("councils_admin:member_register", args=[hostile_world.council_a.pk]),
        {"first_name": name, "last_name": "Solís", "paper_consent": "on"},
    )

    assert response.status_code == 200
    assert escape(refusal()) in response.content.decode()
    assert User.objects.count() == users


def test_a_constitution_request_refuses_a_founder_named_as_a_formula(hostile_world):
    data = constitution_form(
        hostile_world, SimpleUploadedFile("acta.pdf", b"%PDF-1.4\n%%EOF\n")
    )
    data["fundadores-1-full_name"] = FORMULAS[0]
    requests = ConstitutionRequest.objects.count()

    response = client_for(hostile_world, "member-B").post(
        "/consejos/como-constituir-un-consejo/solicitud/", data
    )

    assert response.status_code == 400  # the form again, with its errors
    assert escape(refusal()) in response.content.decode()
    assert ConstitutionRequest.objects.count() == requests


def form_data(form):
    """What a browser sends for ``form`` as the page shows it."""
    data = {}
    for field in form:
        if isinstance(field.field, forms.FileField):
            continue
        value = field.value()
        if value is None or value is False:
            continue
        if isinstance(value, list | tuple):
            data[field.html_name] = [str(item) for item in value]
        else:
            data[field.html_name] = "on" if value is True else value
    return data


@pytest.mark.parametrize("name", FORMULAS, ids=IDS)
@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_wagtail_s_own_account_form_refuses_a_formula_name(hostile_world, field, name):
    """Wagtail's *Account* page (its "name_email" panel) saves the person's
    name with a form of its own: the model refuses the name, as ours do."""
    client = client_for(hostile_world, "superuser")
    page = client.get("/admin/account/")
    data = {}
    for panels in page.context["panels_by_tab"].values():
        for panel in panels:
            data |= form_data(panel.get_form())
    # Wagtail's form asks for all three.
    data |= {
        "name_email-first_name": "Ana",
        "name_email-last_name": "Pérez",
        "name_email-email": "ana@example.org",
    }
    superuser = hostile_world.people["superuser"]
    superuser.refresh_from_db()  # the world's object outlives each test
    before = (superuser.first_name, superuser.last_name)

    response = client.post("/admin/account/", data | {f"name_email-{field}": name})

    assert response.status_code == 200  # the form again, with its errors
    assert escape(refusal()) in response.content.decode()
    superuser.refresh_from_db()
    assert (superuser.first_name, superuser.last_name) == before
    # The same form with a name saves: the refusal is the name's.
    saved = client.post("/admin/account/", data)
    assert saved.status_code == 302
    superuser.refresh_from_db()
    assert (superuser.first_name, superuser.last_name) == ("Ana", "Pérez")


@pytest.mark.parametrize("name", FORMULAS[:1], ids=IDS[:1])
@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_wagtail_s_user_forms_refuse_a_formula_name(hostile_world, field, name):
    """A superuser editing someone in Wagtail's *Users*, or creating a user
    there, cannot give them such a name."""
    client = client_for(hostile_world, "superuser")
    member = hostile_world.member
    member.refresh_from_db()
    before = (member.first_name, member.last_name)
    edit_url = reverse("wagtailusers_users:edit", args=[member.pk])
    data = form_data(client.get(edit_url).context["form"])
    users = User.objects.count()

    edited = client.post(edit_url, data | {field: name})
    created = client.post(
        reverse("wagtailusers_users:add"),
        {
            "username": "nueva-persona",
            "email": "nueva@example.org",
            "first_name": "Nueva",
            "last_name": "Persona",
            "password1": "una-contraseña-larga-123",
            "password2": "una-contraseña-larga-123",
            field: name,
        },
    )

    for response in (edited, created):
        assert response.status_code == 200
        assert escape(refusal()) in response.content.decode()
    member.refresh_from_db()
    assert (member.first_name, member.last_name) == before
    assert User.objects.count() == users


def test_a_name_with_a_sign_inside_is_a_name(hostile_world):
    """Only the first character counts: hyphens and @ inside a name are fine."""
    response = client_for(hostile_world, "member").post(
        reverse("members:profile_edit"),
        {"first_name": "María-José", "last_name": "Ruiz@Tlaxcala", "phone": ""},
    )

    assert response.status_code == 302
    hostile_world.member.refresh_from_db()
    assert hostile_world.member.first_name == "María-José"


# Exports: Wagtail's reports and listings, and the project's.


@pytest.fixture
def formula_titles(hostile_world):
    """A page per formula, published, locked and sent to the "Revisión"
    workflow (as a leader could title a council page), a redirect to each,
    and a detail in the access log."""
    superuser = hostile_world.people["superuser"]
    pages = []
    for number, title in enumerate(FORMULAS):
        # Written as stored before titles had to be one line (a tab or a line
        # break is refused by the form now): exports must still neutralise it.
        page = CoursePageFactory(title=f"Fórmula {number}", slug=f"formula-{number}")
        type(page).objects.filter(pk=page.pk).update(title=title, draft_title=title)
        PageLogEntry.objects.filter(page=page).update(label=title)
        page.title = page.draft_title = title
        page.get_workflow().start(page, superuser)
        pages.append(page)
        Redirect.objects.create(old_path=f"/formula-{number}", redirect_link=title)
    type(pages[0]).objects.filter(pk__in=[page.pk for page in pages]).update(
        locked=True, locked_by=superuser, locked_at=timezone.now()
    )
    for title in FORMULAS:
        AccessLog.objects.create(
            actor=superuser,
            action=AccessLog.Action.VIEW,
            scope="cuadros:nacional",
            detail=title,
            row_count=1,
        )
    return pages


EXPORTS = {
    "site-history": "wagtailadmin_reports:site_history",
    "aging-pages": "wagtailadmin_reports:aging_pages",
    "locked-pages": "wagtailadmin_reports:locked_pages",
    "workflows": "wagtailadmin_reports:workflow",
    "workflow-tasks": "wagtailadmin_reports:workflow_tasks",
    "redirects": "wagtailredirects:index",
    "access-log": "wagtailsnippets_members_accesslog:list",
}


def exported(response):
    assert response.status_code == 200, response.status_code
    body = response.getvalue() if response.streaming else response.content
    return body


def csv_cells(body):
    rows = csv.reader(io.StringIO(body.decode("utf-8")))
    return [cell for row in rows for cell in row]


def xlsx_cells(body):
    workbook = openpyxl.load_workbook(io.BytesIO(body))
    return [cell for row in workbook.active.iter_rows() for cell in row]


@pytest.mark.parametrize("export", list(EXPORTS))
def test_every_csv_export_writes_formulas_as_text(
    hostile_world, formula_titles, export
):
    url = reverse(EXPORTS[export]) + "?export=csv"

    body = exported(client_for(hostile_world, "superuser").get(url))

    cells = csv_cells(body)
    for formula in FORMULAS:
        assert any(cell.startswith("'" + formula) for cell in cells), formula
    assert not [cell for cell in cells if cell.startswith(STARTS)]


@pytest.mark.parametrize("export", list(EXPORTS))
def test_every_xlsx_export_writes_formulas_as_text(
    hostile_world, formula_titles, export
):
    url = reverse(EXPORTS[export]) + "?export=xlsx"

    body = exported(client_for(hostile_world, "superuser").get(url))

    # XML stores a carriage return as a line feed.
    starts = (*STARTS, "\n")
    risky = [cell for cell in xlsx_cells(body) if str(cell.value).startswith(starts)]
    for formula in FORMULAS:
        formula = formula.replace("\r", "\n")
        assert any(str(cell.value).startswith(formula) for cell in risky), formula
    for cell in risky:
        # As typed, stored as text, and kept as text if someone edits it.
        assert (cell.data_type, cell.quotePrefix) == ("s", True), cell.value


def test_no_export_view_writes_its_rows_its_own_way():
    """Every view with spreadsheet export (Wagtail's and ours, loaded with the
    URLs) writes rows with the shared methods that neutralise formulas."""
    get_resolver().url_patterns  # noqa: B018 (imports every view)
    own_ways = {
        "preprocess_field_value",
        "generate_xlsx_row",
        "write_csv_row",
        "stream_csv",
        "write_xlsx",
    }
    pending, seen = [SpreadsheetExportMixin], []
    while pending:
        view = pending.pop()
        seen.append(view)
        pending.extend(view.__subclasses__())
        if view is not SpreadsheetExportMixin:
            assert not own_ways & set(vars(view)), view

    assert len(seen) > 5
    assert getattr(SpreadsheetExportMixin, "formulas_neutralised", False)
