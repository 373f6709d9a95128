"""Spreadsheet exports that cannot run code in the reader's spreadsheet program.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
is read as a formula by spreadsheet programs (CSV injection): a member's name
like ``=HYPERLINK(...)`` would become a live link in a leader's export. Wagtail
already turns XLSX formulas back into text; CSV cells get a leading apostrophe.
"""

from wagtail.admin.views.mixins import SpreadsheetExportMixin

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeSpreadsheetExportMixin(SpreadsheetExportMixin):
    def write_csv_row(self, writer, row_dict):
        return writer.writerow(
            {
                field: csv_safe(
                    self.preprocess_field_value(field, value, self.FORMAT_CSV)
                )
                for field, value in row_dict.items()
            }
        )
