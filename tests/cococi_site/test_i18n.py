"""The Spanish catalogue is complete: no visible string falls back to English."""

import ast
import html
import re
from pathlib import Path

import polib
import pytest
from django.utils import translation

from cococi_site import wagtail_messages as messages
from courses.factories import CoursePageFactory
from courses.models import CourseIndexPage
from tests.courses.test_page_types import add_lesson_url

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "es_MX" / "LC_MESSAGES" / "django.po"
APPS = [
    "cococi_site",
    "outbox",
    "members",
    "notifications",
    "courses",
    "offline",
    "councils",
    "home",
]

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


def django_strings_messages():
    """(context, msgid) of each message listed in cococi_site/django_strings.py."""
    tree = ast.parse((ROOT / "cococi_site" / "django_strings.py").read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            texts = [arg.value for arg in node.args if isinstance(arg, ast.Constant)]
            if node.func.id == "pgettext_lazy":
                yield texts[0], texts[1]
            elif node.func.id in ("_", "ngettext_lazy"):
                yield None, texts[0]


def test_every_message_of_django_we_translate_is_still_one_of_djangos():
    """cococi_site/django_strings.py re-translates messages of Django's: after an
    upgrade that changed one, ours would silently stop applying."""
    import django

    root = Path(django.__file__).resolve().parent
    djangos = {
        (entry.msgctxt, entry.msgid)
        for path in ("conf/locale", "contrib/auth/locale")
        for entry in polib.pofile(str(root / path / "en/LC_MESSAGES/django.po"))
    }
    ours = {
        (entry.msgctxt, entry.msgid)
        for entry in polib.pofile(str(CATALOGUE))
        if entry.translated()
    }
    listed = set(django_strings_messages())

    assert len(listed) > 80
    assert not listed - djangos, "Django no longer has these messages"
    assert not listed - ours, "Run `make makemessages` and translate these"


def test_dates_and_form_messages_are_in_lower_case_and_tu():
    from datetime import date

    from django import forms
    from django.utils.formats import date_format

    assert date_format(date(2026, 5, 19), "j \\d\\e F \\d\\e Y") == "19 de mayo de 2026"
    assert date_format(date(2026, 12, 5), "l") == "sábado"
    with pytest.raises(forms.ValidationError) as refused:
        forms.EmailField().clean("ana@")
    assert refused.value.messages == ["Escribe un correo electrónico válido."]


def test_every_string_of_wagtails_admin_has_its_spanish():
    """Wagtail's Spanish catalogues leave some of its admin in English; ours
    (locale_wagtail/) translates the rest, for the installed Wagtail."""
    for domain in messages.DOMAINS:
        ours = messages.ours(domain)
        done = {messages.key(entry) for entry in ours if messages.translated(entry)}
        missing = sorted(
            entry.msgid
            for entry_key, entry in messages.lacking(domain).items()
            if entry_key not in done
        )
        assert not missing, (
            f"Run `make wagtail-messages`, translate locale_wagtail/es_MX/"
            f"LC_MESSAGES/{domain}.po and run `make messages`:\n" + "\n".join(missing)
        )


def test_our_spanish_is_used_where_wagtail_has_none():
    """A string only our catalogue translates comes out in Spanish."""
    lacking = messages.lacking("django")
    entry = next(
        entry
        for entry in messages.ours("django")
        if messages.key(entry) in lacking
        and not entry.msgid_plural
        and not entry.msgctxt
        and "%" not in entry.msgid
    )
    with translation.override("es-mx"):
        assert translation.gettext(entry.msgid) == entry.msgstr != entry.msgid


@pytest.mark.django_db
def test_the_admin_pages_an_editor_uses_show_none_of_wagtails_english(client, editor):
    """The dashboard, the page explorer and editor, the images: no string that
    Wagtail's Spanish leaves out shows in English."""
    english = {
        entry.msgid
        for entry in messages.ours("django")
        if not entry.msgid_plural
        and "%" not in entry.msgid
        and "{" not in entry.msgid
        and " " in entry.msgid
        and entry.msgstr != entry.msgid
    }
    course = CoursePageFactory()
    client.force_login(editor)
    shown = ""
    for url in (
        "/admin/",
        f"/admin/pages/{CourseIndexPage.objects.get().pk}/",
        f"/admin/pages/{course.pk}/edit/",
        add_lesson_url(course),
        "/admin/images/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        shown += html.unescape(response.content.decode())

    assert not sorted(text for text in english if text in shown)


@pytest.mark.parametrize(
    "domain, msgid, misspelt, right",
    [
        ("django", "Select row", "Selecionar fila", "Seleccionar fila"),
        ("django", "Edit this item", "item", "Editar este elemento"),
        (
            "django",
            "Multi-word tags with spaces will automatically be enclosed in double "
            'quotes (").',
            "etiquedas",
            "Las etiquetas de varias palabras",
        ),
        (
            "djangojs",
            "(%(number)s new items in this menu)",
            "items",
            "elementos nuevos",
        ),
    ],
)
def test_wagtails_misspelt_spanish_is_corrected(domain, msgid, misspelt, right):
    """Wagtail's own Spanish has typos and English words; ours wins."""
    with translation.override("es-mx"):
        if domain == "django":
            shown = translation.gettext(msgid)
        else:
            from django.views.i18n import JavaScriptCatalog

            catalogue = JavaScriptCatalog()
            catalogue.translation = translation.trans_real.DjangoTranslation(
                "es-mx", domain="djangojs"
            )
            shown = catalogue.get_catalog()[msgid]
    assert right in shown and misspelt not in shown


@pytest.mark.django_db
def test_the_admin_search_counts_pages_not_none(client, editor):
    CoursePageFactory(title="Girasoles")
    client.force_login(editor)

    response = client.get("/admin/pages/search/", {"q": "girasoles"})

    text = " ".join(html.unescape(response.content.decode()).split())
    assert "1-1 de 1 página" in text
    assert "de 1 None" not in text
