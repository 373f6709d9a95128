"""Apps that keep personal data register here, so that members can export and
delete everything without this app importing them (dependencies point one way)."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PersonalDataSection:
    key: str
    label: str
    # user -> JSON-serialisable data (list or dict)
    export: Callable
    # user -> None; removes or anonymises what identifies the person
    erase: Callable | None = None


_sections: dict[str, PersonalDataSection] = {}


def register(section):
    _sections[section.key] = section


def sections():
    return list(_sections.values())
