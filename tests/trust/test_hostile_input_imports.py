"""Hostile input (issue #7): spreadsheets and CSV files imported into the site.

Members are imported by council leaders ("Mi consejo" → Importar, a preview
then a confirmation); municipalities by a management command from INEGI's
catalogue. A file in an unexpected encoding, with missing or extra columns,
with cells that a spreadsheet would run as formulas, empty or too large is
refused with a Spanish message and imports nothing. (Exports neutralise
formulas too: ``tests/councils/test_cadre_dashboard.py``; the INEGI command's
other malformed files: ``tests/councils/test_import_municipalities.py``.)
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.html import escape

from councils.models import Municipality
from members.models import User
from tests.councils.helpers import spanish, text_of
from tests.trust.hostile import client_for

pytestmark = pytest.mark.django_db

HEADER = "nombre,apellidos,telefono,correo,avisos,contacto\n"
GOOD_ROW = "Dionisia,Quiroz Peña,3312345678,,sí,no\n"


def import_url(world):
    return reverse("councils_admin:members_import", args=[world.council_a.pk])


def preview(world, content, name="integrantes.csv"):
    client = client_for(world, "leader-A")
    response = client.post(
        import_url(world),
        {
            "step": "preview",
            "paper_consent": "on",
            "file": SimpleUploadedFile(name, content, "text/csv"),
        },
    )
    assert response.status_code == 200
    return client, response


def confirm(world, client):
    return client.post(import_url(world), {"step": "confirm"}, follow=True)


BAD_FILES = {
    "empty": (b"", "The submitted file is empty."),
    "blank-lines": (b"\r\n \r\n", "The file is empty."),
    "header-only": (HEADER.encode(), "The file has no people to import."),
    "missing-columns": (
        b"name,surname\nDionisia,Quiroz\n",
        "The first line must name the columns; missing: %(columns)s.",
    ),
    "binary": (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20,
        "The file is not a CSV text file.",
    ),
    "utf-16-without-bom": (
        (HEADER + GOOD_ROW).encode("utf-16-le"),
        "The file is not a CSV text file.",
    ),
    "formula-in-name": (
        (
            HEADER + GOOD_ROW + '=HYPERLINK("http://evil.example","Ver"),Ruiz,,,no,no\n'
        ).encode(),
        "a cell starts with =, +, - or @, as a spreadsheet formula does",
    ),
    "formula-in-surname": (
        (HEADER + GOOD_ROW + "Ana,+cmd|' /C calc'!A0,,,no,no\n").encode(),
        "a cell starts with =, +, - or @, as a spreadsheet formula does",
    ),
    "formula-in-e-mail": (
        (HEADER + GOOD_ROW + "Ana,Ruiz,,=1+1@example.org,no,no\n").encode(),
        "a cell starts with =, +, - or @, as a spreadsheet formula does",
    ),
    "formula-in-phone": (
        (HEADER + GOOD_ROW + "Ana,Ruiz,@SUM(1+1),,no,no\n").encode(),
        "the phone must have 10 digits",
    ),
}


def shown(msgid):
    """A message as the preview shows it: capitalised, in a list item."""
    text = spanish(msgid).split("%(")[0]
    return escape(text[:1].upper() + text[1:])


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_members_file_imports_nobody(hostile_world, case):
    content, msgid = BAD_FILES[case]
    users = User.objects.count()

    client, response = preview(hostile_world, content)
    confirmed = confirm(hostile_world, client)

    html = response.content.decode()
    assert shown(msgid) in html
    assert 'value="confirm"' not in html
    assert User.objects.count() == users
    assert confirmed.status_code == 200
    assert spanish("Upload the file again: the preview expired.") in text_of(confirmed)


def test_a_members_file_over_a_megabyte_is_refused(hostile_world):
    content = (HEADER + GOOD_ROW * 30_000).encode()
    assert len(content) > 1024 * 1024
    users = User.objects.count()

    _client, response = preview(hostile_world, content)

    assert escape(spanish("The file is too large (1 MB at most).")) in (
        response.content.decode()
    )
    assert User.objects.count() == users


@pytest.mark.parametrize(
    ("encoding", "content"),
    [
        ("latin-1", (HEADER + GOOD_ROW).encode("latin-1")),
        ("windows-1252", (HEADER + GOOD_ROW).encode("cp1252")),
        # A spreadsheet's "Unicode text": UTF-16 with its byte-order mark, tabs.
        ("utf-16", (HEADER + GOOD_ROW).replace(",", "\t").encode("utf-16")),
        ("utf-8-bom", (HEADER + GOOD_ROW).encode("utf-8-sig")),
        ("semicolons", (HEADER + GOOD_ROW).replace(",", ";").encode()),
        (
            "extra-columns",
            b"nombre,apellidos,notas,telefono,correo,avisos,contacto,x\n"
            + "Dionisia,Quiroz Peña,ver,3312345678,,sí,no,y\n".encode(),
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_other_encodings_and_extra_columns_keep_the_accents(
    hostile_world, encoding, content
):
    """What spreadsheets really write is read as the people typed it."""
    users = User.objects.count()

    client, response = preview(hostile_world, content)
    confirm(hostile_world, client)

    assert "Dionisia Quiroz Peña" in text_of(response)
    created = User.objects.get(first_name="Dionisia")
    assert created.last_name == "Quiroz Peña"
    assert created.phone == "3312345678"
    assert User.objects.count() == users + 1


# INEGI's catalogue of municipalities (the management command)

INEGI_HEADER = "CVE_ENT,NOM_ENT,CVE_MUN,NOM_MUN\n"


def inegi_error(tmp_path, content):
    path = tmp_path / "AGEEML.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError) as refused:
        call_command("import_municipalities", str(path))
    return str(refused.value)


@pytest.mark.parametrize(
    "name",
    ['=HYPERLINK("http://evil.example")', "+cmd|' /C calc'!A0", "@SUM(A1)", "-2+3"],
)
def test_an_inegi_file_with_a_formula_imports_nothing(hostile_world, tmp_path, name):
    before = Municipality.objects.count()
    quoted = name.replace('"', '""')
    content = INEGI_HEADER + "14,Jalisco,101,Tonalá\n" + f'14,Jalisco,102,"{quoted}"\n'

    message = inegi_error(tmp_path, content.encode())

    assert (
        spanish(
            "Line %(line)s: the municipality name “%(value)s” starts as a "
            "spreadsheet formula does (=, +, - or @)."
        )
        % {"line": 3, "value": name}
        in message
    )
    assert spanish("Nothing was imported.") in message
    assert Municipality.objects.count() == before


def test_an_inegi_file_in_utf_16_without_its_mark_imports_nothing(
    hostile_world, tmp_path
):
    before = Municipality.objects.count()

    message = inegi_error(
        tmp_path, (INEGI_HEADER + "14,Jalisco,101,Tonalá\n").encode("utf-16-le")
    )

    assert (
        spanish("The file contains binary data; it is not a CSV or TXT file.")
        in message
    )
    assert Municipality.objects.count() == before
