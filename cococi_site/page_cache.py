"""Public pages for anonymous visitors, from the shared cache.

A page is stored only when it is the same for every anonymous visitor: a GET of a
Wagtail page (home, catalogue, courses, lessons, materials, councils) answered
200 to a request that carried no session, with no cookie set and no CSRF token
in it (a page with a form is built every time), and nothing that asked to stay
private. It is stored with its headers, the Content-Security-Policy with its
inline-style hashes included, under the content generation
(``cococi_site.content``): a publish, or any change to what pages show, makes
every stored page unreachable at once.

Only addresses people are linked to are stored, so that nobody can fill the
cache with made-up ones: on SITE_URL's host (not another port or name that
reaches the site), with no query parameter but those the page itself read
(a listing's filters and page: ``page_asked``), each once, and not when the
page says the address names something that is not there (an unknown topic, a
page past the end: ``not_for_the_cache``). Anything else is answered, built each time.

Anyone whose request carries a session (everyone signed in) or a cookie that
could change the page (pending messages) never reads from or writes to it. The
language chosen with the switch is part of the key.

A page is stored with its ETag (a hash of its bytes, set by
``PersonalPagesMiddleware``): ConditionalGetMiddleware, listed just above,
answers a visitor whose browser holds that page with a 304, with no query and
no hashing. Anything the cache keeps is a 200 with nothing personal; a 304 is
never stored.

Listed straight after SecurityMiddleware and ConditionalGetMiddleware, so a
stored page skips everything else, and a page to store has been through every
other middleware.
"""

import hashlib
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sessions.backends import cached_db
from django.core.cache import DEFAULT_CACHE_ALIAS, cache
from django.http import HttpResponse

from . import content
from .middleware import chosen_language
from .site_address import site_url

HEADER = "X-Page-Cache"
# Cookies that leave a public page the same: the CSRF cookie (pages holding a
# token are never stored) and the language (part of the key).
HARMLESS_COOKIES = {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}
PAGE_VIEW = "wagtail_serve"
CACHED_DB = "django.contrib.sessions.backends.cached_db"
REFUSED = "_cococi_not_for_the_page_cache"
# The query parameters the page read (a listing's): any other in its address
# keeps it out of the cache.
READ = "_cococi_parameters_read"


def not_for_the_cache(request):
    """What this address shows is not to be kept: it names something that is
    not there (an unknown topic, a page number past the end), and made-up
    addresses must not fill the cache."""
    setattr(request, REFUSED, True)


def page_asked(request, paginator, filters=()):
    """The page of ``paginator`` that ``?pagina=`` asks for; past the end, the
    last one, shown but not kept under an address of its own. ``filters``:
    the other parameters the listing read (and checked)."""
    setattr(request, READ, {"pagina", *filters})
    asked = request.GET.get("pagina")
    page = paginator.get_page(asked)
    if asked is not None and asked != str(page.number):
        not_for_the_cache(request)
    return page


def _shared_address(request):
    parameters = request.GET
    return (
        request.get_host() == urlsplit(site_url()).netloc
        and set(parameters) <= getattr(request, READ, set())
        and all(len(parameters.getlist(name)) == 1 for name in parameters)
        and not getattr(request, REFUSED, False)
    )


def _eligible(request):
    return request.method == "GET" and not (set(request.COOKIES) - HARMLESS_COOKIES)


def _key(request, generation):
    address = f"{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"page:{generation}:{chosen_language(request)}:{digest}"


def _storable(request, response):
    match = getattr(request, "resolver_match", None)
    user = getattr(request, "user", None)
    return (
        match is not None
        and match.url_name == PAGE_VIEW
        and response.status_code == 200
        and _shared_address(request)
        and not response.streaming
        and not response.cookies
        # A page that used a CSRF token (a form) is never shared: Django sets
        # this when the token is read (``get_token``).
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and (user is None or not user.is_authenticated)
        and not response.has_header("Set-Cookie")
        # A file handed to nginx (a public booklet): nginx checks nothing of
        # it again, and a generation-long copy of the hand-over has no use.
        and not response.has_header("X-Accel-Redirect")
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


def _session_cache_keys(request):
    """The shared cache's key of the session the request names, which
    AuthenticationMiddleware will read (``cached_db``): read along with the
    content generation, in one round trip. None for anything that cannot be
    a session key."""
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    if (
        settings.SESSION_ENGINE != CACHED_DB
        or settings.SESSION_CACHE_ALIAS != DEFAULT_CACHE_ALIAS
        or not (8 <= len(key) <= 40 and key.isascii() and key.isalnum())
    ):
        return []
    return [cached_db.KEY_PREFIX + key]


# Never stored, and answered without asking the cache anything: the health
# check must answer within its own short probes while Redis hangs.
UNCACHED_PATHS = ("/salud/",)


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path in UNCACHED_PATHS:
            return self.get_response(request)
        with content.request_scope(_session_cache_keys(request)) as generation:
            if generation is None or not _eligible(request):
                # The cache is down, or the page may differ for this person.
                return self.get_response(request)
            return self._from_cache(request, generation)

    def _from_cache(self, request, generation):
        key = _key(request, generation)
        stored = cache.get(key)
        if stored is not None:
            status, headers, body = stored
            response = HttpResponse(body, status=status)
            for name, value in headers:
                response[name] = value
            response[HEADER] = "hit"
            return response
        response = self.get_response(request)
        if _storable(request, response):
            headers = [(n, v) for n, v in response.items() if n != HEADER]
            cache.set(
                key, (response.status_code, headers, response.content), content.TIMEOUT
            )
            response[HEADER] = "miss"
        return response
