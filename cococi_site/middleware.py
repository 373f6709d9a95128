import hashlib
import re

from django.conf import settings
from django.db import DatabaseError
from django.http import Http404, QueryDict
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import (
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import quote_etag


def chosen_language(request):
    """The language switch's cookie when it names a supported language, else
    the site's."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    supported = {code for code, _name in settings.LANGUAGES}
    return chosen if chosen in supported else settings.LANGUAGE_CODE


class SiteLanguageMiddleware(LocaleMiddleware):
    """Spanish unless the person chose English with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, and many
    phones in Mexico are set to English: they would get English menus around
    Spanish content. Only the language cookie, set by the switch, changes it.
    """

    def process_request(self, request):
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        # The language follows the cookie, never Accept-Language: caches
        # (the browser's included) keep a page apart by its cookies alone.
        # An answer the same in every language (the public API) says so.
        if not getattr(response, "same_in_every_language", False):
            patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class InlineStyleHashesMiddleware:
    """Inline ``<style>`` elements that a template declared with their hash
    (``request.csp_style_hashes``, see ``courses.templatetags.axis_tags``) are
    added to the page's Content-Security-Policy, which then needs no
    'unsafe-inline'. Listed after django-csp's middleware, so it runs first on
    the way out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        hashes = getattr(request, "csp_style_hashes", None)
        if hashes:
            update = dict(getattr(response, "_csp_update", None) or {})
            update["style-src"] = [*update.get("style-src", []), *sorted(hashes)]
            response._csp_update = update
        return response


class NulBytesMiddleware:
    """No address, search or filter of this site has a NUL byte in it, and
    PostgreSQL refuses text that does: wherever one reached a query (a page's
    slug, a search box, a filter) the answer was an error 500. A path with one
    is not found; in the query string they are dropped. Listed before Wagtail's
    redirects, which look every unknown path up in the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info:
            raise Http404
        if any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(
                    key.replace("\x00", ""),
                    [value.replace("\x00", "") for value in values],
                )
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)


# The CSRF token is masked anew on every page (Django's defence against BREACH),
# so a page with a form is never twice the same bytes: a page's ETag is taken
# over the page without its tokens (the forms' and the page script's).
CSRF_TOKEN_VALUES = re.compile(
    rb'(name="(?:csrfmiddlewaretoken|cococi-csrf)" (?:value|content)=")[^"]*"'
)


def page_etag(request, response):
    """The page's bytes without its CSRF tokens, and the session's CSRF
    secret: a kept page is only confirmed while the tokens in it still work."""
    digest = hashlib.sha256(CSRF_TOKEN_VALUES.sub(rb"\1\"", response.content))
    digest.update(request.META.get("CSRF_COOKIE", "").encode())
    return quote_etag(digest.hexdigest()[:32])


class PersonalPagesMiddleware:
    """How browsers and caches may keep what the site answers (docs/deploy.md,
    *Caches*). A response that says something of caching itself (a public
    image's, the private files', the service worker's) keeps it. Otherwise:

    - to someone signed in, the answer is hers (her progress, her data, a
      constancia, a council's members): kept by no shared cache, and not by
      the browser either, which is often a phone shared in a family or a
      community centre: ``private, no-store``. Only the HTML pages that show
      her nothing but her own learning (``pages.KeptByItsMemberMixin``) are
      ``private, no-cache`` with an ETag, so a repeat visit is a 304;
    - to anyone else, ``no-cache`` (ask every time) and, for a page, an ETag
      of its bytes: the anonymous page cache keeps it with the page, and
      ConditionalGetMiddleware, at the top, answers a 304 when the browser
      already holds those bytes. Only the site's pages (Wagtail's) may be kept
      by a shared cache too; any other answer (a constancia's verification,
      which names a person, a form, one that sets a cookie) is ``private``.

    Listed after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        if not self._signed_in(request):
            if self._site_page(request) and not response.cookies:
                patch_cache_control(response, no_cache=True)
            else:
                patch_cache_control(response, private=True, no_cache=True)
            if self._page(request, response):
                response["ETag"] = page_etag(request, response)
        elif getattr(response, "member_may_keep", False) and self._page(
            request, response
        ):
            patch_cache_control(response, private=True, no_cache=True)
            response["ETag"] = page_etag(request, response)
        else:
            patch_cache_control(response, private=True, no_store=True)
        return response

    @staticmethod
    def _site_page(request):
        match = getattr(request, "resolver_match", None)
        return match is not None and match.url_name == "wagtail_serve"

    @staticmethod
    def _page(request, response):
        return (
            request.method == "GET"
            and response.status_code == 200
            and not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
        )

    @staticmethod
    def _signed_in(request):
        """Whether the request is a signed-in person's. With the database
        down the account cannot be read: the answer (an error page) is then
        kept by nobody, as a personal one would be."""
        user = getattr(request, "user", None)
        if user is None:
            return False
        try:
            return user.is_authenticated
        except DatabaseError:
            return True
