"""The Spanish that Wagtail's own catalogues lack.

Wagtail ships Spanish (``es``, ``es_419``) for most of its admin, not all of it:
the rest shows in English to the editors and leaders who work there.
``locale_wagtail/es_MX/`` holds our translation of that rest, second in
``LOCALE_PATHS`` (our own catalogue, first, wins where both have a string).

``make wagtail-messages`` (``python -m cococi_site.wagtail_messages``) keeps it
in step with the installed Wagtail: it adds, untranslated, every string that
Wagtail has and no Spanish catalogue translates, and drops the ones Wagtail no
longer has or has since translated. Then translate the new entries and run
``make messages``; ``tests/cococi_site/test_i18n.py`` fails while one is left.
"""

from pathlib import Path

import polib
import wagtail

BASE_DIR = Path(__file__).resolve().parent.parent
TARGET = BASE_DIR / "locale_wagtail" / "es_MX" / "LC_MESSAGES"
DOMAINS = ("django", "djangojs")
SPANISH = ("es_MX", "es", "es_419")
HEADER = {
    "Project-Id-Version": "cococi-formacion (Wagtail)",
    "PO-Revision-Date": "2026-12-05 02:30-0600",
    "Last-Translator": "Equipo COCOCI Formación",
    "Language-Team": "Equipo COCOCI Formación",
    "Language": "es_MX",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=2; plural=(n != 1);",
}


# Strings Wagtail's Spanish translates wrongly (typos, English words left in:
# "etiquedas", "Selecionar fila", "items"). Ours translates them again and,
# first in LOCALE_PATHS, wins; they stay here whatever Wagtail's catalogue says.
CORRECTED = {
    "django": {
        (None, "Select row"),
        (None, "Edit this item"),
        (
            None,
            "Multi-word tags with spaces will automatically be enclosed in double "
            'quotes (").',
        ),
        (None, "Add tags to 1 image"),
    },
    "djangojs": {(None, "(%(number)s new items in this menu)")},
}


def key(entry):
    return (entry.msgctxt, entry.msgid)


def translated(entry):
    if entry.obsolete or "fuzzy" in entry.flags:
        return False
    if entry.msgid_plural:
        return all(entry.msgstr_plural.values()) and bool(entry.msgstr_plural)
    return bool(entry.msgstr)


def wagtail_catalogues(domain):
    """(source catalogue, Spanish catalogues) of each Wagtail app, for ``domain``."""
    root = Path(wagtail.__file__).resolve().parent
    for source in sorted(root.glob(f"**/locale/en/LC_MESSAGES/{domain}.po")):
        locale_dir = source.parent.parent.parent
        spanish = [
            polib.pofile(str(path))
            for language in SPANISH
            if (path := locale_dir / language / "LC_MESSAGES" / f"{domain}.po").exists()
        ]
        yield polib.pofile(str(source)), spanish


def lacking(domain):
    """Wagtail's source entries of ``domain`` that no Spanish catalogue translates,
    or translates wrongly (``CORRECTED``)."""
    entries = {}
    for source, spanish in wagtail_catalogues(domain):
        done = {
            key(entry)
            for catalogue in spanish
            for entry in catalogue
            if translated(entry)
        }
        for entry in source:
            if entry.obsolete or not entry.msgid:
                continue
            if key(entry) in done and key(entry) not in CORRECTED[domain]:
                continue
            entries.setdefault(key(entry), entry)
    return entries


def ours(domain):
    path = TARGET / f"{domain}.po"
    return polib.pofile(str(path)) if path.exists() else None


def update(domain):
    """Bring ``locale_wagtail`` in step; returns (added, dropped, untranslated)."""
    wanted = lacking(domain)
    current = ours(domain)
    catalogue = polib.POFile(wrapwidth=79)
    catalogue.metadata = current.metadata if current is not None else dict(HEADER)
    kept = {}
    if current is not None:
        kept = {key(entry): entry for entry in current if not entry.obsolete}
    added = 0
    for entry_key, source in sorted(
        wanted.items(), key=lambda item: (item[0][1], item[0][0] or "")
    ):
        entry = kept.get(entry_key)
        if entry is None:
            added += 1
            entry = polib.POEntry(
                msgctxt=source.msgctxt,
                msgid=source.msgid,
                msgid_plural=source.msgid_plural,
                msgstr="",
                msgstr_plural={0: "", 1: ""} if source.msgid_plural else {},
                flags=[flag for flag in source.flags if flag.endswith("-format")],
            )
        catalogue.append(entry)
    dropped = len(set(kept) - set(wanted))
    TARGET.mkdir(parents=True, exist_ok=True)
    catalogue.save(str(TARGET / f"{domain}.po"))
    return added, dropped, sum(1 for entry in catalogue if not translated(entry))


def main():
    for domain in DOMAINS:
        added, dropped, untranslated = update(domain)
        print(
            f"{domain}: {added} added, {dropped} dropped, {untranslated} to translate"
        )


if __name__ == "__main__":
    main()
