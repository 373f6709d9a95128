"""What a PDF declares about itself, read from its bytes (no PDF library):
its objects, with the compressed streams they may be kept in inflated."""

import re
import zlib

from pydyf import String


def pdf_objects(pdf):
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue  # an image's own encoding
    return b"\n".join(parts)


def assert_tagged(pdf, *, title):
    """A tagged PDF in Mexican Spanish, with its title shown by readers."""
    objects = pdf_objects(pdf)
    assert b"/MarkInfo <</Marked true>>" in objects
    assert re.search(rb"/StructTreeRoot \d+ 0 R", objects)
    assert b"/Lang (es-MX)" in objects
    assert b"/Title " + String(title).data in objects
    assert b"/DisplayDocTitle true" in objects
