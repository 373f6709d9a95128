"""Error pages of the whole site."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse
from django.template import loader
from django.views import defaults

# Seconds a browser or load balancer is told to wait before trying again.
RETRY_AFTER = 30


def database_unavailable():
    """The 503 page, rendered without a request context: it must not need the
    database (no menu, no user, no site settings)."""
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    return response


def server_error(request, *args, **kwargs):
    """handler500: the database unreachable is a 503 with a Spanish page (the
    request changed nothing: each write is one transaction, rolled back);
    anything else is the 500 page (templates/500.html, which needs no database).

    Django calls this while handling the exception, from a view or from a
    middleware alike (request.user, sessions), so ``sys.exc_info()`` names it.
    """
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        return database_unavailable()
    return defaults.server_error(request, *args, **kwargs)


def not_found(request):
    """A 404 where a library answers something nobody should reach."""
    raise Http404
