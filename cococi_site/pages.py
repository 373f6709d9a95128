"""What every page type of the site shares: search summaries, view
restrictions without a query, plain slugs, one-line titles, and routes
declared by views."""

import html
import unicodedata

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.html import strip_tags
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.routable_page.models import path
from wagtail.models import PageViewRestriction
from wagtail.rich_text import RichText

from . import content


def plain_text(value):
    """The words of a text, a rich text or a stream field (its first
    "paragraph" block, read from the raw data: no image or page is fetched),
    without markup."""
    if not value:
        return ""
    if isinstance(value, RichText):
        value = value.source
    if not isinstance(value, str):  # a StreamValue
        for item in value.raw_data:
            if item["type"] == "paragraph" and (text := plain_text(item["value"])):
                return text
        return ""
    return " ".join(html.unescape(strip_tags(value)).split())


def any_view_restriction():
    """Whether any page is restricted; no query while the answer is cached."""
    return content.cached("view-restrictions:any", PageViewRestriction.objects.exists)


def restricted_ids(pages):
    """The ids of ``pages`` behind a view restriction (their own or an
    ancestor's): no query while no restriction exists anywhere, else one."""
    if not pages or not any_view_restriction():
        return set()
    # A page's ancestors' paths are its path's prefixes, one step at a time.
    prefixes = {
        page.path[:end]
        for page in pages
        for end in range(page.steplen, len(page.path) + 1, page.steplen)
    }
    restricted = set(
        PageViewRestriction.objects.filter(page__path__in=prefixes).values_list(
            "page__path", flat=True
        )
    )
    return {
        page.pk
        for page in pages
        if any(page.path.startswith(path) for path in restricted)
    }


# Unicode categories no typed text holds: the C0 and C1 controls (tab, CR,
# LF, ESC, NEL…) and DEL; the format characters, invisible, that reorder or
# hide text where it is shown (bidirectional marks, embeddings, overrides and
# isolates, a name that reads backwards; zero-width spaces and joiners, the
# byte-order mark, the soft hyphen, invisible operators, tag characters: two
# names that look the same and are not); surrogates, private-use and
# unassigned code points (nothing a phone or a reader shows alike); and the
# line and paragraph separators.
REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
# Letters and marks that show nothing at all: the Hangul fillers and the
# combining grapheme joiner (a name made of blanks).
HIDDEN = {"\u3164", "\u115f", "\u1160", "\uffa0", "\u034f"}


def _is_refused(char):
    return char in HIDDEN or unicodedata.category(char) in REFUSED_CATEGORIES


def breaks_the_line(value):
    """Whether ``value`` holds a control, line-breaking or hidden character."""
    return bool(value) and any(_is_refused(char) for char in value)


def validate_one_line(value):
    """A name is one line of text: a title, a council's name, a meeting's
    place. Typed or pasted control characters would break the line wherever
    the name is written (a calendar, an SMS, a CSV, an e-mail's subject)."""
    if breaks_the_line(value):
        raise ValidationError(
            _("This cannot contain line breaks or control characters."),
            code="control_characters",
        )


def validate_plain_text(value):
    """A text of several lines (a note, a reason): its line breaks (LF, or a
    browser's CRLF) are kept, and every other character
    :func:`validate_one_line` refuses is refused."""
    if value and breaks_the_line(value.replace("\r\n", "").replace("\n", "")):
        raise ValidationError(
            _("This cannot contain control or invisible characters."),
            code="control_characters",
        )


def validate_person_name(value):
    """A person's first or last name: one line, as :func:`validate_one_line`,
    with a message that speaks of the name."""
    if breaks_the_line(value):
        raise ValidationError(
            _("The name cannot contain line breaks or control characters."),
            code="control_characters",
        )


class SitePageMixin:
    """Wagtail checks a page's view restrictions, and those of its ancestors,
    on every request: two queries. Most sites restrict nothing, this one
    included; while no restriction exists anywhere (known under the content
    generation, which a new restriction bumps) the answer costs no query."""

    # Fields whose words, the first that has some, stand for the page in search
    # results when its editor wrote no search description.
    summary_fields = ()

    def search_summary(self):
        if self.search_description:
            return self.search_description
        for name in self.summary_fields:
            if text := plain_text(getattr(self, name)):
                return text
        return ""

    def get_admin_display_title(self):
        """The admin names a published page by its published title. Wagtail
        names it by its latest draft's, in every listing and chooser, to
        whoever sees the page there: the page chooser offers every published
        page to every admin user, and a leader would read there the draft
        title of another council's page. The model knows no viewer, so the
        published title is everyone's; the draft's own title shows in its
        editor, preview, history and comparison (a page built from the draft
        carries it as its title), which only who may edit it opens. A page
        never published keeps its draft title: only who may explore it sees it."""
        if self.live:
            return self.title
        return super().get_admin_display_title()

    def get_view_restrictions(self):
        if not any_view_restriction():
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()

    def clean(self):
        """Every page's title is one line (Wagtail's ``Page.title`` has no
        validators of ours: its admin form reports this beside the field)."""
        super().clean()
        try:
            validate_one_line(self.title)
        except ValidationError as error:
            raise ValidationError({"title": error}) from error

    def full_clean(self, *args, **kwargs):
        """Addresses travel by WhatsApp and SMS: a slug typed with accents or
        an eñe is kept plain (``organizacion``, ``companeras``), as Wagtail's
        admin already makes it from a title (WAGTAIL_ALLOW_UNICODE_SLUGS off)."""
        if self.slug and not self.slug.isascii():
            self.slug = slugify(self.slug) or self.slug
        super().full_clean(*args, **kwargs)


def page_route(page_class, pattern, name):
    """Serve ``pattern`` under every page of ``page_class`` (a routable page)
    with the decorated view, called as ``view(request, page, *args, **kwargs)``;
    the route is named ``name`` for ``{% routablepageurl page name %}``.

    A page's actions are declared where their views are, as ``urls.py`` does
    for the site's other addresses: views import models, never the other way
    round. The views module is imported by its app's ``ready()``, before any
    page is served."""

    def register(view):
        def serve(page, request, *args, **kwargs):
            return view(request, page, *args, **kwargs)

        attribute = f"{name}_route"
        if attribute in page_class.__dict__:
            raise ImproperlyConfigured(
                f"{page_class.__name__} already has a route named {name!r}"
            )
        serve.__name__ = serve.__qualname__ = attribute
        setattr(page_class, attribute, path(pattern, name=name)(serve))
        # Wagtail builds a page type's resolver once: build it again.
        if "_routablepage_urlresolver" in page_class.__dict__:
            del page_class._routablepage_urlresolver
        return view

    return register


class KeptByItsMemberMixin:
    """A page that shows a signed-in member nothing but her own learning (a
    course, a lesson): her browser may keep it and ask again with its ETag, a
    304 when nothing changed (``middleware.PersonalPagesMiddleware``). Every
    other signed-in answer is ``no-store``."""

    # Context entries that, when true, make the page show more than her own
    # learning: then it is never kept.
    kept_unless = ()

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        context = getattr(response, "context_data", None) or {}
        if not any(context.get(name) for name in self.kept_unless):
            response.member_may_keep = True
        return response
