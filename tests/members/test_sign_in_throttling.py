"""Sign-in throttling behind the HTTPS proxy (issue 19, items 7 and 8): each
client is told apart by the address the proxy saw, an attacker who knows a
username cannot lock its owner out, a lock is not extended by attempts made
during it, one address cannot try many accounts, and the case of a username
gives no extra guesses."""

import html
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import F
from django.test import Client, RequestFactory, override_settings
from django.utils.translation import ngettext

from councils.factories import make_person
from members.services import sign_in_code_create
from members.throttling import client_address
from tests.conftest import PASSWORD
from tests.councils.helpers import spanish

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("behind_the_proxy")]

LOGIN = "/cuenta/entrar/"
CODE_LOGIN = "/cuenta/codigo/"
LIMIT = 5
PROXY = "10.0.0.1"
REAL_USER = "198.51.100.7"
ATTACKER = "203.0.113.66"


@pytest.fixture
def behind_the_proxy():
    """AXES_PROXY_COUNT=1: one HTTPS proxy, which appends the address it was
    reached from to X-Forwarded-For and connects to the site from PROXY."""
    with override_settings(PROXY_COUNT=1):
        yield


def from_address(address, forged=None):
    """A browser at ``address``, seen through the proxy; ``forged`` is what the
    browser itself put in X-Forwarded-For, which the proxy keeps in front."""
    header = f"{forged}, {address}" if forged else address
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=header)


@pytest.fixture
def lucia(make_user):
    return make_user("lucia", first_name="Lucía")


def sign_in(client, username="lucia", password=PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def fail(client, username="lucia", times=LIMIT):
    return [sign_in(client, username, "no-es-esta") for _n in range(times)]


def minutes_pass(minutes):
    """The failures recorded so far happened ``minutes`` earlier."""
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - timedelta(minutes=minutes)
    )


def test_an_attacker_behind_the_same_proxy_does_not_lock_the_real_user_out(lucia):
    attacker = from_address(ATTACKER)

    fail(attacker, times=LIMIT * 2)

    assert sign_in(attacker).status_code == 429
    assert sign_in(from_address(REAL_USER)).status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


def test_what_the_browser_writes_in_x_forwarded_for_is_ignored(lucia):
    """Forging the real user's address in front does not make the attacker's
    failures theirs, and changing it does not give the attacker a fresh count."""
    fail(from_address(ATTACKER, forged=REAL_USER), times=LIMIT - 1)
    last = sign_in(from_address(ATTACKER, forged="192.0.2.1"), password="no-es-esta")

    assert last.status_code == 429
    assert sign_in(from_address(ATTACKER, forged="192.0.2.2")).status_code == 429
    assert sign_in(from_address(REAL_USER)).status_code == 302


def test_attempts_during_a_lock_do_not_extend_it(lucia):
    client = from_address(REAL_USER)
    fail(client)
    minutes_pass(10)

    during = fail(client, times=3) + [sign_in(client)]
    minutes_pass(6)  # 16 minutes after the fifth failure, 6 after the last try

    assert {response.status_code for response in during} == {429}
    assert spanish("Too many attempts") in during[-1].content.decode()
    assert sign_in(client).status_code == 302


def test_failures_further_apart_than_the_cool_off_do_not_add_up(lucia):
    client = from_address(REAL_USER)
    fail(client, times=LIMIT - 1)
    minutes_pass(16)

    fail(client, times=LIMIT - 1)

    assert sign_in(client).status_code == 302


def test_one_address_trying_many_accounts_is_stopped_for_every_account(make_user):
    """Under the ceiling no account is locked; at it, even a right password from
    that address waits, while the same account signs in from elsewhere."""
    rosa = make_user("rosa")
    attacker = from_address(ATTACKER)
    ceiling = settings.SIGN_IN_ADDRESS_FAILURE_LIMIT
    # Four tries at each of many accounts: none of them is ever locked.
    responses = [
        sign_in(attacker, f"persona{n // (LIMIT - 1)}", "no-es-esta")
        for n in range(ceiling)
    ]
    assert {response.status_code for response in responses} == {200}

    refused = sign_in(attacker, rosa.username)

    assert refused.status_code == 429
    assert spanish("Too many attempts") in refused.content.decode()
    assert sign_in(from_address(REAL_USER), rosa.username).status_code == 302


ACCOUNT_LOCKED = (
    "This account could not be signed in too many times in a row from this "
    "connection. Wait %(minutes)s minute and try again.",
    "This account could not be signed in too many times in a row from this "
    "connection. Wait %(minutes)s minutes and try again.",
)
ADDRESS_LOCKED = (
    "Too many sign-ins failed from this connection, for one account or another, "
    "so for now no account can sign in from it. Try again in at most "
    "%(minutes)s minute.",
    "Too many sign-ins failed from this connection, for one account or another, "
    "so for now no account can sign in from it. Try again in at most "
    "%(minutes)s minutes.",
)


def spanish_minutes(texts, minutes=15):
    text = ngettext(*texts, minutes)
    assert text not in texts, f"No Spanish translation for {texts[1]!r}"
    return text % {"minutes": minutes}


def lockout_text(response):
    assert response.status_code == 429
    return html.unescape(response.content.decode())


def test_the_lockout_page_says_which_limit_was_reached(make_user):
    """An account that never failed, refused because its address tried many
    accounts, is not told that it failed; an account that failed five times
    is told so."""
    make_user("rosa")
    attacker = from_address(ATTACKER)
    for n in range(settings.SIGN_IN_ADDRESS_FAILURE_LIMIT):
        sign_in(attacker, f"persona{n // (LIMIT - 1)}", "no-es-esta")
    by_address = lockout_text(sign_in(attacker, "rosa"))
    fail(from_address(REAL_USER))
    by_account = lockout_text(sign_in(from_address(REAL_USER)))

    assert spanish_minutes(ADDRESS_LOCKED) in by_address
    assert spanish_minutes(ACCOUNT_LOCKED) not in by_address
    assert spanish_minutes(ACCOUNT_LOCKED) in by_account
    assert spanish_minutes(ADDRESS_LOCKED) not in by_account


def test_a_success_from_the_address_does_not_lift_its_ceiling(make_user):
    """Signing in to one's own account resets that account's count only."""
    make_user("propia")
    attacker = from_address(ATTACKER)
    for n in range(settings.SIGN_IN_ADDRESS_FAILURE_LIMIT - 1):
        sign_in(attacker, f"persona{n // (LIMIT - 1)}", "no-es-esta")

    assert sign_in(from_address(ATTACKER), "propia").status_code == 302
    assert sign_in(attacker, "otra", "no-es-esta").status_code == 200
    assert sign_in(attacker, "propia").status_code == 429


def test_the_case_of_a_username_gives_no_more_guesses_at_a_one_time_code(db):
    leader = make_person("coordinadora")
    person = make_person("nueva")
    code = sign_in_code_create(user=person, created_by=leader)
    client = from_address(REAL_USER)
    for variant in ("nueva", "Nueva", "NUEVA", "nUeva", " nuevA "):
        client.post(CODE_LOGIN, {"username": variant, "code": "AAAA-BBBB"})

    response = client.post(CODE_LOGIN, {"username": "NuEvA", "code": code})

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"nueva"}


def test_the_case_of_a_username_is_one_count_at_the_password_form_too(lucia):
    client = from_address(REAL_USER)
    for variant in ("lucia", "Lucia", "LUCIA", "lUcia"):
        sign_in(client, variant, "no-es-esta")

    assert sign_in(client, "LUCIA", "no-es-esta").status_code == 429
    assert sign_in(client).status_code == 429


@pytest.mark.parametrize(
    "proxies, forwarded_for, connection, client",
    [
        # No proxy: the connection's address, whatever the header says.
        (0, "198.51.100.7", "203.0.113.66", "203.0.113.66"),
        # One proxy: what it appended, the last entry.
        (1, "198.51.100.7", PROXY, "198.51.100.7"),
        (1, "192.0.2.1, 198.51.100.7", PROXY, "198.51.100.7"),
        (1, "not-an-address, 198.51.100.7", PROXY, "198.51.100.7"),
        # A client on a private network, behind a proxy with a public address.
        (1, "10.1.2.3", "81.2.69.160", "10.1.2.3"),
        # Two proxies (e.g. a CDN, then ours): the entry the first one appended.
        (2, "192.0.2.1, 198.51.100.7, 81.2.69.160", PROXY, "198.51.100.7"),
        # A request that did not come through the proxy.
        (1, None, "198.51.100.9", "198.51.100.9"),
    ],
)
def test_the_client_address(proxies, forwarded_for, connection, client):
    headers = {"REMOTE_ADDR": connection}
    if forwarded_for:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    with override_settings(PROXY_COUNT=proxies):
        assert client_address(RequestFactory().post(LOGIN, **headers)) == client
