"""How a constancia is checked from paper: a code a person reads aloud and types
on a phone, and a QR code that opens its verification page.

Codes are 20 symbols of Crockford's base 32 (digits and capitals without I, L,
O and U), 100 random bits, printed in five groups of four
(``7KQ3-M9XD-2HVB-RT4N-CWZ8``) and stored so. What a person types is read the
way Crockford's decoding reads it: any case, spaces and dashes anywhere, O for
0 and I or L for 1.

Constancias issued before these codes keep theirs (16 URL-safe characters,
case-sensitive, printed on paper and in e-mailed PDFs that cannot be changed):
they are looked up exactly as written (``Certificate.objects.matching``). The
two kinds never collide: a readable code is 24 characters long, an earlier one
16.
"""

import re
import secrets

import segno
from django.utils.html import format_html
from django.utils.safestring import mark_safe

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
GROUPS = 5
GROUP_SIZE = 4
SYMBOLS = GROUPS * GROUP_SIZE

# The letters people write for the digits they mean, as Crockford decodes them.
_READ_AS = str.maketrans("OIL", "011")
# Spaces of any kind and the dashes a phone's keyboard may put instead of "-".
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212]+")
_READABLE = re.compile(rf"[{ALPHABET}]{{{SYMBOLS}}}")


def new_code():
    """A fresh readable code, grouped as it is printed and stored."""
    return grouped("".join(secrets.choice(ALPHABET) for _ in range(SYMBOLS)))


def grouped(symbols):
    return "-".join(
        symbols[start : start + GROUP_SIZE] for start in range(0, SYMBOLS, GROUP_SIZE)
    )


def readable(typed):
    """The stored form of a readable code typed any way, or None when what was
    typed is not one (it may still be an earlier code)."""
    symbols = _SEPARATORS.sub("", typed).upper().translate(_READ_AS)
    if _READABLE.fullmatch(symbols) is None:
        return None
    return grouped(symbols)


def qr_svg(url, *, scale=4, label=""):
    """The QR code of ``url`` as inline SVG (segno): no file, no request, and no
    style attribute for the CSP to refuse. ``label`` names it for screen
    readers; without one it is hidden from them (the link beside it says it)."""
    code = segno.make(url, error="m")
    svg = code.svg_inline(
        scale=scale, svgclass="qr", lineclass=None, title=label or None
    )
    role = (
        format_html('role="img" aria-label="{}"', label)
        if label
        else (mark_safe('aria-hidden="true"'))
    )
    return mark_safe(svg.replace("<svg ", f"<svg {role} ", 1))
