"""How a cell of a permission matrix is asked and judged
(``test_permission_matrix.py``, ``test_admin_matrix.py``).

Answers:

    OK  allowed: 200 showing the target's data; for a change (POST), it is made
    EM  200, but without the target's data (a list filtered to the viewer's own)
    NO  refused: 403, 404, the admin's redirect to its home page, or 400 from
        the admin's API (a parent page out of reach "does not exist")
    IN  sent to sign in: a redirect to /cuenta/entrar/ or /admin/login/; Wagtail
        also answers so to a signed-in person who may not read a private file or
        enter the admin at all
    UN  answered with an error message and changed nothing (a guessed id sent
        through one's own council's address, a delete stopped by a hook)

Every refused cell also checks that the data is not in the response, that a
change was not made and that nothing was written to the access log.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.test import Client
from django.urls import reverse

from members.models import AccessLog

OK, EM, NO, IN, UN = "OK", "EM", "NO", "IN", "UN"

SESSION_COOKIE = settings.SESSION_COOKIE_NAME
SIGN_IN_PAGES = {reverse("members:login"), reverse("wagtailadmin_login")}
ADMIN_HOME = {reverse("wagtailadmin_home"), reverse("wagtailadmin_home").rstrip("/")}


@dataclass(frozen=True)
class Target:
    """``url``, ``marker`` (text only those allowed may see), ``data`` (what is
    posted) and ``state`` (what a POST changes, read from the database) are
    functions of the world built in ``people.build_world``; ``follow``: the
    answer is where the redirects lead. ``reason``, when given, is the scope
    the person first writes why for (by POST, as the form does), in a session
    of this cell only; ``fresh`` gives such a session without it (a reason kept
    in the shared sessions would reach other cells)."""

    url: Callable[[Any], str]
    marker: Callable[[Any], str] | None = None
    method: str = "get"
    data: Callable[[Any], dict] | None = None
    state: Callable[[Any], Any] | None = None
    follow: bool = False
    reason: Callable[[Any], str] | None = None
    fresh: bool = False


def body_of(response):
    if getattr(response, "streaming", False):
        # Reading to the end closes the response the way Django's test client
        # does, without closing the database connection: calling close() again
        # would, and on PostgreSQL the world's transaction would go with it.
        return b"".join(response.streaming_content)
    return response.content


# What a person above a council writes to see its people by name.
REASON = "Seguimiento del plan estatal de formación"


def client_of(world, person, target=None):
    """A client signed in with the person's session, and no other cookie; for a
    target with a reason, a session of its own in which the reason was given."""
    client = Client()
    if person not in world.sessions:
        return client
    if target is not None and (target.reason or target.fresh):
        client.force_login(world.people[person])
    else:
        client.cookies[SESSION_COOKIE] = world.sessions[person]
    if target is not None and target.reason:
        client.post(
            reverse("councils_admin:names_reason"),
            {"alcance": target.reason(world), "motivo": REASON, "next": "/admin/"},
        )
    return client


def ask(world, target, person, outcome):
    """Sends the target's request as ``person`` and checks the answer is
    ``outcome``; returns the response."""
    client = client_of(world, person, target)
    before = target.state(world) if target.state else None
    logged = AccessLog.objects.count()

    send = getattr(client, target.method)
    data = target.data(world) if target.data else {}
    response = send(target.url(world), data, follow=target.follow)

    status = response.status_code
    where = urlsplit(response.get("Location", "")).path
    if target.follow and response.redirect_chain:
        # Followed to its end; sent on to the admin's home or to sign in is
        # judged as that redirect.
        last = urlsplit(response.redirect_chain[-1][0]).path
        if last in ADMIN_HOME | SIGN_IN_PAGES:
            status, where = 302, last
    answer = f"{status} {where}".strip()
    marker = target.marker(world) if target.marker else None
    shown = marker is not None and marker.encode() in body_of(response)
    changed = target.state is not None and target.state(world) != before

    if outcome == OK:
        if target.state:
            assert status < 400 and changed, f"not done: {answer}"
        else:
            assert status == 200, answer
            assert marker is None or shown, f"{marker!r} not shown"
        return response
    if outcome == EM:
        assert status == 200, answer
        assert not shown, f"{marker!r} shown"
        return response

    assert not shown, f"{marker!r} shown with {answer}"
    assert not changed, f"changed with {answer}"
    assert AccessLog.objects.count() == logged, "an access was logged"
    if outcome == NO:
        assert status in (400, 403, 404) or (status == 302 and where in ADMIN_HOME), (
            answer
        )
    elif outcome == IN:
        assert status == 302 and where in SIGN_IN_PAGES, answer
    else:
        assert outcome == UN
        assert status < 500, answer
    return response
