from django.conf import settings
from django.db import DatabaseError
from django.http import Http404, QueryDict
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control


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


class PersonalPagesMiddleware:
    """What a signed-in person is answered is theirs (their progress, their
    data, a constancia, a council's members): kept by no shared cache, and not
    by the browser either, which is often a phone shared in a family or a
    community centre. A response that says nothing of caching gets
    ``Cache-Control: private, no-store``; one that does (a public image's, the
    private files') keeps its own. Listed after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        if self._signed_in(request):
            patch_cache_control(response, private=True, no_store=True)
        return response

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
