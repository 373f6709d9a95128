"""The Spanish catalogue is complete: no visible string falls back to English."""

import re
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "es_MX" / "LC_MESSAGES" / "django.po"
APPS = ["cococi_site", "outbox", "members", "courses", "councils", "home"]

TEMPLATE_STRING = re.compile(r"""{%\s*translate\s+(["'])(.+?)\1""")
BLOCK_STRING = re.compile(r"{%\s*blocktranslate[^%]*%}(.+?){%\s*endblocktranslate\s*%}")
PYTHON_STRING = re.compile(r"""\b_\(\s*"((?:[^"\\]|\\.)+)"\s*[,)]""")


def block_msgid(text):
    """The msgid Django makes of a blocktranslate body (singular part)."""
    text = text.split("{% plural %}")[0]
    text = re.sub(r"{{\s*(\w+)\s*}}", "\x00\\1\x00", text)
    text = text.replace("%", "%%")
    return re.sub("\x00(\\w+)\x00", r"%(\1)s", text)


def visible_strings():
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        for match in TEMPLATE_STRING.finditer(text):
            yield path, match.group(2)
        for match in BLOCK_STRING.finditer(text):
            yield path, block_msgid(match.group(1))
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for match in PYTHON_STRING.finditer(path.read_text()):
                yield path, match.group(1).replace('\\"', '"')


def test_catalogue_has_no_untranslated_or_fuzzy_entries():
    catalogue = polib.pofile(str(CATALOGUE))

    assert not [entry.msgid for entry in catalogue.untranslated_entries()]
    assert not [entry.msgid for entry in catalogue.fuzzy_entries()]


def test_every_visible_string_is_in_the_spanish_catalogue():
    translated = {entry.msgid for entry in polib.pofile(str(CATALOGUE))}
    missing = sorted(
        {f"{path.relative_to(ROOT)}: {text}" for path, text in visible_strings()}
        - {
            f"{path.relative_to(ROOT)}: {text}"
            for path, text in visible_strings()
            if text in translated
        }
    )

    assert not missing, "Run `make makemessages` and translate:\n" + "\n".join(missing)


@pytest.mark.parametrize("text", ["Saltar al contenido", "Eje %(number)s"])
def test_compiled_catalogue_is_used(text):
    from django.utils.translation import gettext

    source = {
        "Saltar al contenido": "Skip to content",
        "Eje %(number)s": "Axis %(number)s",
    }
    assert gettext(source[text]) == text
