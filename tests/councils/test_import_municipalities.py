import io
import math
import re
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from councils.models import Municipality, State
from councils.territory_import import (
    MunicipalityImportError,
    load_demo_municipalities,
    municipalities_import,
)

# The columns of INEGI's AGEEML municipal catalogue, in its order.
HEADER = [
    "MAPA",
    "Estatus",
    "CVE_ENT",
    "NOM_ENT",
    "NOM_ABR",
    "CVE_MUN",
    "NOM_MUN",
    "CVE_CAB",
    "NOM_CAB",
    "POB_TOTAL",
]
STATE_NAMES = {"09": "Ciudad de México", "10": "Durango", "14": "Jalisco"}


def row(state, code, name, *, state_name=None):
    """One AGEEML record; the columns we do not import get plausible filler."""
    return [
        f"{state}{code}",
        "Activo",
        state,
        state_name or STATE_NAMES.get(state, "Estado"),
        "Abr.",
        code,
        name,
        "0001",
        name,
        "1000",
    ]


def csv_text(rows, header=HEADER):
    """Rows as INEGI's CSV: every field quoted, comma-separated, CRLF lines."""
    lines = [header, *rows]
    return "".join(",".join(f'"{cell}"' for cell in line) + "\r\n" for line in lines)


def txt_text(rows, delimiter="\t", header=HEADER):
    """Rows as INEGI's TXT: unquoted fields joined by ``delimiter``."""
    return "".join(delimiter.join(line) + "\n" for line in [header, *rows])


def import_file(path):
    """Run the command on ``path`` in English; return what it printed."""
    out = io.StringIO()
    with translation.override("en"):
        call_command("import_municipalities", str(path), stdout=out)
    return out.getvalue()


def import_error(path):
    """Run the command expecting failure; return the English error message."""
    with translation.override("en"), pytest.raises(CommandError) as excinfo:
        call_command("import_municipalities", str(path), stdout=io.StringIO())
    assert excinfo.value.returncode == 1
    return str(excinfo.value)


def snapshot():
    """Every municipality as (state code, code, name), to prove nothing changed."""
    return sorted(Municipality.objects.values_list("state__code", "code", "name"))


def names(state):
    """A state's municipalities as {code: name}."""
    return dict(
        Municipality.objects.filter(state__code=state).values_list("code", "name")
    )


@pytest.mark.django_db
def test_utf8_csv_with_bom_is_imported(tmp_path):
    path = tmp_path / "AGEEML.csv"
    path.write_bytes(
        csv_text(
            [
                row("14", "039", "Guadalajara"),
                row("14", "098", "San Pedro Tlaquepaque"),
                row("14", "101", "Tonalá"),
                row("09", "010", "Álvaro Obregón"),
                row("10", "021", "Peñón Blanco"),
            ]
        ).encode("utf-8-sig")
    )

    output = import_file(path)

    assert "5 created, 0 updated, 0 unchanged" in output
    assert names("14") == {
        "039": "Guadalajara",
        "098": "San Pedro Tlaquepaque",
        "101": "Tonalá",
    }
    assert names("09") == {"010": "Álvaro Obregón"}
    assert names("10") == {"021": "Peñón Blanco"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [("\t", "latin-1"), ("|", "cp1252"), ("\t", "utf-8")],
)
def test_txt_in_latin1_or_utf8_keeps_accents(tmp_path, delimiter, encoding):
    path = tmp_path / "AGEEML.txt"
    path.write_bytes(
        txt_text(
            [
                row("14", "098", "San Pedro Tlaquepaque"),
                row("14", "097", "Tlajomulco de Zúñiga"),
                row("09", "010", "Álvaro Obregón"),
                row("10", "021", "Peñón Blanco"),
            ],
            delimiter,
        ).encode(encoding)
    )

    import_file(path)

    assert names("14") == {
        "098": "San Pedro Tlaquepaque",
        "097": "Tlajomulco de Zúñiga",
    }
    assert names("09") == {"010": "Álvaro Obregón"}
    assert names("10") == {"021": "Peñón Blanco"}


@pytest.mark.django_db
def test_header_is_matched_loosely(tmp_path):
    # Lower case, spaces around names and a semicolon separator (a spreadsheet
    # re-save) still find the columns.
    path = tmp_path / "municipios.csv"
    path.write_text(
        ' cve_ent ; "Nom_Ent" ;NOM_MUN; Cve_Mun \n14;Jalisco; Zapopan ;120\n',
        encoding="utf-8",
    )

    import_file(path)

    assert names("14") == {"120": "Zapopan"}


@pytest.mark.django_db
def test_second_run_creates_nothing(tmp_path):
    path = tmp_path / "AGEEML.csv"
    path.write_text(
        csv_text([row("14", "039", "Guadalajara"), row("14", "120", "Zapopan")]),
        encoding="utf-8",
    )

    first = import_file(path)
    before = snapshot()
    second = import_file(path)

    assert "2 created, 0 updated, 0 unchanged" in first
    assert "0 created, 0 updated, 2 unchanged" in second
    assert snapshot() == before


@pytest.mark.django_db
def test_renamed_municipality_is_updated_in_place(tmp_path):
    jalisco = State.objects.get(code="14")
    old = Municipality.objects.create(state=jalisco, code="098", name="Tlaquepaque")
    path = tmp_path / "AGEEML.csv"
    path.write_text(
        csv_text(
            [row("14", "098", "San Pedro Tlaquepaque"), row("14", "039", "Guadalajara")]
        ),
        encoding="utf-8",
    )

    output = import_file(path)

    assert "1 created, 1 updated, 0 unchanged" in output
    old.refresh_from_db()
    assert old.name == "San Pedro Tlaquepaque"


@pytest.mark.django_db
def test_unpadded_codes_are_padded(tmp_path):
    # What a spreadsheet leaves of "01" and "001" once it has read them as numbers.
    path = tmp_path / "AGEEML.csv"
    path.write_text(
        "CVE_ENT,NOM_ENT,CVE_MUN,NOM_MUN\n"
        "1,Aguascalientes,1,Aguascalientes\n"
        "9,Ciudad de México,7,Iztapalapa\n"
        "14,Jalisco,39,Guadalajara\n",
        encoding="utf-8",
    )

    import_file(path)

    assert names("01") == {"001": "Aguascalientes"}
    assert names("09") == {"007": "Iztapalapa"}
    assert names("14") == {"039": "Guadalajara"}


@pytest.mark.django_db
def test_repeated_rows_with_the_same_name_are_fine():
    data = csv_text(
        [row("14", "039", "Guadalajara"), row("14", "39", "Guadalajara")]
    ).encode()

    assert municipalities_import(data) == {"created": 1, "updated": 0, "unchanged": 0}


# Valid on their own (one new, one renaming the existing "Tlaquepaque"), so a
# partial write would show in the snapshot.
VALID_ROWS = [
    row("14", "039", "Guadalajara"),
    row("14", "098", "San Pedro Tlaquepaque"),
]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(
            csv_text([*VALID_ROWS, row("14", "", "Tonalá")]).encode(),
            ["Line 4", "CVE_MUN"],
            id="missing-cve-mun",
        ),
        pytest.param(
            csv_text([*VALID_ROWS, row("14", "1O1", "Tonalá")]).encode(),
            ["Line 4", "1O1"],
            id="non-numeric-code",
        ),
        pytest.param(
            csv_text([*VALID_ROWS, row("40", "001", "Atlántida")]).encode(),
            ["Line 4", "40"],
            id="unknown-state",
        ),
        pytest.param(
            csv_text([*VALID_ROWS, row("14", "101", "")]).encode(),
            ["Line 4", "NOM_MUN"],
            id="empty-name",
        ),
        pytest.param(
            csv_text([*VALID_ROWS, row("14", "39", "Guadalajara de Buruaga")]).encode(),
            ["Line 4", "line 2"],
            id="same-code-different-name",
        ),
        pytest.param(
            # An unquoted comma in a name shifts every following column.
            csv_text(VALID_ROWS).encode()
            + b"14101,Activo,14,Jalisco,Jal.,101,Tonala,Jalisco,0001,Tonala,1000\r\n",
            ["Line 4", "11 fields"],
            id="too-many-fields",
        ),
        pytest.param(
            csv_text(VALID_ROWS).encode() + b'"14","Jalisco,"101\r\n',
            ["Line 4"],
            id="broken-quotes",
        ),
        pytest.param(
            csv_text(VALID_ROWS, header=[c for c in HEADER if c != "NOM_MUN"]).encode(),
            ["Line 1", "NOM_MUN"],
            id="missing-nom-mun-column",
        ),
        pytest.param(
            csv_text([]).encode(),
            ["Line 1"],
            id="header-only",
        ),
        pytest.param(
            # UTF-8 that was read as Latin-1 and saved as UTF-8 again.
            csv_text([*VALID_ROWS, row("14", "101", "TonalÃ¡")]).encode(),
            ["Line 4", "garbled"],
            id="double-encoded",
        ),
        pytest.param(
            csv_text(VALID_ROWS).encode() + b"\x81\x8d\x90\x9d\r\n",
            ["Line 4", "unreadable"],
            id="not-text-in-any-encoding",
        ),
        pytest.param(b"", ["empty"], id="empty-file"),
        pytest.param(b"\xef\xbb\xbf\r\n  \r\n", ["empty"], id="bom-and-blank-lines"),
        pytest.param(
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
            ["PDF"],
            id="pdf",
        ),
        pytest.param(
            b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml",
            ["XLSX"],
            id="xlsx",
        ),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ["binary"], id="png"),
    ],
)
@pytest.mark.django_db
def test_malformed_file_changes_nothing(tmp_path, content, expected):
    # The municipality VALID_ROWS would rename.
    Municipality.objects.create(
        state=State.objects.get(code="14"), code="098", name="Tlaquepaque"
    )
    before = snapshot()
    path = tmp_path / "AGEEML.csv"
    path.write_bytes(content)

    message = import_error(path)

    for part in expected:
        assert part in message
    assert "Nothing was imported" in message
    assert snapshot() == before


@pytest.mark.django_db
def test_every_bad_row_is_reported_in_line_order():
    data = csv_text(
        [
            row("40", "001", "Atlántida"),
            row("14", "039", "Guadalajara"),
            row("14", "abc", "Tonalá"),
            row("14", "120", ""),
        ]
    ).encode()

    with translation.override("en"), pytest.raises(MunicipalityImportError) as excinfo:
        municipalities_import(data)

    lines = excinfo.value.message.splitlines()
    assert [line.split(":")[0] for line in lines[:3]] == ["Line 2", "Line 4", "Line 5"]
    assert len(excinfo.value.problems) == 3
    assert not Municipality.objects.exists()


@pytest.mark.django_db
def test_message_in_the_site_language_names_line_and_code():
    # The suite runs in Spanish: whatever the catalogue says, line 2 and the
    # code are in the message.
    with pytest.raises(MunicipalityImportError) as excinfo:
        municipalities_import(csv_text([row("40", "001", "Atlántida")]).encode())

    assert re.search(r"\b2\b", excinfo.value.message)
    assert re.search(r"\b40\b", excinfo.value.message)


@pytest.mark.django_db
def test_missing_file_is_a_command_error(tmp_path):
    message = import_error(tmp_path / "no-such-file.csv")

    assert "no-such-file.csv" in message


def rows_for(count, suffix=""):
    """``count`` distinct municipalities spread over the 32 states."""
    return [
        row(f"{i % 32 + 1:02d}", f"{i // 32 + 1:03d}", f"Municipio {i}{suffix}")
        for i in range(count)
    ]


def queries_for(rows):
    """How many queries importing ``rows`` takes."""
    with CaptureQueriesContext(connection) as context:
        municipalities_import(csv_text(rows).encode())
    return len(context)


def statements(rows, fields):
    """How many INSERT or UPDATE statements the backend needs for ``rows`` rows.

    SQLite caps a statement at 999 parameters, so Django splits big bulk writes;
    PostgreSQL takes them whole. Either way the count does not grow per row.
    """
    return math.ceil(rows / connection.ops.bulk_batch_size(fields, [None] * rows))


@pytest.mark.django_db
def test_query_count_does_not_grow_with_rows():
    create_small = queries_for(rows_for(50))
    Municipality.objects.all().delete()
    create_large = queries_for(rows_for(500))
    update_small = queries_for(rows_for(50, " (renamed)"))
    update_large = queries_for(rows_for(500, " (again)"))
    unchanged_large = queries_for(rows_for(500, " (again)"))

    assert Municipality.objects.count() == 500
    insert_fields, update_fields = ["state", "code", "name"], ["pk", "pk", "name"]
    insert_extra = statements(500, insert_fields) - statements(50, insert_fields)
    update_extra = statements(500, update_fields) - statements(50, update_fields)
    assert create_large == create_small + insert_extra
    assert update_large == update_small + update_extra
    assert create_small <= 6
    assert update_small <= 6
    assert unchanged_large <= 4


@pytest.mark.django_db
def test_demo_file_loads_three_states():
    assert load_demo_municipalities() == {"created": 14, "updated": 0, "unchanged": 0}
    assert load_demo_municipalities() == {"created": 0, "updated": 0, "unchanged": 14}

    per_state = Counter(Municipality.objects.values_list("state__code", flat=True))
    assert per_state == {"09": 5, "14": 5, "20": 4}
    assert names("20")["565"] == "Villa de Zaachila"
    assert names("09")["010"] == "Álvaro Obregón"
    assert names("14")["098"] == "San Pedro Tlaquepaque"
