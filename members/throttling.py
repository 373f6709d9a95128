"""How sign-in attempts are counted (django-axes reads these through its
settings): who is asking, under which name, and when they must wait.

Failures are counted per account and address, so that someone who knows a
username cannot lock its owner out from elsewhere; one address also has a
ceiling for all accounts together, so that it cannot try many accounts."""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.db.models import Sum
from ipware.ip import get_client_ip


def client_address(request):
    """The address of whoever sent ``request`` (``AXES_CLIENT_IP_CALLABLE``).

    Behind ``PROXY_COUNT`` proxies of ours it is the entry of X-Forwarded-For
    that the first of them wrote: each proxy appends the address it was reached
    from, so what stands further left was written by the client, and is
    ignored. django-ipware counts only the proxies named in that header, which
    the last one (the connection's own address) is not: one fewer. Not strict,
    so that whatever the client put in front is skipped instead of making the
    whole header void (which would put everyone on the proxy's address). Only
    that header is given to it: with the connection's address as a second
    choice it would prefer a public proxy's address to a client's private one.
    Without the header (a request that did not come through the proxy), the
    connection's address."""
    proxies = settings.PROXY_COUNT
    if proxies:
        address, _routable = get_client_ip(
            request,
            proxy_count=proxies - 1,
            request_header_order=["HTTP_X_FORWARDED_FOR"],
            strict=False,
        )
        if address:
            return address
    return request.META.get("REMOTE_ADDR")


def attempt_username(request, credentials=None):
    """The username an attempt is counted under (``AXES_USERNAME_CALLABLE``):
    the one-time codes find the account whatever the case of its name, so
    "Ana" and "ANA" are one account with one count."""
    field = get_user_model().USERNAME_FIELD
    username = credentials.get(field) if credentials else request.POST.get(field)
    return username.strip().casefold() if isinstance(username, str) else username


class SignInAttemptsHandler(AxesDatabaseHandler):
    """django-axes' database handler (``AXES_HANDLER``) with a second limit:
    besides an account from an address (AXES_FAILURE_LIMIT), an address for
    every account together (SIGN_IN_ADDRESS_FAILURE_LIMIT), over the same
    cool-off. A success resets only its own account's count there."""

    def address_failures(self, request):
        return (
            AccessAttempt.objects.filter(
                ip_address=request.axes_ip_address,
                attempt_time__gte=get_cool_off_threshold(request),
            ).aggregate(total=Sum("failures_since_start"))["total"]
            or 0
        )

    def address_locked(self, request):
        """Whether the address waits for every account, not one account."""
        return self.address_failures(request) >= settings.SIGN_IN_ADDRESS_FAILURE_LIMIT

    def is_locked(self, request, credentials=None):
        return super().is_locked(request, credentials) or self.address_locked(request)


def address_locked(request):
    """Whether ``request`` is refused because its address reached the ceiling
    of failures for all accounts together (the lockout page says which)."""
    AxesProxyHandler.update_request(request)
    return SignInAttemptsHandler().address_locked(request)


def guessing_locked(request, name):
    """Whether ``request``'s address may not try another secret key of the
    kind ``name`` (e.g. a stop link's): it failed ``AXES_FAILURE_LIMIT`` times
    within the cool-off, or its address reached the ceiling for everything
    together. The same counts as sign-ins (django-axes), ``name`` standing for
    the username: one that no account can have (it holds a space)."""
    AxesProxyHandler.update_request(request)
    field = get_user_model().USERNAME_FIELD
    return SignInAttemptsHandler().is_locked(request, {field: name})


def guess_failed(request, name):
    """Count a wrong key of the kind ``name`` from ``request``'s address. The
    caller answers the request itself (not the sign-in lockout page)."""
    field = get_user_model().USERNAME_FIELD
    user_login_failed.send(sender=__name__, credentials={field: name}, request=request)
    request.axes_locked_out = False
