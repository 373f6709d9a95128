"""Text that a spreadsheet program would run as a formula (CSV injection).

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
is read as a formula by spreadsheet programs: a name or a page title like
``=HYPERLINK("http://…","Ver")`` becomes a live link in a leader's export.
Names are refused with ``validate_not_formula`` where people type them, and
every spreadsheet export, Wagtail's own reports included, writes such a cell as
text (``neutralise_spreadsheet_exports``).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.mixins import SpreadsheetExportMixin

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def starts_as_formula(value):
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_safe(value):
    """The value, with a leading apostrophe if it would run as a formula: the
    usual way to make a spreadsheet read a CSV cell as text."""
    return "'" + value if starts_as_formula(value) else value


def validate_not_formula(value):
    """For names: none begins like a formula, so one that does is refused."""
    if starts_as_formula(value):
        raise ValidationError(
            _(
                "It cannot start with =, +, - or @ (nor a tab or a line break): "
                "a spreadsheet would run it as a formula."
            ),
            code="formula",
        )


def neutralise_spreadsheet_exports():
    """Make every export made with Wagtail's ``SpreadsheetExportMixin`` write a
    cell that starts as a formula as text: the site history, aging pages, locked
    pages, workflow and redirect reports, every listing's ``?export=``, and this
    project's own exports (the cadre dashboard, the access log).

    Wagtail offers no setting or hook for it and each report is its own view,
    so the mixin they all share is changed here, once, at start-up (from
    ``members.apps``). In CSV the cell gets a leading apostrophe; in XLSX it
    stays as typed, stored as text with Excel's "quote prefix", so it remains
    text even when someone edits the cell. Idempotent.
    """
    mixin = SpreadsheetExportMixin
    if getattr(mixin, "formulas_neutralised", False):
        return
    preprocess = mixin.preprocess_field_value
    xlsx_row = mixin.generate_xlsx_row

    def preprocess_field_value(self, field, value, export_format):
        value = preprocess(self, field, value, export_format)
        return csv_safe(value) if export_format == mixin.FORMAT_CSV else value

    def generate_xlsx_row(self, worksheet, row_dict, date_format=None):
        for cell in xlsx_row(self, worksheet, row_dict, date_format=date_format):
            if starts_as_formula(cell.value):
                cell.data_type = "s"
                cell.quotePrefix = True
            yield cell

    mixin.preprocess_field_value = preprocess_field_value
    mixin.generate_xlsx_row = generate_xlsx_row
    mixin.formulas_neutralised = True
