"""A visitor taps "Quiero unirme" before having an account: the intent goes
with her through registering (or signing in, or the one-time code of a person
registered on paper) and she comes back to the council's join confirmation,
where one tap sends the request. Nothing is sent on the way: only that tap."""

import re
from urllib.parse import quote

import pytest
from django.test import Client

from councils.factories import assign, make_council, make_person
from councils.models import Membership, MembershipStatus
from tests.conftest import PASSWORD
from tests.councils.helpers import admin_url, signed_in, spanish, text_of
from tests.members.test_registration import form_data

pytestmark = pytest.mark.django_db

REGISTER = "/cuenta/registro/"
SIGN_IN = "/cuenta/entrar/"
CODE_SIGN_IN = "/cuenta/codigo/"
FIRST_PASSWORD = "/cuenta/codigo/contrasena/"


@pytest.fixture
def council(db):
    return make_council("Consejo Santa Cecilia", municipality_name="Guadalajara")


@pytest.fixture
def leader(council):
    person = make_person("ana.lider", password=PASSWORD, first_name="Ana")
    assign(person, "coordinador-de-consejo", council=council)
    return person


def join_url(council):
    return council.url + "unirme/"


def links_of(response):
    return re.findall(r'href="([^"]+)"', response.content.decode())


def test_the_visitors_button_opens_the_join_page_which_offers_an_account(
    client, council
):
    page = client.get(council.url)
    assert join_url(council) in links_of(page)

    response = client.get(join_url(council))

    assert response.status_code == 200
    links = links_of(response)
    carried = "?next=" + quote(join_url(council), safe="")
    assert REGISTER + carried in links
    assert SIGN_IN + carried in links
    assert CODE_SIGN_IN + carried in links
    assert spanish("Create my account") in text_of(response)
    assert not Membership.objects.exists()


def test_registering_from_the_join_page_comes_back_to_send_the_request(
    client, council, leader
):
    next_query = "?next=" + quote(join_url(council), safe="")
    form = client.get(REGISTER + next_query)
    assert f'name="next" value="{join_url(council)}"' in form.content.decode()

    response = client.post(REGISTER + next_query, form_data(next=join_url(council)))

    # She lands on the confirmation, signed in; nothing was sent on her behalf.
    assert response.status_code == 302
    assert response["Location"] == join_url(council)
    assert not Membership.objects.exists()
    confirmation = client.get(join_url(council))
    assert confirmation.status_code == 200
    assert f'action="{join_url(council)}"' in confirmation.content.decode()
    assert spanish("Send my request to join") in text_of(confirmation)

    sent = client.post(join_url(council))

    assert sent["Location"] == council.url
    membership = Membership.objects.get()
    assert membership.user.username == "lucia"
    assert membership.council == council
    assert membership.status == MembershipStatus.PENDING
    assert spanish("Your request to join is waiting for the leaders' answer.") in (
        text_of(client.get(council.url))
    )
    # The leader sees it among the council's requests.
    detail = signed_in(leader).get(admin_url("council", council.pk))
    assert (
        admin_url("membership_decide", council.pk, membership.pk)
        in detail.content.decode()
    )


def test_the_sign_in_page_carries_the_intent_to_registering_and_to_the_code(
    client, council
):
    response = client.get(SIGN_IN + "?next=" + quote(join_url(council), safe=""))

    links = links_of(response)
    carried = "?next=" + quote(join_url(council), safe="")
    assert REGISTER + carried in links
    assert CODE_SIGN_IN + carried in links


def test_the_registration_page_carries_the_intent_back_to_signing_in(client, council):
    response = client.get(REGISTER + "?next=" + quote(join_url(council), safe=""))

    assert SIGN_IN + "?next=" + quote(join_url(council), safe="") in links_of(response)


@pytest.mark.parametrize(
    "target", ["https://elsewhere.example/consejos/", "//elsewhere.example/"]
)
def test_an_intent_to_another_site_is_dropped_on_every_step(client, council, target):
    carried = "?next=" + quote(target, safe="")

    for address in (SIGN_IN, REGISTER, CODE_SIGN_IN):
        page = client.get(address + carried)
        assert not [
            link
            for link in links_of(page)
            if "elsewhere" in link and link.startswith("/cuenta/")
        ]
        assert not re.search(
            r'name="next" value="[^"]*elsewhere', page.content.decode()
        )
    response = client.post(REGISTER + carried, form_data(next=target))

    assert response["Location"] == "/mi-formacion/"


def test_a_person_registered_on_paper_comes_back_through_the_code(council, leader):
    other = make_council(
        "Consejo Oblatos", municipality_code="120", municipality_name="Zapopan"
    )
    codes = signed_in(leader).post(
        admin_url("member_register", council.pk),
        {
            "first_name": "María",
            "last_name": "López",
            "phone": "",
            "email": "",
            "paper_consent": "on",
        },
    )
    ((username, code),) = re.findall(
        r"<code>([^<]+)</code></td><td><code>([A-Z0-9]{4}-[A-Z0-9]{4})</code>",
        codes.content.decode(),
    )
    client = Client()
    carried = "?next=" + quote(join_url(other), safe="")
    form = client.get(CODE_SIGN_IN + carried)
    assert f'name="next" value="{join_url(other)}"' in form.content.decode()

    response = client.post(
        CODE_SIGN_IN + carried,
        {"username": username, "code": code, "next": join_url(other)},
    )

    assert response["Location"] == FIRST_PASSWORD + carried
    password = "otra-contraseña-segura-456"
    response = client.post(
        FIRST_PASSWORD + carried,
        {
            "new_password1": password,
            "new_password2": password,
            "next": join_url(other),
        },
    )
    assert response["Location"] == join_url(other)
    assert not Membership.objects.filter(council=other).exists()
    confirmation = client.get(join_url(other))
    # She belongs to the first council: the page says what accepting means.
    assert "Consejo Santa Cecilia" in text_of(confirmation)

    client.post(join_url(other))

    assert Membership.objects.pending().filter(council=other).count() == 1


def test_a_member_already_waiting_or_belonging_is_sent_to_the_council_page(council):
    waiting = make_person("lucia")
    Membership.objects.create(user=waiting, council=council)

    response = signed_in(waiting).get(join_url(council))

    assert response["Location"] == council.url
    assert Membership.objects.count() == 1
