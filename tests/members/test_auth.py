"""Signing in and out at /cuenta/entrar/ and /cuenta/salir/, and recovering a
password by e-mail at /cuenta/recuperar/."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from members.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/cuenta/entrar/"
LOGOUT = "/cuenta/salir/"
RESET = "/cuenta/recuperar/"


@pytest.fixture
def lucia(make_user):
    return make_user("lucia", first_name="Lucía", email="lucia@example.org")


def is_signed_in(client):
    return "_auth_user_id" in client.session


def test_the_sign_in_page_is_in_spanish(client):
    html = client.get(LOGIN).content.decode()

    assert "<h1>Entrar</h1>" in html
    assert 'href="/cuenta/recuperar/"' in html
    assert 'href="/cuenta/registro/"' in html


def test_signing_in_goes_to_my_formation(client, lucia):
    response = client.post(LOGIN, {"username": "lucia", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/mi-formacion/"
    assert is_signed_in(client)


def test_a_wrong_password_is_refused_in_spanish(client, lucia):
    response = client.post(LOGIN, {"username": "lucia", "password": "no-es-esta"})

    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "Escribe un nombre de usuario y una contraseña correctos. "
        "Fíjate en las mayúsculas: en los dos campos cuentan." in html
    )
    assert 'role="alert"' in html
    assert not is_signed_in(client)


def test_an_unknown_username_gets_the_same_message(client, lucia):
    wrong = client.post(LOGIN, {"username": "lucia", "password": "no-es-esta"})
    unknown = client.post(LOGIN, {"username": "nadie", "password": "no-es-esta"})

    def alert(response):
        html = response.content.decode()
        return re.search(r'role="alert">(.*?)</div>', html, re.S)[1]

    assert alert(wrong) == alert(unknown)


def test_a_safe_next_is_followed(client, lucia):
    response = client.post(
        LOGIN, {"username": "lucia", "password": PASSWORD, "next": "/cursos/"}
    )

    assert response["Location"] == "/cursos/"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "https:evil.example"]
)
def test_a_next_to_another_host_is_ignored(client, lucia, target):
    response = client.post(
        LOGIN + f"?next={target}",
        {"username": "lucia", "password": PASSWORD, "next": target},
    )

    assert response.status_code == 302
    assert response["Location"] == "/mi-formacion/"
    assert is_signed_in(client)


def test_a_next_to_another_host_is_not_put_in_the_sign_in_form(client):
    html = client.get(LOGIN + "?next=https://evil.example/").content.decode()

    form = html[html.index('<form method="post" class="form">') :]
    form = form[: form.index("</form>")]
    assert "evil.example" not in form
    assert (
        client.get(LOGIN + "?next=/cursos/")
        .content.decode()
        .count('name="next" value="/cursos/"')
    )


def test_an_inactive_account_cannot_sign_in(client, make_user):
    make_user("bloqueada", is_active=False)

    response = client.post(LOGIN, {"username": "bloqueada", "password": PASSWORD})

    assert response.status_code == 200
    assert not is_signed_in(client)


def test_signing_out_by_get_shows_a_confirmation_form_and_keeps_the_session(
    client, lucia
):
    client.force_login(lucia)

    response = client.get(LOGOUT)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<form method="post" action="/cuenta/salir/">' in html
    assert "csrfmiddlewaretoken" in html
    assert "Salir ahora" in html
    assert is_signed_in(client)


def test_signing_out_by_post_ends_the_session(client, lucia):
    client.force_login(lucia)

    response = client.post(LOGOUT, follow=True)

    assert response.status_code == 200
    assert not is_signed_in(client)
    assert client.get("/mi-formacion/")["Location"].startswith(LOGIN)


def test_signing_out_without_a_csrf_token_is_refused(lucia):
    client = Client(enforce_csrf_checks=True)
    client.force_login(lucia)

    response = client.post(LOGOUT)

    assert response.status_code == 403
    assert is_signed_in(client)


def test_an_anonymous_visit_to_sign_out_goes_home(client):
    response = client.get(LOGOUT)

    assert response.status_code == 302
    assert response["Location"] == "/"


def ask_for_a_link(client, email, capture):
    """The reset form, with the e-mail task it enqueues run after the commit."""
    with capture(execute=True):
        return client.post(RESET, {"email": email}, follow=True)


def test_a_password_reset_link_is_e_mailed_and_works(
    client, lucia, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RESET, {"email": "LUCIA@example.org"})

    assert response.status_code == 302
    assert response["Location"] == "/cuenta/recuperar/enviado/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lucia@example.org"]
    assert "Hola, Lucía:" in message.body
    link = re.search(r"https?://[^/\s]+(/cuenta/recuperar/\S+/)", message.body)[1]

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert "Elige una contraseña nueva" in form_page.content.decode()
    assert 'name="new_password1"' in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    new_password = "otra-contraseña-segura-456"
    done = client.post(
        set_url, {"new_password1": new_password, "new_password2": new_password}
    )
    assert done.status_code == 302
    assert done["Location"] == "/cuenta/recuperar/listo/"

    lucia.refresh_from_db()
    assert lucia.check_password(new_password)
    fresh = Client()
    assert fresh.login(username="lucia", password=new_password)
    # The link works only once.
    again = client.get(link, follow=True)
    assert 'name="new_password1"' not in again.content.decode()


def test_the_reset_e_mail_is_in_spanish(
    client, lucia, django_capture_on_commit_callbacks
):
    ask_for_a_link(client, "lucia@example.org", django_capture_on_commit_callbacks)

    message = mail.outbox[0]
    assert message.subject == "Recupera tu contraseña de COCOCI Formación"
    assert "Alguien pidió cambiar la contraseña" in message.body
    assert "Someone asked" not in message.body


def test_an_unknown_address_sends_nothing_and_shows_the_same_page(
    client, lucia, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    known = ask_for_a_link(client, "lucia@example.org", capture)
    assert len(mail.outbox) == 1
    mail.outbox.clear()

    unknown = ask_for_a_link(client, "nadie@example.org", capture)

    assert mail.outbox == []
    assert unknown.redirect_chain == known.redirect_chain
    html = unknown.content.decode()
    assert "Revisa tu correo" in html
    assert "Si alguna cuenta usa ese correo" in html


def test_a_member_registered_by_their_leaders_may_ask_for_a_link(
    client, make_user, django_capture_on_commit_callbacks
):
    """Registered on paper with an e-mail, their code lost or expired: they
    have no password yet, and the link lets them choose one."""
    marta = make_user("marta", email="marta@example.org")
    marta.set_unusable_password()
    marta.save()

    ask_for_a_link(client, "marta@example.org", django_capture_on_commit_callbacks)

    (message,) = mail.outbox
    assert message.to == ["marta@example.org"]
    link = re.search(r"https?://[^/\s]+(/cuenta/recuperar/\S+/)", message.body)[1]
    form_page = client.get(link, follow=True)
    assert 'name="new_password1"' in form_page.content.decode()


def test_a_deleted_account_gets_no_link(
    client, lucia, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=lucia.pk).update(is_active=False)

    ask_for_a_link(client, "lucia@example.org", django_capture_on_commit_callbacks)

    assert mail.outbox == []


def test_the_reset_e_mail_is_a_task_whose_link_is_made_by_the_worker(
    client, lucia, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(RESET, {"email": "lucia@example.org"})

    assert mail.outbox == []  # nothing sent during the request
    assert len(callbacks) == 1
    callbacks[0]()
    (message,) = mail.outbox
    assert "/cuenta/recuperar/" in message.body


def test_a_member_without_e_mail_gets_no_message(client, make_user):
    make_user("sin-correo", phone="5512345678")

    response = client.post(RESET, {"email": ""})

    assert response.status_code == 200
    assert mail.outbox == []


# One password reset, limited, its links on the site's own address (issue 19,
# item 9)


def test_ten_requests_for_one_account_send_one_e_mail(
    client, lucia, django_capture_on_commit_callbacks
):
    pages = [
        ask_for_a_link(client, "lucia@example.org", django_capture_on_commit_callbacks)
        for _n in range(10)
    ]

    assert len(mail.outbox) == 1
    # The page says the same each time: it tells nobody what was sent.
    assert {page.redirect_chain[-1][0] for page in pages} == {
        "/cuenta/recuperar/enviado/"
    }
    assert "un enlace cada 15 minutos" in pages[-1].content.decode()


def test_an_account_may_get_another_link_after_fifteen_minutes(
    client, lucia, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.db.models import F

    from members.models import PasswordResetRequest

    ask_for_a_link(client, "lucia@example.org", django_capture_on_commit_callbacks)
    PasswordResetRequest.objects.update(
        requested_at=F("requested_at") - timedelta(minutes=16)
    )

    ask_for_a_link(client, "lucia@example.org", django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 2


def test_one_address_asking_too_often_waits_and_sends_nothing(
    lucia, settings, django_capture_on_commit_callbacks
):
    asker = Client(REMOTE_ADDR="203.0.113.66")
    for n in range(settings.PASSWORD_RESET_ADDRESS_LIMIT):
        asker.post(RESET, {"email": f"persona{n}@example.org"})

    refused = ask_for_a_link(
        asker, "lucia@example.org", django_capture_on_commit_callbacks
    )

    assert refused.status_code == 429
    assert "Demasiadas solicitudes" in refused.content.decode()
    assert mail.outbox == []
    elsewhere = ask_for_a_link(
        Client(REMOTE_ADDR="198.51.100.7"),
        "lucia@example.org",
        django_capture_on_commit_callbacks,
    )
    assert elsewhere.status_code == 200
    assert len(mail.outbox) == 1


def test_the_link_is_on_the_site_s_address_whatever_host_the_request_named(
    lucia, settings, django_capture_on_commit_callbacks
):
    settings.WAGTAILADMIN_BASE_URL = "https://formacion.example.org"
    settings.ALLOWED_HOSTS = ["*"]
    forged = Client(HTTP_HOST="atacante.example.com")

    ask_for_a_link(forged, "lucia@example.org", django_capture_on_commit_callbacks)

    (message,) = mail.outbox
    assert "https://formacion.example.org/cuenta/recuperar/" in message.body
    assert "atacante" not in message.body


def test_wagtail_s_own_password_reset_is_off_and_the_admin_links_to_this_one(
    client, lucia, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/password_reset/", {"email": "lucia@example.org"})

    assert response.status_code == 404
    assert mail.outbox == []
    login = client.get("/admin/login/").content.decode()
    assert 'href="/cuenta/recuperar/"' in login
    assert "/admin/password_reset/" not in login


def test_a_reset_e_mail_queued_by_the_previous_release_is_still_sent(lucia):
    """Its task carried the request's protocol and host: now ignored."""
    from members.tasks import send_password_reset

    send_password_reset.delay(lucia.pk, "http", "atacante.example.com", "es-mx")

    (message,) = mail.outbox
    assert "http://testserver/cuenta/recuperar/" in message.body
    assert "atacante" not in message.body


def test_deleting_the_account_deletes_its_reset_requests(client, lucia):
    from members.models import PasswordResetRequest
    from members.services import account_delete

    client.post(RESET, {"email": "lucia@example.org"})
    assert PasswordResetRequest.objects.filter(user=lucia).exists()

    account_delete(user=lucia)

    assert not PasswordResetRequest.objects.filter(user=lucia).exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent requests need PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_ten_requests_at_the_same_moment_send_one_e_mail(make_user):
    """Ten browsers at once (as a script would): the account's row is locked
    while each looks for an e-mail sent in the last 15 minutes."""
    make_user("lucia", email="lucia@example.org")
    start = threading.Barrier(10)

    def ask(number):
        try:
            browser = Client(REMOTE_ADDR=f"198.51.100.{number + 1}")
            start.wait(timeout=30)
            return browser.post(RESET, {"email": "lucia@example.org"}).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(ask, range(10)))

    assert answers == [302] * 10
    assert len(mail.outbox) == 1
