"""Apps that keep personal data register here, so that members can export and
delete everything without this app importing them (dependencies point one way)."""

from collections.abc import Callable
from dataclasses import dataclass, field


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

    def parts(self, data):
        """[(heading or None, rows)] of exported ``data``, for the page."""
        if isinstance(data, dict):
            return [
                (self.part_labels.get(key, key), rows) for key, rows in data.items()
            ]
        return [(None, data)]


_sections: dict[str, PersonalDataSection] = {}


def register(section):
    _sections[section.key] = section


def sections():
    return list(_sections.values())
