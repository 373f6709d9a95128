"""What a text message costs: GSM-7 fits 160 characters in one segment (153
each when it is split), anything else goes as UCS-2 (70, then 67 each).

Spanish needs á, í, ó and ú, which GSM-7 lacks (it has é, ñ, ü, ¿ and ¡): one
such letter would turn the whole message into UCS-2 and more than double its
cost, so text for SMS is folded to GSM-7 first (``for_sms``)."""

import math

GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Characters of the extension table: each takes two septets.
GSM_EXTENDED = set("^{}\\[~]|€\f")

FOLD = str.maketrans(
    {
        "á": "a",
        "í": "i",
        "ó": "o",
        "ú": "u",
        "Á": "A",
        "Í": "I",
        "Ó": "O",
        "Ú": "U",
        "È": "E",
        "ê": "e",
        "â": "a",
        "ô": "o",
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
        "–": "-",
        "—": "-",
        "…": "...",
        "«": '"',
        "»": '"',
        "•": "-",
        "\u00a0": " ",
    }
)


def for_sms(text):
    """``text`` with the Spanish letters GSM-7 lacks replaced by their plain
    form (aceptó → acepto), so it stays in GSM-7 where it can."""
    return text.translate(FOLD)


def is_gsm(text):
    return all(char in GSM_BASIC or char in GSM_EXTENDED for char in text)


def segments(text):
    """How many SMS segments ``text`` takes, as it is (no folding)."""
    if not text:
        return 0
    if is_gsm(text):
        length = sum(2 if char in GSM_EXTENDED else 1 for char in text)
        single, multi = 160, 153
    else:
        length = len(text.encode("utf-16-le")) // 2
        single, multi = 70, 67
    return 1 if length <= single else math.ceil(length / multi)
