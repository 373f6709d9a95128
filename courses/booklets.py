"""Rendering a course to a printable PDF cuadernillo with WeasyPrint.

WeasyPrint turns the same Django templates and CSS into a tagged PDF, so the
booklet keeps the site's structure and Spanish typography without a second layout
engine; it needs only Pango, which the Debian base image ships.
"""

import hashlib
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

# Relative URLs in the booklet (/media/…) resolve against this placeholder host,
# which the fetcher maps to MEDIA_ROOT; no request ever leaves the process.
BOOKLET_HOST = "cuadernillo.invalid"


def weasyprint():
    """WeasyPrint, imported on first use. Its import turns Pillow's
    ``LOAD_TRUNCATED_IMAGES`` on for the whole process; it is turned off again,
    so that a picture cut short is still refused when uploaded afterwards in the
    same process (``councils.forms.DecodedImageField``; the demo renders PDFs
    in its web process). The site's PDFs embed only images already checked."""
    import weasyprint as module
    from PIL import ImageFile

    ImageFile.LOAD_TRUNCATED_IMAGES = False
    return module


def media_only_fetcher():
    """A WeasyPrint URL fetcher that reads files under MEDIA_ROOT and nothing else.

    The booklet never reaches the network: embedded videos are listed by address,
    and a crafted link in a lesson cannot make the worker fetch internal URLs.
    """

    class MediaOnlyURLFetcher(weasyprint().urls.URLFetcher):
        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            media_root = Path(settings.MEDIA_ROOT).resolve()
            if parsed.scheme == "file":
                target = Path(unquote(parsed.path)).resolve()
            elif parsed.netloc == BOOKLET_HOST and parsed.path.startswith(
                settings.MEDIA_URL
            ):
                relative = unquote(parsed.path[len(settings.MEDIA_URL) :])
                target = (media_root / relative).resolve()
            else:
                raise ValueError(f"blocked outside media: {url}")
            if media_root not in target.parents:
                raise ValueError(f"blocked outside media: {url}")
            return super().fetch(target.as_uri(), headers)

    return MediaOnlyURLFetcher(allowed_protocols={"file"}, timeout=5)


def render_booklet_html(course, lessons, *, facilitator=False):
    """The booklet's HTML; ``facilitator``: the facilitator's edition, with
    the quizzes' answers and feedback and the course's and lessons'
    facilitator notes (the member's edition has none of them)."""
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            "courses/booklet.html",
            {
                "course": course,
                "lessons": lessons,
                "facilitator": facilitator,
                "course_url": settings.WAGTAILADMIN_BASE_URL
                + course.get_url_parts()[2],
            },
        )


def html_fingerprint(*htmls):
    """One fingerprint of the content of both editions."""
    digest = hashlib.sha256()
    for html in htmls:
        digest.update(html.encode())
    return digest.hexdigest()


def html_to_pdf(html):
    """A tagged PDF (booklets, constancias, the demo's materials): headings,
    paragraphs, lists, tables and figures with their alternative text in a
    structure tree, so a screen reader reads it in order; in the language and
    with the title of the HTML's ``lang`` and ``<title>``."""
    document = weasyprint().HTML(
        string=html,
        base_url=f"http://{BOOKLET_HOST}/",
        url_fetcher=media_only_fetcher(),
    )
    return document.write_pdf(pdf_tags=True)


def booklet_filename(course, fingerprint, *, facilitator=False):
    """One name per content: a build run again writes the same file again."""
    edition = "facilitacion-" if facilitator else ""
    return f"cuadernillo-{edition}{course.slug}-{fingerprint[:16]}.pdf"
