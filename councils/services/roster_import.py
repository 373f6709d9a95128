"""A council's roster of members with paper consent, imported from a CSV or a
spreadsheet's "Unicode text" export: parsed, then registered all or nothing."""

import codecs
import csv
import io

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cococi_site.pages import breaks_the_line
from cococi_site.spreadsheets import starts_as_formula
from members.models import (
    Purpose,
    phone_validator,
)

from .membership import (
    member_register_offline,
)
from .permissions import require_lead

IMPORT_COLUMNS = ["nombre", "apellidos", "telefono", "correo", "avisos", "contacto"]
YES = {"si", "sí", "s", "x", "1", "yes"}
NO = {"", "no", "n", "0"}
IMPORT_MAX_ROWS = 500


def members_import_parse(data):
    """Rows of a CSV of members with paper consent, and per-row errors.

    Returns (rows, errors): rows are dicts ready for ``member_register_offline``,
    errors are (line, message). Nothing is written here.
    """

    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # A spreadsheet's "Unicode text" export: UTF-16, tab-separated.
        text = data.decode("utf-16", errors="replace")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    if "\x00" in text:
        return [], [(1, _("The file is not a CSV text file."))]
    if not text.strip("\ufeff \t\r\n"):
        return [], [(1, _("The file is empty."))]
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = [slugify(name).replace("-", "") for name in next(reader)]
    except StopIteration:
        return [], [(1, _("The file is empty."))]
    missing = [name for name in ("nombre", "apellidos") if name not in header]
    if missing:
        return [], [
            (
                1,
                _("The first line must name the columns; missing: %(columns)s.")
                % {"columns": ", ".join(missing)},
            )
        ]
    rows, errors = [], []
    for line, values in enumerate(reader, start=2):
        if not any(value.strip() for value in values):
            continue
        if len(rows) + len(errors) >= IMPORT_MAX_ROWS:
            errors.append(
                (line, _("At most %(max)s people per file.") % {"max": IMPORT_MAX_ROWS})
            )
            break
        record = {
            name: value.strip() for name, value in zip(header, values, strict=False)
        }
        row = {
            "line": line,
            "first_name": record.get("nombre", ""),
            "last_name": record.get("apellidos", ""),
            "phone": record.get("telefono", ""),
            "email": record.get("correo", ""),
            "voluntary_purposes": [],
        }
        problems = []
        if not row["first_name"]:
            problems.append(_("the name is missing"))
        if len(row["first_name"]) > 150 or len(row["last_name"]) > 150:
            problems.append(_("the name is too long"))
        if breaks_the_line(row["first_name"]) or breaks_the_line(row["last_name"]):
            problems.append(_("the name has line breaks or control characters"))
        # No name or e-mail begins as a spreadsheet formula does.
        if any(
            starts_as_formula(row[name])
            for name in ("first_name", "last_name", "email")
        ):
            problems.append(
                _("a cell starts with =, +, - or @, as a spreadsheet formula does")
            )
        if row["phone"]:
            try:
                phone_validator(row["phone"])
            except ValidationError:
                problems.append(_("the phone must have 10 digits"))
        if row["email"]:
            try:
                validate_email(row["email"])
            except ValidationError:
                problems.append(_("the e-mail is not valid"))
        for column, purpose in (
            ("avisos", Purpose.NOTICES),
            ("contacto", Purpose.COUNCIL_CONTACT),
        ):
            answer = record.get(column, "").lower()
            if answer in YES:
                row["voluntary_purposes"].append(purpose)
            elif answer not in NO:
                problems.append(
                    _("column %(column)s must say sí or no") % {"column": column}
                )
        if problems:
            errors.append((line, "; ".join(problems).capitalize() + "."))
        else:
            rows.append(row)
    if not rows and not errors:
        errors.append((2, _("The file has no people to import.")))
    return rows, errors


@transaction.atomic
def members_import_commit(*, council, actor, rows):
    """Register every row, all or nothing. Returns [(user, code)]."""
    require_lead(actor, council)
    return [
        member_register_offline(
            council=council,
            actor=actor,
            first_name=row["first_name"],
            last_name=row["last_name"],
            phone=row["phone"],
            email=row["email"],
            voluntary_purposes=row["voluntary_purposes"],
        )
        for row in rows
    ]
