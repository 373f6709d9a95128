"""A leader registering someone without internet records the paper consent
to notices by SMS, and can have the one-time sign-in code sent by SMS to the
person's phone (the real receiver): signing in with it verifies the phone.
Only for a member of her own council."""

import re
from urllib.parse import unquote

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client

from councils.factories import assign, make_council, make_person
from members.models import SignInCode, User
from notifications.channels import phone_e164
from notifications.models import ChannelPreference, Notice, Status
from tests.conftest import PASSWORD
from tests.councils.helpers import admin_url, messages_of, signed_in, spanish, text_of
from tests.notifications import conftest as notices

# The real SMS receiver and the fixed clock of the notices' tests.
receiver, sms, clock = notices.receiver, notices.sms, notices.clock

pytestmark = pytest.mark.django_db

CODE = re.compile(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b")


@pytest.fixture
def council_a(db):
    return make_council("Consejo Santa Cecilia", municipality_name="Guadalajara")


@pytest.fixture
def council_b(db):
    return make_council(
        "Consejo Oblatos", municipality_code="120", municipality_name="Zapopan"
    )


@pytest.fixture
def leader_a(council_a):
    leader = make_person("ana.lider", password=PASSWORD, first_name="Ana")
    assign(leader, "coordinador-de-consejo", council=council_a)
    return leader


@pytest.fixture
def leader_b(council_b):
    leader = make_person("beto.lider", password=PASSWORD, first_name="Beto")
    assign(leader, "coordinador-de-consejo", council=council_b)
    return leader


def register(client, council, **fields):
    data = {
        "first_name": "María",
        "last_name": "López",
        "phone": "33 1234 5678",
        "email": "",
        "consent_voluntary": ["avisos"],
        "paper_consent": "on",
        **fields,
    }
    return client.post(admin_url("member_register", council.pk), data)


def send_by_sms(client, council, person, capture):
    membership = person.memberships.get()
    with capture(execute=True):
        return client.post(admin_url("sign_in_code_sms", council.pk, membership.pk))


def sign_in(username, code):
    client = Client()
    response = client.post("/cuenta/codigo/", {"username": username, "code": code})
    return client, response


def verified(person):
    person.refresh_from_db()
    preference = ChannelPreference.objects.filter(user=person).first()
    return bool(preference and preference.verifies(phone_e164(person.phone)))


def test_the_paper_form_names_notices_by_sms_in_plain_words(council_a, leader_a):
    page = text_of(signed_in(leader_a).get(admin_url("member_register", council_a.pk)))

    assert (
        spanish(
            "Notices: receive text messages (SMS) on their phone, or e-mails, about "
            "meetings, courses and activities of the council"
        )
        in page
    )
    assert "Avisos: recibir mensajes de texto (SMS) en su teléfono" in page


def test_notices_accepted_without_a_phone_or_e_mail_registers_nobody(
    council_a, leader_a
):
    response = register(signed_in(leader_a), council_a, phone="")

    assert response.status_code == 200
    assert spanish(
        "The person accepted notices: write the phone number where they get text "
        "messages (or their e-mail)."
    ) in text_of(response)
    assert not User.objects.filter(first_name="María").exists()


def test_the_code_sent_by_sms_signs_her_in_and_verifies_her_phone(
    council_a, leader_a, sms, clock, django_capture_on_commit_callbacks
):
    client = signed_in(leader_a)
    page = register(client, council_a)
    assert spanish("Send them their sign-in code by SMS") in text_of(page)
    (shown,) = CODE.findall(page.content.decode())
    person = User.objects.get(first_name="María")

    response = send_by_sms(
        client, council_a, person, django_capture_on_commit_callbacks
    )

    assert response.status_code == 302
    assert "Va en camino un código nuevo por SMS" in messages_of(response)[0]
    (message,) = sms.accepted
    assert [unquote(path) for path in sms.paths] == ["/sms/+523312345678"]
    assert "tu usuario es maria.lopez" in message
    assert "http://testserver/cuenta/codigo/" in message
    (code,) = CODE.findall(message)
    assert code != shown
    notice = Notice.objects.get(user=person, kind="sign_in_code")
    assert notice.status == Status.SENT and code not in notice.text
    assert notice.scope == f"council:{council_a.pk}"
    # The code shown on the page stopped working; the one by SMS works once
    # and proves the phone is hers.
    _client, refused = sign_in("maria.lopez", shown)
    assert refused.status_code == 200 and not verified(person)
    visitor, response = sign_in("maria.lopez", code)
    assert response.status_code == 302
    assert visitor.session[SESSION_KEY] == str(person.pk)
    assert verified(person)


def test_a_code_read_from_the_page_does_not_verify_the_phone(council_a, leader_a):
    page = register(signed_in(leader_a), council_a)
    (shown,) = CODE.findall(page.content.decode())

    _client, response = sign_in("maria.lopez", shown)

    assert response.status_code == 302
    assert not verified(User.objects.get(username="maria.lopez"))


def test_a_phone_changed_after_the_sms_is_not_verified_by_the_code(
    council_a, leader_a, sms, clock, django_capture_on_commit_callbacks
):
    client = signed_in(leader_a)
    register(client, council_a)
    person = User.objects.get(first_name="María")
    send_by_sms(client, council_a, person, django_capture_on_commit_callbacks)
    (code,) = CODE.findall(sms.accepted[0])
    User.objects.filter(pk=person.pk).update(phone="3300000000")

    _client, response = sign_in("maria.lopez", code)

    assert response.status_code == 302 and not verified(person)


def test_not_for_someone_who_already_chose_a_password(
    council_a, leader_a, sms, clock, django_capture_on_commit_callbacks
):
    client = signed_in(leader_a)
    register(client, council_a)
    person = User.objects.get(first_name="María")
    person.set_password("una-contraseña-larga-123")
    person.save()
    codes = SignInCode.objects.count()

    response = send_by_sms(
        client, council_a, person, django_capture_on_commit_callbacks
    )

    assert messages_of(response) == [
        "María López ya eligió su contraseña: el código de acceso es solo para la "
        "primera vez."
    ]
    assert sms.requests == [] and SignInCode.objects.count() == codes


def test_not_without_a_phone(
    council_a, leader_a, sms, clock, django_capture_on_commit_callbacks
):
    client = signed_in(leader_a)
    register(client, council_a, phone="", email="maria@example.org")
    person = User.objects.get(first_name="María")

    response = send_by_sms(
        client, council_a, person, django_capture_on_commit_callbacks
    )

    assert messages_of(response) == [
        "María López no tiene un número de teléfono válido: anótalo primero."
    ]
    assert sms.requests == []


def test_another_council_s_member_is_not_found(
    council_a,
    council_b,
    leader_a,
    leader_b,
    sms,
    clock,
    django_capture_on_commit_callbacks,
):
    register(signed_in(leader_b), council_b)
    theirs = User.objects.get(first_name="María")
    membership = theirs.memberships.get()
    client = signed_in(leader_a)

    # Her own council's address with the other council's member: not found.
    with django_capture_on_commit_callbacks(execute=True):
        mine = client.post(admin_url("sign_in_code_sms", council_a.pk, membership.pk))
        # The other council's address: not hers to lead.
        other = client.post(admin_url("sign_in_code_sms", council_b.pk, membership.pk))

    assert mine.status_code == 404
    assert other.status_code in (302, 403)
    assert sms.requests == [] and not Notice.objects.exists()


def test_a_get_sends_nothing(
    council_a, leader_a, sms, clock, django_capture_on_commit_callbacks
):
    client = signed_in(leader_a)
    register(client, council_a)
    membership = User.objects.get(first_name="María").memberships.get()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(
            admin_url("sign_in_code_sms", council_a.pk, membership.pk)
        )

    assert response.status_code == 405 and sms.requests == []


def test_at_most_three_an_hour_to_the_same_person(
    council_a, leader_a, sms, clock, django_capture_on_commit_callbacks
):
    client = signed_in(leader_a)
    register(client, council_a)
    person = User.objects.get(first_name="María")
    for _time in range(3):
        send_by_sms(client, council_a, person, django_capture_on_commit_callbacks)
    codes = SignInCode.objects.filter(user=person).count()

    capture = django_capture_on_commit_callbacks
    response = send_by_sms(client, council_a, person, capture)

    assert messages_of(response)[-1] == (
        "Ya se enviaron 3 códigos por SMS a María López en la última hora: espera "
        "un rato antes de enviar otro."
    )
    assert len(sms.accepted) == 3
    assert SignInCode.objects.filter(user=person).count() == codes


def test_at_most_three_an_hour_to_one_number_whoever_they_are_for(
    council_a, leader_a, sms, clock, django_capture_on_commit_callbacks
):
    """Four people registered with one number written four ways: the
    number gets three codes an hour, not twelve."""
    client = signed_in(leader_a)
    written = ["3398765432", "+52 3398765432", "33 9876 5432", "+523398765432"]
    for number, phone in enumerate(written):
        register(client, council_a, first_name=f"Persona{number}", phone=phone)
    people = User.objects.filter(first_name__startswith="Persona").order_by("pk")
    assert len(people) == 4

    answers = [
        send_by_sms(client, council_a, person, django_capture_on_commit_callbacks)
        for person in people
    ]

    assert len(sms.accepted) == 3
    assert {unquote(path) for path in sms.paths} == {"/sms/+523398765432"}
    assert any(
        "Ese número recibió 3 códigos en la última hora" in message
        for message in messages_of(answers[-1])
    )
