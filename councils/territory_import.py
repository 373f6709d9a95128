"""Import of INEGI's AGEEML catalogue of municipalities (CSV or TXT download).

The whole file is decoded, parsed and validated before anything is written, and
the writes happen in one transaction: a file with a single bad row imports
nothing. Row problems are collected so that one run reports them all (up to a
limit), each with its 1-based line number, the header being line 1.
"""

import codecs
import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cococi_site.spreadsheets import starts_as_formula

from .models import Municipality, State

DEMO_FILE = Path(__file__).resolve().parent / "demo_data" / "municipios.csv"

REQUIRED_COLUMNS = ("CVE_ENT", "NOM_ENT", "CVE_MUN", "NOM_MUN")
# Comma for INEGI's CSV, tab or pipe for its TXT; semicolon is what a
# Spanish-locale spreadsheet writes when someone re-saves the CSV.
DELIMITERS = (",", "\t", "|", ";")
MAX_REPORTED_PROBLEMS = 20

# Documents people download by mistake from the same INEGI page.
BINARY_SIGNATURES = (
    (b"%PDF", "PDF"),
    (b"PK\x03\x04", "XLSX/ZIP"),
    (b"\xd0\xcf\x11\xe0", "XLS"),
    (b"\x1f\x8b", "GZIP"),
)
# C0/C1 control characters never occur in a text catalogue; they mean the bytes
# were not text in the encoding we decoded them with.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")
# UTF-8 read as Latin-1 and saved again ("Tonal\u00c3\u00a1"): Spanish names never
# contain "Â" or "Ã" followed by a Latin-1 continuation character.
MOJIBAKE = re.compile(r"[\u00c2\u00c3][\u0080-\u00bf]")
LINE_BREAK = re.compile(r"\r\n|\r|\n")


class MunicipalityImportError(Exception):
    """Raised when a file cannot be imported; nothing has been written."""

    def __init__(self, message, problems=()):
        super().__init__(message)
        self.message = message
        self.problems = list(problems) or [message]


@dataclass(frozen=True)
class MunicipalityRow:
    """One validated municipality of the file and the line it came from."""

    line: int
    state_code: str
    code: str
    name: str


def _fail(problems):
    """Raise MunicipalityImportError listing (a capped number of) problems."""
    shown = problems[:MAX_REPORTED_PROBLEMS]
    hidden = len(problems) - len(shown)
    lines = list(shown)
    if hidden:
        lines.append(
            ngettext(
                "…and %(count)s more problem.",
                "…and %(count)s more problems.",
                hidden,
            )
            % {"count": hidden}
        )
    lines.append(_("Nothing was imported."))
    raise MunicipalityImportError("\n".join(lines), problems)


def _line_of(text, position):
    """The 1-based line number of a character position in the decoded text."""
    return len(LINE_BREAK.findall(text, 0, position)) + 1


def decode_catalogue(data):
    """Turn the file's bytes into text, rejecting binary files and garbled text."""
    if not data.strip(b" \t\r\n" + codecs.BOM_UTF8):
        _fail([_("The file is empty.")])
    for signature, kind in BINARY_SIGNATURES:
        if data.startswith(signature):
            _fail(
                [
                    _(
                        "The file is in %(kind)s format, not CSV or TXT text. "
                        "Download INEGI's catalogue as CSV or TXT."
                    )
                    % {"kind": kind}
                ]
            )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # A spreadsheet's "Unicode text" export: tab-separated UTF-16.
        candidates = ("utf-16",)
    elif b"\x00" in data:
        _fail([_("The file contains binary data; it is not a CSV or TXT file.")])
    else:
        # UTF-8 first and strictly: Latin-1 accepts any byte, so it can only be
        # the fallback. cp1252 before latin-1 because Windows writes it.
        candidates = ("utf-8-sig", "cp1252", "latin-1")
    for encoding in candidates:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        _fail([_("The file is not text in UTF-8, UTF-16 or Latin-1.")])
    text = text.lstrip("\ufeff")
    if match := CONTROL_CHARACTERS.search(text):
        _fail(
            [
                _(
                    "Line %(line)s: the file contains unreadable characters; it is "
                    "not a text file in UTF-8 or Latin-1."
                )
                % {"line": _line_of(text, match.start())}
            ]
        )
    if match := MOJIBAKE.search(text):
        _fail(
            [
                _(
                    "Line %(line)s: the text is garbled (“%(sample)s”); the file "
                    "was probably converted between encodings. Download it again "
                    "from INEGI."
                )
                % {"line": _line_of(text, match.start()), "sample": match.group()}
            ]
        )
    return text


def _detect_delimiter(text):
    """The separator that occurs most often in the header line (comma on a tie)."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {delimiter: header.count(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _column_name(raw):
    """Normalise a header cell: spaces, quotes and a stray BOM are not part of it."""
    name = raw.strip().lstrip("\ufeff").removeprefix("ï»¿").strip().strip("\"'")
    return name.strip().upper()


def _header_positions(names, line):
    """Map each required column to its index, or fail naming what is missing."""
    positions = {}
    for index, name in enumerate(names):
        if name in REQUIRED_COLUMNS and name in positions:
            _fail(
                [
                    _(
                        "Line %(line)s: the column %(column)s appears more than "
                        "once in the header."
                    )
                    % {"line": line, "column": name}
                ]
            )
        positions.setdefault(name, index)
    missing = [column for column in REQUIRED_COLUMNS if column not in positions]
    if missing:
        found = ", ".join(name for name in names if name) or "—"
        if len(found) > 200:
            # An HTML error page saved as .csv would otherwise flood the message.
            found = found[:200] + "…"
        _fail(
            [
                ngettext(
                    "Line %(line)s: the header lacks the required column "
                    "%(columns)s (columns found: %(found)s).",
                    "Line %(line)s: the header lacks the required columns "
                    "%(columns)s (columns found: %(found)s).",
                    len(missing),
                )
                % {"line": line, "columns": ", ".join(missing), "found": found}
            ]
        )
    return {column: positions[column] for column in REQUIRED_COLUMNS}


def _code(value, width):
    """Zero-pad a code of 1 to ``width`` ASCII digits, or None if it is not one."""
    if re.fullmatch(rf"[0-9]{{1,{width}}}", value):
        return value.zfill(width)
    return None


def _row_problems(values, line):
    """Validate one record's values; return (MunicipalityRow or None, problems)."""
    problems = []
    raw_state, raw_code, name = (
        values["CVE_ENT"],
        values["CVE_MUN"],
        # NFC and single spaces, so that the same name typed or exported
        # differently does not count as a rename.
        " ".join(unicodedata.normalize("NFC", values["NOM_MUN"]).split()),
    )
    state_code = _code(raw_state, 2)
    if not raw_state:
        problems.append(
            _("Line %(line)s: the state code (CVE_ENT) is empty.") % {"line": line}
        )
    elif state_code is None:
        problems.append(
            _(
                "Line %(line)s: the state code (CVE_ENT) “%(value)s” is not a "
                "number of one or two digits."
            )
            % {"line": line, "value": raw_state}
        )
    code = _code(raw_code, 3)
    if not raw_code:
        problems.append(
            _("Line %(line)s: the municipality code (CVE_MUN) is empty.")
            % {"line": line}
        )
    elif code is None:
        problems.append(
            _(
                "Line %(line)s: the municipality code (CVE_MUN) “%(value)s” is not "
                "a number of one to three digits."
            )
            % {"line": line, "value": raw_code}
        )
    elif code == "000":
        # INEGI uses 000 for a whole state's totals, never for a municipality.
        problems.append(
            _("Line %(line)s: the municipality code (CVE_MUN) cannot be 000.")
            % {"line": line}
        )
    max_length = Municipality._meta.get_field("name").max_length
    if not name:
        problems.append(
            _("Line %(line)s: the municipality name (NOM_MUN) is empty.")
            % {"line": line}
        )
    elif starts_as_formula(name):
        problems.append(
            _(
                "Line %(line)s: the municipality name “%(value)s” starts as a "
                "spreadsheet formula does (=, +, - or @)."
            )
            % {"line": line, "value": name[:40]}
        )
    elif len(name) > max_length:
        problems.append(
            _("Line %(line)s: the municipality name is longer than %(max)s characters.")
            % {"line": line, "max": max_length}
        )
    if problems:
        return None, problems
    return MunicipalityRow(line, state_code, code, name), []


def _read_header(lines, delimiter):
    """Read up to the first non-blank record; return (column names, its line).

    Leniently parsed: INEGI's exports and hand edits put spaces around quoted
    names (`` "CVE_ENT" ``), which strict CSV rejects.
    """
    reader = csv.reader(lines, delimiter=delimiter, skipinitialspace=True)
    try:
        for record in reader:
            names = [_column_name(cell) for cell in record]
            if any(names):
                while not names[-1]:
                    names.pop()  # a trailing separator is not a column
                return names, reader.line_num
    except csv.Error as error:
        _fail(
            [
                _("Line %(line)s: the header cannot be read (%(error)s).")
                % {"line": reader.line_num, "error": error}
            ]
        )
    _fail([_("The file is empty.")])


def parse_catalogue(data):
    """Decode and validate the file; return its rows by (state code, code).

    Everything that can be checked without the database is checked here; the
    state codes are checked against the database by ``municipalities_import``.
    """
    text = decode_catalogue(data)
    delimiter = _detect_delimiter(text)
    lines = io.StringIO(text, newline="")
    header, header_line = _read_header(lines, delimiter)
    positions = _header_positions(header, header_line)
    width = len(header)
    # Data rows continue on the same stream, strictly: a stray quotation mark
    # would otherwise silently swallow the following lines into one field.
    reader = csv.reader(lines, delimiter=delimiter, skipinitialspace=True, strict=True)
    rows, problems = {}, []  # problems: (line, message) pairs
    last_line = header_line
    try:
        for record in reader:
            line, last_line = last_line + 1, header_line + reader.line_num
            cells = [cell.strip() for cell in record]
            if not any(cells):
                continue  # blank lines and spreadsheets' trailing ",,,," rows
            if any(cells[width:]):
                problems.append(
                    (
                        line,
                        _(
                            "Line %(line)s has %(found)s fields but the header has "
                            "%(expected)s; check the separators and quotation marks."
                        )
                        % {"line": line, "found": len(cells), "expected": width},
                    )
                )
                continue
            values = {
                column: cells[index] if index < len(cells) else ""
                for column, index in positions.items()
            }
            row, row_problems = _row_problems(values, line)
            problems.extend((line, problem) for problem in row_problems)
            if row is None:
                continue
            key = (row.state_code, row.code)
            first = rows.get(key)
            if first is None:
                rows[key] = row
            elif first.name != row.name:
                # Repeats are normal in AGEEML lists; contradictions are not.
                problems.append(
                    (
                        line,
                        _(
                            "Line %(line)s: municipality %(state)s-%(code)s is named "
                            "“%(name)s”, but line %(first_line)s names it "
                            "“%(first_name)s”."
                        )
                        % {
                            "line": line,
                            "state": row.state_code,
                            "code": row.code,
                            "name": row.name,
                            "first_line": first.line,
                            "first_name": first.name,
                        },
                    )
                )
    except csv.Error as error:
        _fail(
            [
                _("Line %(line)s: the quotation marks are malformed (%(error)s).")
                % {"line": last_line + 1, "error": error}
            ]
        )
    if not rows and not problems:
        _fail(
            [
                _("Line %(line)s: the file has a header but no municipalities.")
                % {"line": header_line}
            ]
        )
    return rows, problems


def municipalities_import(data: bytes) -> dict:
    """Create and rename municipalities from an AGEEML file; return the counts.

    Idempotent: running it again with the same file changes nothing. Raises
    MunicipalityImportError, having written nothing, if any row is invalid.
    """
    rows, problems = parse_catalogue(data)
    try:
        with transaction.atomic():
            states = State.objects.in_bulk(
                {row.state_code for row in rows.values()}, field_name="code"
            )
            problems.extend(
                (
                    row.line,
                    _("Line %(line)s: the state code %(code)s does not exist.")
                    % {"line": row.line, "code": row.state_code},
                )
                for row in rows.values()
                if row.state_code not in states
            )
            if problems:
                problems.sort(key=lambda problem: problem[0])
                _fail([message for _line, message in problems])
            existing = {
                (municipality.state_id, municipality.code): municipality
                for municipality in Municipality.objects.filter(
                    state__in=states.values()
                ).only("pk", "state_id", "code", "name")
            }
            created, updated, unchanged = [], [], 0
            for row in rows.values():
                state = states[row.state_code]
                current = existing.get((state.pk, row.code))
                if current is None:
                    created.append(
                        Municipality(state=state, code=row.code, name=row.name)
                    )
                elif current.name != row.name:
                    current.name = row.name
                    updated.append(current)
                else:
                    unchanged += 1
            # Batched statements: the query count depends on the backend's batch
            # size, not on the number of rows.
            Municipality.objects.bulk_create(created)
            Municipality.objects.bulk_update(updated, ["name"])
    except IntegrityError as error:
        # Only a concurrent import can break the (state, code) constraint here.
        raise MunicipalityImportError(
            _(
                "Another import changed the municipalities at the same time. "
                "Nothing was imported; try again."
            )
        ) from error
    return {"created": len(created), "updated": len(updated), "unchanged": unchanged}


def load_demo_municipalities():
    """Import the sample municipalities of the demo (Jalisco, CDMX, Oaxaca)."""
    return municipalities_import(DEMO_FILE.read_bytes())
