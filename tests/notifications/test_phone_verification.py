"""A member verifies her phone on "Mis datos" with a code sent to it through
the real receiver, chooses her channel, and a code never stays readable."""

import re
from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from members.factories import make_person
from members.services import account_delete
from notifications import services
from notifications.channels import phone_e164
from notifications.models import ChannelPreference, Notice, PhoneCode, Status
from notifications.tasks import send_due_notices
from tests.councils.helpers import spanish, text_of

from .conftest import consent, phone_person

pytestmark = pytest.mark.django_db

MY_DATA = "/cuenta/mis-datos/"
PREFERENCES = "/cuenta/avisos/"
SEND = "/cuenta/avisos/telefono/codigo/"
VERIFY = "/cuenta/avisos/telefono/verificar/"
PHONE = "+523312345678"


def person_with_phone(username="rosa", phone="33 1234 5678", **fields):
    person = make_person(username, first_name="Rosa", phone=phone, **fields)
    consent(person)
    return person


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def told(response):
    """What the page she is sent back to says (the last messages first told
    there; earlier ones were never shown in these tests, which do not follow
    the redirect)."""
    return [str(message) for message in get_messages(response.wsgi_request)][-1:]


def send_code(client, capture):
    with capture(execute=True):
        return client.post(SEND)


def received_code(sms):
    return re.search(r"\b(\d{6})\b", sms.accepted[-1]).group(1)


def verified(person):
    person.refresh_from_db()
    preference = ChannelPreference.objects.filter(user=person).first()
    return bool(preference and preference.verifies(phone_e164(person.phone)))


def verify(client, code, code_id=None):
    code_id = code_id or PhoneCode.objects.latest("created_at", "pk").pk
    return client.post(VERIFY, {"code_id": code_id, "code": code})


def test_the_code_reaches_her_phone_and_typing_it_verifies_it(
    sms, clock, django_capture_on_commit_callbacks
):
    person = person_with_phone()
    client = signed_in(person)
    page = text_of(client.get(MY_DATA))
    assert "Avisos" in page and spanish("Your phone is not verified.") in page

    response = send_code(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"] == MY_DATA + "#avisos"
    (message,) = sms.accepted
    assert [unquote(path) for path in sms.paths] == [f"/sms/{PHONE}"]
    code = received_code(sms)
    assert message.startswith(f"Tu codigo de COCOCI Formacion es {code}.")
    assert "Vale 10 minutos" in message
    assert "termina en 5678" in told(response)[0]
    row = PhoneCode.objects.get(user=person)
    assert code not in row.code_hash and row.phone == PHONE
    # The page now asks for it.
    assert spanish("The 6-digit code you got") in text_of(client.get(MY_DATA))

    response = verify(client, code)

    assert told(response) == [spanish("Thank you: your phone is verified.")]
    assert verified(person)
    assert spanish("Your phone is verified.") in text_of(client.get(MY_DATA))
    # A notice by SMS now reaches her.
    notice = Notice.objects.get(user=person, kind="phone_verification")
    assert notice.status == Status.SENT and code not in notice.text


def test_a_wrong_code_is_refused_and_counted(
    sms, clock, django_capture_on_commit_callbacks
):
    person = person_with_phone()
    client = signed_in(person)
    send_code(client, django_capture_on_commit_callbacks)
    wrong = "000000" if received_code(sms) != "000000" else "111111"

    response = verify(client, wrong)

    assert told(response) == ["Ese código no es correcto. Te quedan 4 intentos."]
    assert not verified(person)
    assert PhoneCode.objects.get(user=person).tries == 1


def test_a_code_that_is_not_six_digits_is_refused_without_a_try(
    sms, clock, django_capture_on_commit_callbacks
):
    person = person_with_phone()
    client = signed_in(person)
    send_code(client, django_capture_on_commit_callbacks)

    response = verify(client, "12ab")

    assert told(response) == [spanish("The code has 6 digits.")]
    assert PhoneCode.objects.get(user=person).tries == 0


def test_an_expired_code_is_refused(sms, clock, django_capture_on_commit_callbacks):
    person = person_with_phone()
    client = signed_in(person)
    send_code(client, django_capture_on_commit_callbacks)
    code = received_code(sms)

    clock.moment += timedelta(minutes=10, seconds=1)
    response = verify(client, code)

    assert told(response) == [spanish("That code has expired: ask for a new one.")]
    assert not verified(person)


def test_after_five_wrong_tries_even_the_right_code_is_refused(
    sms, clock, django_capture_on_commit_callbacks
):
    person = person_with_phone()
    client = signed_in(person)
    send_code(client, django_capture_on_commit_callbacks)
    code = received_code(sms)
    wrong = "000000" if code != "000000" else "111111"
    for _attempt in range(4):
        verify(client, wrong)

    last = verify(client, wrong)
    right = verify(client, code)

    assert told(last) == [
        spanish("That code is not right, and it was the last try: ask for a new code.")
    ]
    assert told(right) == [
        spanish("Too many wrong tries with that code: ask for a new one.")
    ]
    assert not verified(person)
    assert PhoneCode.objects.get(user=person).tries == 5


def test_three_codes_an_hour_then_a_spanish_message(
    sms, clock, django_capture_on_commit_callbacks
):
    person = person_with_phone()
    client = signed_in(person)
    for _request in range(3):
        send_code(client, django_capture_on_commit_callbacks)
        clock.moment += timedelta(minutes=5)

    response = send_code(client, django_capture_on_commit_callbacks)

    assert len(sms.accepted) == 3
    assert told(response) == [
        "Pediste 3 códigos en la última hora: espera un rato y vuelve a pedirlo, "
        "o usa el último que te llegó."
    ]
    assert PhoneCode.objects.filter(user=person).count() == 3
    # Only the last one works.
    first, last = PhoneCode.objects.order_by("pk")[0], PhoneCode.objects.latest("pk")
    expired = verify(client, received_code(sms), first.pk)
    assert told(expired) == [spanish("That code has expired: ask for a new one.")]
    verify(client, received_code(sms), last.pk)
    assert verified(person)
    # An hour after the first, she may ask again.
    clock.moment += timedelta(minutes=46)
    assert (
        "termina en" in told(send_code(client, django_capture_on_commit_callbacks))[0]
    )


def test_three_codes_an_hour_to_one_number_whoever_asks(
    sms, clock, django_capture_on_commit_callbacks
):
    """Several accounts naming the same number cannot flood it."""
    for name in ("uno", "dos", "tres"):
        send_code(
            signed_in(person_with_phone(name)), django_capture_on_commit_callbacks
        )

    response = send_code(
        signed_in(person_with_phone("cuatro")), django_capture_on_commit_callbacks
    )

    assert len(sms.accepted) == 3
    assert told(response) == [
        "Ese número recibió 3 códigos en la última hora: espera un rato y "
        "vuelve a pedirlo."
    ]


@pytest.mark.parametrize(
    "written, e164",
    [
        ("33 1234 5678", "+523312345678"),
        ("(33) 1234-5678", "+523312345678"),
        ("52 33 1234 5678", "+523312345678"),
        ("+52 33 1234 5678", "+523312345678"),
        ("044 33 1234 5678", "+523312345678"),
        ("01 33 1234 5678", "+523312345678"),
        ("+521 33 1234 5678", "+523312345678"),
    ],
)
def test_a_mexican_number_however_written(written, e164):
    assert phone_e164(written) == e164


@pytest.mark.parametrize(
    "phone",
    ["+1 555 123 4567", "+882 1234 5678", "+52 33 1234", "+52 900 123 4567"],
)
def test_no_code_to_a_number_outside_mexico(
    phone, sms, clock, django_capture_on_commit_callbacks
):
    """Nobody can make the site text premium or foreign numbers."""
    response = send_code(
        signed_in(person_with_phone(phone=phone)), django_capture_on_commit_callbacks
    )

    assert "no es válido" in told(response)[0]
    assert sms.requests == [] and not PhoneCode.objects.exists()


@pytest.mark.parametrize("phone", ["", "12-34"])
def test_no_code_without_a_valid_number(
    phone, sms, clock, django_capture_on_commit_callbacks
):
    person = person_with_phone(phone=phone)
    client = signed_in(person)

    response = send_code(client, django_capture_on_commit_callbacks)

    assert told(response) == [
        spanish(
            "Your phone number is missing or not valid: correct it in “Correct my "
            "data” and ask for the code again."
        )
    ]
    assert sms.requests == [] and not PhoneCode.objects.exists()


def test_another_person_s_code_id_verifies_nobody(
    sms, clock, django_capture_on_commit_callbacks
):
    other = person_with_phone("otra", phone="55 1111 2222")
    send_code(signed_in(other), django_capture_on_commit_callbacks)
    her_code = received_code(sms)
    intruder = person_with_phone("intrusa", phone="55 3333 4444")

    response = verify(signed_in(intruder), her_code, PhoneCode.objects.get().pk)

    assert told(response) == [
        spanish("That code is not valid here: ask for a new one.")
    ]
    assert not verified(intruder) and not verified(other)
    assert PhoneCode.objects.get().tries == 0


def test_changing_the_phone_anywhere_unverifies_it(
    sms, clock, django_capture_on_commit_callbacks
):
    person = phone_person("lupe")  # verified for 33 1234 5678
    client = signed_in(person)
    assert verified(person)

    # Her own form.
    client.post(
        "/cuenta/mis-datos/editar/",
        {"first_name": "Lupe", "last_name": "", "phone": "3387654321", "email": ""},
    )
    assert not verified(person)
    assert spanish("Your phone is not verified.") in text_of(client.get(MY_DATA))
    with django_capture_on_commit_callbacks(execute=True):
        notice = services.notify("prueba", person, "1", "Un aviso")
    notice.refresh_from_db()
    assert notice.status == Status.SKIPPED and sms.requests == []

    # Back to the verified number: verified again; then a leader's or an
    # import's change, which writes the row without any form.
    type(person).objects.filter(pk=person.pk).update(phone="33 1234 5678")
    assert verified(person)
    type(person).objects.filter(pk=person.pk).update(phone="3300000000")
    assert not verified(person)


def test_a_code_sent_to_the_old_number_does_not_verify_the_new_one(
    sms, clock, django_capture_on_commit_callbacks
):
    person = person_with_phone()
    client = signed_in(person)
    send_code(client, django_capture_on_commit_callbacks)
    type(person).objects.filter(pk=person.pk).update(phone="3300000000")

    response = verify(client, received_code(sms))

    assert told(response) == [
        spanish("Your phone number changed after the code was sent: ask for a new one.")
    ]
    assert not verified(person)


def test_the_code_goes_by_whatsapp_when_she_chose_it(
    settings, sms, clock, django_capture_on_commit_callbacks
):
    settings.NOTIFY_WHATSAPP_URL = f"json://127.0.0.1:{sms.port}/wa/{{phone}}"
    person = person_with_phone()
    client = signed_in(person)
    client.post(PREFERENCES, {"channel": "whatsapp"})

    send_code(client, django_capture_on_commit_callbacks)

    assert [unquote(path) for path in sms.paths] == [f"/wa/{PHONE}"]
    assert PhoneCode.objects.get().channel == "whatsapp"


# The channel


def test_choosing_sms_without_a_verified_phone_saves_it_and_says_so(clock):
    person = person_with_phone()
    client = signed_in(person)

    response = client.post(PREFERENCES, {"channel": "sms", "telegram_chat": ""})

    assert response.status_code == 302
    assert ChannelPreference.objects.get(user=person).channel == "sms"
    (message,) = told(response)
    assert message.startswith("Guardamos tu elección (SMS), pero no te llegará")
    page = text_of(client.get(MY_DATA))
    assert "Tu canal: SMS ." in page
    assert "Elegiste SMS: primero hay que verificar el teléfono" in page


def test_the_automatic_channel_reads_as_one_sentence(clock):
    person = person_with_phone(email="rosa@example.org")

    page = text_of(signed_in(person).get(MY_DATA))

    assert "Tu canal: automático (correo o, si no hay, SMS)" in page
    assert "automático:" not in page


def test_choosing_sms_with_a_verified_phone_just_saves(clock):
    person = phone_person("lupe")

    response = signed_in(person).post(PREFERENCES, {"channel": "sms"})

    assert told(response) == ["Guardado. Tu canal: SMS."]


@pytest.mark.parametrize(
    "chat", ["123456789", "-1001234567890", "@cococi_santa", "@abcde"]
)
def test_a_telegram_chat_id_is_saved(chat, clock):
    person = person_with_phone()

    signed_in(person).post(PREFERENCES, {"channel": "telegram", "telegram_chat": chat})

    preference = ChannelPreference.objects.get(user=person)
    assert (preference.channel, preference.telegram_chat) == ("telegram", chat)


@pytest.mark.parametrize(
    "chat",
    [
        "1234",
        "12a456",
        "@abcd",
        "@con espacio",
        "@" + "a" * 33,
        "--12345",
        "1" * 21,
        "@rosa!",
        "123 456",
    ],
)
def test_anything_else_is_refused_in_spanish_and_nothing_saved(chat, clock):
    person = person_with_phone()
    client = signed_in(person)
    client.post(PREFERENCES, {"channel": "sms"})

    response = client.post(PREFERENCES, {"channel": "telegram", "telegram_chat": chat})

    assert response.status_code == 400
    page = text_of(response)
    assert "Eso no es un identificador de chat de Telegram" in page
    assert spanish("Nothing was saved: correct what is marked.") in page
    preference = ChannelPreference.objects.get(user=person)
    assert (preference.channel, preference.telegram_chat) == ("sms", "")


def test_telegram_without_a_chat_is_refused(clock):
    person = person_with_phone()

    response = signed_in(person).post(PREFERENCES, {"channel": "telegram"})

    assert response.status_code == 400
    assert spanish(
        "Write your Telegram chat id to get notices by Telegram."
    ) in text_of(response)
    assert not ChannelPreference.objects.filter(user=person).exists()


def test_the_section_says_whether_she_agreed_to_notices(clock):
    agreed = person_with_phone()
    not_agreed = make_person("sin-avisos", phone="3311112222")

    assert spanish("You agreed to receive notices.") in text_of(
        signed_in(agreed).get(MY_DATA)
    )
    page = signed_in(not_agreed).get(MY_DATA).content.decode()
    assert "No has aceptado recibir avisos" in page
    assert 'href="#consentimientos"' in page


def test_the_page_stays_bounded(clock, django_assert_max_num_queries):
    client = signed_in(person_with_phone())
    client.get(MY_DATA)

    with django_assert_max_num_queries(30):
        assert client.get(MY_DATA).status_code == 200


def test_strangers_are_sent_to_sign_in(clock):
    client = Client()
    for url in (PREFERENCES, SEND, VERIFY):
        response = client.post(url, {"channel": "sms"})
        assert response.status_code == 302 and "/cuenta/entrar/" in response["Location"]
    assert not PhoneCode.objects.exists()
    assert not ChannelPreference.objects.exists()


# What is kept of it


def test_her_export_names_her_channel_and_verified_phone(clock):
    person = phone_person("lupe")
    ChannelPreference.objects.filter(user=person).update(channel="sms")

    data = signed_in(person).post("/cuenta/mis-datos/exportar/").json()

    (row,) = data["canal_de_avisos"]
    assert row["canal"] == "sms" and row["telefono_verificado"] == PHONE


def test_her_export_lists_the_codes_sent_to_her_phone_never_the_code(
    sms, clock, django_capture_on_commit_callbacks
):
    person = person_with_phone()
    client = signed_in(person)
    send_code(client, django_capture_on_commit_callbacks)
    (code,) = re.findall(r"\b(\d{6})\b", sms.accepted[-1])
    row = PhoneCode.objects.get(user=person)

    data = client.post("/cuenta/mis-datos/exportar/").json()

    (exported,) = data["codigos_de_telefono"]
    assert exported == {
        "telefono": PHONE,
        "canal": "sms",
        "creado_el": row.created_at.isoformat(),
        "vence_el": row.expires_at.isoformat(),
        "usado_el": None,
    }
    raw = client.post("/cuenta/mis-datos/exportar/").content.decode()
    assert row.code_hash not in raw and code not in raw
    # Each notice says where it was sent: the code's to her number.
    (notice,) = data["avisos_recibidos"]
    assert notice["direccion"] == PHONE
    # Her page shows them too, in Spanish.
    page = text_of(client.get(MY_DATA))
    assert "Códigos para verificar el teléfono" in page
    assert "Código enviado el" in page and "Válido hasta" in page


def test_codes_are_forgotten_a_day_after_they_end_and_with_the_account(
    sms, clock, django_capture_on_commit_callbacks
):
    person = person_with_phone()
    client = signed_in(person)
    send_code(client, django_capture_on_commit_callbacks)
    other = person_with_phone("otra", phone="55 1111 2222")
    send_code(signed_in(other), django_capture_on_commit_callbacks)

    clock.moment += timedelta(hours=23)
    assert send_due_notices.apply().get()["codes_pruned"] == 0
    clock.moment += timedelta(hours=1, minutes=11)
    assert send_due_notices.apply().get()["codes_pruned"] == 2

    send_code(client, django_capture_on_commit_callbacks)
    account_delete(user=person)
    assert not PhoneCode.objects.filter(user=person).exists()
    assert not ChannelPreference.objects.filter(user=person).exists()


def test_no_code_while_the_channel_is_off(
    settings, sms, clock, django_capture_on_commit_callbacks
):
    settings.NOTIFY_SMS_URL = ""
    person = person_with_phone()

    response = send_code(signed_in(person), django_capture_on_commit_callbacks)

    assert told(response) == [
        "Por ahora no se pueden enviar códigos por SMS: inténtalo más tarde."
    ]
    assert not PhoneCode.objects.exists() and not Notice.objects.exists()


def test_a_code_that_could_not_go_while_it_worked_never_goes(
    sms, clock, django_capture_on_commit_callbacks
):
    """The provider refused her first codes: when it takes messages again,
    a code replaced by a newer one, or past its ten minutes, is not sent."""
    person = person_with_phone()
    client = signed_in(person)
    sms.refuse = 1000  # down
    send_code(client, django_capture_on_commit_callbacks)
    first = Notice.objects.get(kind="phone_verification")
    send_code(client, django_capture_on_commit_callbacks)
    second = Notice.objects.exclude(pk=first.pk).get(kind="phone_verification")

    first.refresh_from_db()
    assert first.status == Status.CANCELLED
    assert not re.search(r"\d{6}", first.text)  # no code kept
    assert services.deliver(first.pk) == Status.CANCELLED

    sms.refuse = 0  # back
    clock.moment += timedelta(minutes=11)
    assert services.deliver(second.pk) == Status.CANCELLED
    second.refresh_from_db()
    assert second.last_error == "caducó antes de poder enviarse"
    assert sms.accepted == [] and not re.search(r"\d{6}", second.text)
