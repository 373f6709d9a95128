"""Registration at /cuenta/registro/: an account with consent recorded against the
privacy notice in force, never pre-ticked, with every bad input refused clearly."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from members.models import ConsentMethod, ConsentRecord, PrivacyNotice, Purpose, User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

URL = "/cuenta/registro/"


def form_data(**overrides):
    data = {
        "first_name": "Lucía",
        "last_name": "Méndez Ruiz",
        "username": "lucia",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "phone": "",
        "email": "",
        "consent_necessary": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def input_tags(html, name):
    return re.findall(rf'<input[^>]*name="{name}"[^>]*>', html)


def test_the_form_shows_the_notice_in_short_with_a_link_to_the_full_text(client):
    notice = PrivacyNotice.objects.current()

    response = client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Crear mi cuenta" in html
    assert notice.summary[:60] in html
    assert 'href="/cuenta/aviso-de-privacidad/"' in html
    assert notice.version in html
    full = client.get("/cuenta/aviso-de-privacidad/")
    assert full.status_code == 200
    assert "¿Quién es responsable de tus datos?" in full.content.decode()


def test_the_seeded_notice_is_in_force_and_marked_as_a_draft_for_legal_review():
    notice = PrivacyNotice.objects.current()

    assert notice is not None
    assert notice.draft_for_legal_review
    assert "datos" in notice.summary


def test_consent_boxes_are_separate_and_never_pre_ticked(client):
    html = client.get(URL).content.decode()

    necessary = input_tags(html, "consent_necessary")
    voluntary = input_tags(html, "consent_voluntary")
    assert len(necessary) == 1
    assert len(voluntary) == len(Purpose.voluntary()) == 2
    for tag in necessary + voluntary:
        assert 'type="checkbox"' in tag
        assert "checked" not in tag
    assert {re.search(r'value="([^"]+)"', tag).group(1) for tag in voluntary} == {
        "avisos",
        "contacto",
    }


def test_the_necessary_consent_is_required_with_a_spanish_message(client):
    response = client.post(URL, form_data(consent_necessary=None))

    assert response.status_code == 200
    assert (
        "Para registrarte debes aceptar el uso necesario de tus datos."
        in response.content.decode()
    )
    assert not User.objects.filter(username="lucia").exists()
    assert not ConsentRecord.objects.exists()


def test_a_person_without_phone_or_email_registers_and_is_signed_in(client):
    response = client.post(URL, form_data())

    assert response.status_code == 302
    assert response["Location"] == "/mi-formacion/"
    user = User.objects.get(username="lucia")
    assert user.email == "" and user.phone == ""
    assert user.first_name == "Lucía"
    assert user.check_password(PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)
    page = client.get("/mi-formacion/", follow=True)
    assert page.status_code == 200
    assert "Tu cuenta está lista" in page.content.decode()


def test_phone_and_email_are_kept_when_given(client):
    client.post(URL, form_data(phone="5512345678", email="lucia@example.org"))

    user = User.objects.get(username="lucia")
    assert user.phone == "5512345678"
    assert user.email == "lucia@example.org"


def test_a_bad_phone_is_refused_in_spanish(client):
    response = client.post(URL, form_data(phone="llámame"))

    assert response.status_code == 200
    assert "Escribe un teléfono de 10 dígitos" in response.content.decode()
    assert not User.objects.filter(username="lucia").exists()


def test_consent_is_recorded_for_every_purpose_under_the_notice_shown(client):
    notice = PrivacyNotice.objects.current()

    client.post(URL, form_data(consent_voluntary=["avisos"]))

    user = User.objects.get(username="lucia")
    records = ConsentRecord.objects.filter(user=user)
    assert {record.purpose: record.granted for record in records} == {
        Purpose.NECESSARY: True,
        Purpose.NOTICES: True,
        Purpose.COUNCIL_CONTACT: False,
    }
    assert records.count() == 3
    for record in records:
        assert record.notice == notice
        assert record.notice.version == "2026-12-borrador"
        assert record.method == ConsentMethod.ONLINE == "en_linea"
        assert record.recorded_by is None
        assert abs(record.created_at - timezone.now()) < timedelta(minutes=1)


def test_consent_points_to_the_newest_notice_in_force(client):
    newer = PrivacyNotice.objects.create(
        version="2027-01",
        title="Aviso de privacidad",
        summary="Versión revisada del aviso de privacidad.",
        body="<p>Texto completo revisado.</p>",
        draft_for_legal_review=False,
        published_at=timezone.now(),
    )
    PrivacyNotice.objects.create(
        version="2027-06-futuro",
        title="Aviso de privacidad",
        summary="Un aviso que aún no está vigente.",
        body="<p>Todavía no.</p>",
        published_at=timezone.now() + timedelta(days=30),
    )

    html = client.get(URL).content.decode()
    client.post(URL, form_data())

    assert "Versión revisada del aviso de privacidad." in html
    assert "Un aviso que aún no está vigente." not in html
    assert set(ConsentRecord.objects.values_list("notice__version", flat=True)) == {
        newer.version
    }


def test_a_safe_next_is_followed(client):
    response = client.post(URL + "?next=/cursos/", form_data())

    assert response.status_code == 302
    assert response["Location"] == "/cursos/"


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "https:evil.example", "javascript:x"],
)
def test_a_tampered_next_to_another_host_is_ignored(client, target):
    response = client.post(URL, form_data(next=target))

    assert response.status_code == 302
    assert response["Location"] == "/mi-formacion/"
    assert User.objects.filter(username="lucia").exists()


def test_a_tampered_next_in_the_query_string_is_ignored(client):
    response = client.post(URL + "?next=https://evil.example/", form_data())

    assert response.status_code == 302
    assert response["Location"] == "/mi-formacion/"


def test_a_tampered_next_in_the_query_string_is_not_put_in_the_form(client):
    html = client.get(URL + "?next=https://evil.example/").content.decode()

    form = html[html.index('<form method="post" novalidate') :]
    form = form[: form.index("</form>")]
    assert "evil.example" not in form


def test_the_necessary_purpose_cannot_be_sent_as_a_voluntary_one(client):
    response = client.post(
        URL, form_data(consent_necessary=None, consent_voluntary=["necesario"])
    )

    assert response.status_code == 200
    assert not User.objects.filter(username="lucia").exists()
    assert not ConsentRecord.objects.exists()


def test_a_username_taken_in_another_case_is_refused(client, make_user):
    make_user("Lucia")

    response = client.post(URL, form_data(username="lucia"))

    assert response.status_code == 200
    assert "Un usuario con ese nombre ya existe." in response.content.decode()
    assert User.objects.filter(username__iexact="lucia").count() == 1
    assert not ConsentRecord.objects.exists()


def test_an_over_long_name_is_refused_with_a_message_and_nothing_created(client):
    response = client.post(URL, form_data(first_name="A" * 151))

    html = response.content.decode()
    assert response.status_code == 200
    assert "como máximo 150 caracteres (tiene 151)" in html
    assert not User.objects.filter(username="lucia").exists()
    assert not ConsentRecord.objects.exists()


def test_an_over_long_e_mail_is_refused(client):
    email = "a" * 60 + "@" + ("b" * 60 + ".") * 4 + "org"

    response = client.post(URL, form_data(email=email))

    assert response.status_code == 200
    assert "como máximo 254 caracteres" in response.content.decode()
    assert not User.objects.filter(username="lucia").exists()


def test_an_over_long_username_is_refused(client):
    response = client.post(URL, form_data(username="u" * 151))

    assert response.status_code == 200
    assert "caracteres" in response.content.decode()
    assert not ConsentRecord.objects.exists()


def test_a_double_submit_creates_one_account(client):
    first = client.post(URL, form_data())
    second = Client().post(URL, form_data())

    assert first.status_code == 302
    assert second.status_code == 200
    assert User.objects.filter(username="lucia").count() == 1
    assert ConsentRecord.objects.count() == 3


def test_a_signed_in_person_is_sent_to_their_formation(client, make_user):
    client.force_login(make_user("ya-registrada"))

    response = client.post(URL, form_data())

    assert response.status_code == 302
    assert response["Location"] == "/mi-formacion/"
    assert not User.objects.filter(username="lucia").exists()


def test_a_missing_csrf_token_is_refused_and_nothing_created():
    client = Client(enforce_csrf_checks=True)

    response = client.post(URL, form_data())

    assert response.status_code == 403
    assert not User.objects.filter(username="lucia").exists()
    assert not ConsentRecord.objects.exists()


def test_with_a_csrf_token_the_same_browser_registers():
    client = Client(enforce_csrf_checks=True)
    client.get(URL)
    token = client.cookies["csrftoken"].value

    response = client.post(URL, {**form_data(), "csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert User.objects.filter(username="lucia").exists()


def test_registration_is_closed_in_spanish_without_a_notice_in_force(client):
    PrivacyNotice.objects.update(published_at=None)

    page = client.get(URL)
    post = client.post(URL, form_data())

    assert page.status_code == 503
    assert "El registro está cerrado por ahora" in page.content.decode()
    assert "No hay un aviso de privacidad vigente" in page.content.decode()
    assert post.status_code == 503
    assert not User.objects.filter(username="lucia").exists()


def test_a_notice_in_force_only_from_tomorrow_does_not_open_registration(client):
    PrivacyNotice.objects.update(published_at=timezone.now() + timedelta(days=1))

    assert client.get(URL).status_code == 503


def test_the_form_speaks_to_the_person_as_tu_not_usted(client):
    """Django's Spanish says "Introduzca…" and "Su contraseña…"; the site says tú."""
    response = client.post(
        URL,
        form_data(username="ana lopez", email="ana@", password1="12345", password2="1"),
    )

    html = response.content.decode()
    assert "Escribe un nombre de usuario válido" in html
    assert "Escribe un correo electrónico válido." in html
    assert "Al menos 8 caracteres." in html
    assert "Que no sea solo números." in html
    assert "Escríbela otra vez, para comprobarla." in html
    for usted in ("Introduzca", "Ingrese", "Su contraseña", "Asegúrese"):
        assert usted not in html
    assert not User.objects.filter(username="ana lopez").exists()


def test_voluntary_consents_are_a_group_of_their_own(client):
    """A box of its own with a legend, not a checkbox field beside its label."""
    html = client.get(URL).content.decode()

    group = re.search(
        r'<div class="field">\s*<fieldset><legend>Voluntarias \(opcionales\)</legend>',
        html,
    )
    assert group, "the voluntary consents are not a fieldset with their legend"
