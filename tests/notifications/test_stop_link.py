"""The stop link every notice carries (issue #22's review): "Baja:
<site>/baja/<key>" at the end of each text, a page that asks first (a link
preview must stop nobody's notices) and stops them on its button, with no
sign-in, for members registered on paper without a password."""

import re

import pytest
from django.core import mail
from django.test import Client

from members.models import ConsentMethod, ConsentRecord, Purpose
from notifications.models import ChannelPreference, Notice, Status
from notifications.services import consented, notify
from notifications.stop import ALPHABET, KEY_LENGTH
from tests.councils.helpers import spanish, text_of

from .conftest import consent, phone_person, stop_line

pytestmark = pytest.mark.django_db

QUESTION = "¿Dejar de recibir avisos de COCOCI Formación?"


def told(person, key, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notice = notify("prueba", person, key, "Hola, Lupe.")
    notice.refresh_from_db()
    return notice


def stop_url(person):
    return f"/baja/{ChannelPreference.objects.get(user=person).stop_key}"


@pytest.fixture
def lupe(sms, clock, django_capture_on_commit_callbacks):
    """A member registered on paper: a verified phone, no password, no
    e-mail; she was sent one text."""
    person = phone_person()
    assert not person.has_usable_password()
    told(person, "prueba:1", django_capture_on_commit_callbacks)
    return person


def test_each_text_ends_with_her_own_short_stop_link(lupe, sms):
    (text,) = sms.accepted
    key = ChannelPreference.objects.get(user=lupe).stop_key

    assert text == f"Hola, Lupe. Baja: http://testserver/baja/{key}"
    assert len(key) == KEY_LENGTH and set(key) <= set(ALPHABET)
    # The notice as leaders and the admin read it holds no key.
    assert key not in Notice.objects.get(user=lupe).text


def test_the_key_is_made_once_and_differs_between_people(
    lupe, sms, django_capture_on_commit_callbacks
):
    other = phone_person("rosa")
    told(lupe, "prueba:2", django_capture_on_commit_callbacks)
    told(other, "prueba:1", django_capture_on_commit_callbacks)

    assert sms.accepted[0] == sms.accepted[1]  # the same key, kept
    assert stop_line(lupe) != stop_line(other)
    assert sms.accepted[1].endswith(stop_line(lupe))
    assert sms.accepted[2].endswith(stop_line(other))


def test_opening_the_link_stops_nothing(lupe, client):
    response = client.get(stop_url(lupe))

    assert response.status_code == 200
    page = text_of(response)
    assert QUESTION in page
    assert re.search(rb'<form method="post">', response.content)
    assert b'name="csrfmiddlewaretoken"' in response.content
    assert consented(lupe)
    assert response["Cache-Control"].startswith("max-age=0")
    assert response["Referrer-Policy"] == "no-referrer"
    assert b'<meta name="robots" content="noindex">' in response.content


def test_the_button_stops_her_notices_without_signing_in(
    lupe, sms, django_capture_on_commit_callbacks
):
    browser = Client(enforce_csrf_checks=True)
    url = stop_url(lupe)
    page = browser.get(url)
    token = re.search(
        rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content
    ).group(1)

    response = browser.post(url, {"csrfmiddlewaretoken": token.decode()})

    assert response.status_code == 200
    page = text_of(response)
    assert "Ya no recibes avisos de COCOCI Formación" in page
    assert spanish("Sign in to change it") in page
    assert 'href="/cuenta/mis-datos/"' in response.content.decode()
    assert not consented(lupe)
    record = ConsentRecord.objects.filter(user=lupe).order_by("pk").last()
    assert record.purpose == Purpose.NOTICES and not record.granted
    assert record.method == ConsentMethod.STOP_LINK
    assert not browser.session.get("_auth_user_id")  # nobody signed in

    # The next notice is not sent.
    notice = told(lupe, "prueba:2", django_capture_on_commit_callbacks)
    assert notice.status == Status.SKIPPED
    assert len(sms.accepted) == 1

    # Used, the link stops working: pressed again (a double click, or whoever
    # saw her text, once she turned notices back on) it finds nobody.
    again = browser.post(url, {"csrfmiddlewaretoken": token.decode()})
    assert again.status_code == 404
    assert ConsentRecord.objects.filter(user=lupe, granted=False).count() == 1
    consent(lupe)
    told(lupe, "prueba:3", django_capture_on_commit_callbacks)
    assert url not in sms.accepted[-1] and "/baja/" in sms.accepted[-1]


def test_the_button_needs_its_csrf_token(lupe):
    browser = Client(enforce_csrf_checks=True)
    browser.get(stop_url(lupe))

    assert browser.post(stop_url(lupe)).status_code == 403
    assert consented(lupe)


def test_a_key_is_read_in_lower_case_and_with_a_slash(lupe, client):
    url = stop_url(lupe)

    assert client.get(url.lower()).status_code == 200
    assert client.get(url + "/").status_code == 200


@pytest.mark.parametrize("key", ["AAAA2222", "2", "ABCDEFGHJKMN"])
def test_a_wrong_key_is_not_found(lupe, client, key):
    assert client.get(f"/baja/{key}").status_code == 404
    assert client.post(f"/baja/{key}").status_code == 404
    assert consented(lupe)


def test_wrong_keys_from_one_address_are_refused_for_a_while(lupe, settings):
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    for number in range(settings.AXES_FAILURE_LIMIT):
        assert guesser.get(f"/baja/AAAA222{number + 2}").status_code == 404

    # Now even the right key is refused from there, and nothing changes…
    refused = guesser.post(stop_url(lupe))
    assert refused.status_code == 429
    assert "Demasiados intentos" in text_of(refused)
    assert consented(lupe)
    # …while from another address it still works.
    assert Client(REMOTE_ADDR="198.51.100.7").get(stop_url(lupe)).status_code == 200


def test_someone_who_stopped_already_is_told_so(lupe, client):
    consent(lupe, granted=False)

    response = client.get(stop_url(lupe))

    assert "Ya no recibes avisos de COCOCI Formación" in text_of(response)
    assert QUESTION not in text_of(response)


def test_an_e_mail_ends_with_the_stop_link_too(
    clock, django_capture_on_commit_callbacks
):
    from members.factories import make_person

    person = make_person("eva", email="eva@example.org")
    consent(person)
    with django_capture_on_commit_callbacks(execute=True):
        notify("prueba", person, "prueba:1", "Hola, Eva.", subject="Hola", body="Hola.")

    (message,) = mail.outbox
    key = ChannelPreference.objects.get(user=person).stop_key
    assert message.body.endswith(
        f"Para no recibir avisos: http://testserver/baja/{key}\n"
    )


def test_a_code_carries_no_stop_link(sms, clock, django_capture_on_commit_callbacks):
    person = phone_person()
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            "codigo", person, "codigo:1", "Tu código: 123456", purpose=Purpose.NECESSARY
        )

    assert sms.accepted == ["Tu codigo: 123456"]
    assert ChannelPreference.objects.get(user=person).stop_key is None
