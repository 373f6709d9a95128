"""Apps that keep personal data register here, so that members can export and
delete everything without this app importing them (dependencies point one way)."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T|$)")


@dataclass(frozen=True)
class PersonalDataSection:
    key: str
    label: str
    # user -> JSON-serialisable data (list or dict)
    export: Callable
    # user -> None; removes or anonymises what identifies the person
    erase: Callable | None = None
    # For an export that is a dict of lists: the heading of each list on the
    # member's page (the JSON keeps the keys).
    part_labels: dict = field(default_factory=dict)
    # The label of each field of a row on the member's page, in the order shown;
    # a row's first field is its title.
    fields: dict = field(default_factory=dict)
    # Fields only in the download (a quiz's raw answers), not on the page.
    download_only: tuple = ()
    # Fields that hold the code of a choice: the page shows its label.
    choices: dict = field(default_factory=dict)

    def parts(self, data):
        """[(heading or None, rows)] of exported ``data`` for the member's page,
        each row a list of (label, text) in words a person reads."""
        if isinstance(data, dict):
            lists = [
                (self.part_labels.get(key, key), rows) for key, rows in data.items()
            ]
        else:
            lists = [(None, data)]
        return [
            (heading, [self.readable_row(row) for row in rows])
            for heading, rows in lists
        ]

    def readable_row(self, row):
        return [
            (label, readable(row[key], self.choices.get(key)))
            for key, label in self.fields.items()
            if key in row
        ]


def readable(value, choices=None):
    """An exported value as the page shows it: dates in words, in the site's
    time zone; yes or no; a choice's label rather than its code."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if choices is not None:
        try:
            return choices(value).label
        except ValueError:
            return str(value)
    if isinstance(value, str) and ISO_DATE.match(value):
        try:
            moment = parse_datetime(value) if "T" in value else None
            day = None if moment else parse_date(value)
        except ValueError:  # the shape of a date, not a real one
            moment = day = None
        # localtime(None) would be "now": only a parsed moment is converted.
        if moment is not None:
            return date_format(localtime(moment), "DATETIME_FORMAT")
        if day is not None:
            return date_format(day, "DATE_FORMAT")
    return str(value)


_sections: dict[str, PersonalDataSection] = {}


def register(section):
    _sections[section.key] = section


def sections():
    return list(_sections.values())


# Sections of "Mis datos" that other apps write: key -> render(request), which
# returns the section's HTML (e.g. ``notifications``: the channel of notices
# and the phone's verification).
_panels: dict[str, Callable] = {}


def register_panel(key, render):
    _panels[key] = render


def panels(request):
    return [render(request) for render in _panels.values()]
