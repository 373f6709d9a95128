"""Accounts under attack and accounts with power: failed sign-ins are throttled
(password, admin and one-time code alike) with a Spanish page; two-step
verification (TOTP with recovery codes) is open to everyone and required of
leaders before the admin or private files; changing a password signs the
account out everywhere else; leaders' sessions last a working day."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from councils.factories import assign, make_council, make_person
from members.models import CodePurpose
from members.services import sign_in_code_create
from tests.conftest import PASSWORD
from tests.councils.helpers import spanish

pytestmark = pytest.mark.django_db

LOGIN = "/cuenta/entrar/"
ADMIN_LOGIN = "/admin/login/"
CODE_LOGIN = "/cuenta/codigo/"
TWO_FACTOR = "/cuenta/dos-pasos/"
VERIFY = "/cuenta/dos-pasos/verificar/"
LIMIT = 5


@pytest.fixture
def lucia(make_user):
    return make_user("lucia", first_name="Lucía")


@pytest.fixture
def leader(db):
    council = make_council("Consejo Santa Cecilia")
    person = make_person("coordinadora", first_name="Carmen")
    person.set_password(PASSWORD)
    person.save()
    assign(person, "coordinador-de-consejo", council=council)
    return person


def fail(client, url, username, times=LIMIT):
    for _attempt in range(times):
        client.post(url, {"username": username, "password": "no-es-esta"})


def signed_in(client):
    return "_auth_user_id" in client.session


# Throttling of failed sign-ins


def test_five_failures_lock_the_account_from_that_address_even_with_the_password(
    client, lucia
):
    fail(client, LOGIN, "lucia")
    response = client.post(LOGIN, {"username": "lucia", "password": PASSWORD})

    assert response.status_code == 429
    assert spanish("Too many attempts") in response.content.decode()
    assert not signed_in(client)


def test_four_failures_do_not_lock_and_a_success_starts_the_count_again(client, lucia):
    fail(client, LOGIN, "lucia", times=LIMIT - 1)
    assert client.post(LOGIN, {"username": "lucia", "password": PASSWORD}).status_code
    assert signed_in(client)
    assert not AccessAttempt.objects.filter(username="lucia").exists()


def test_a_lock_holds_for_one_account_and_address_only(client, lucia, make_user):
    make_user("rosa")
    fail(client, LOGIN, "lucia")

    other_account = Client().post(LOGIN, {"username": "rosa", "password": PASSWORD})
    other_address = Client(REMOTE_ADDR="10.0.0.9").post(
        LOGIN, {"username": "lucia", "password": PASSWORD}
    )

    assert other_account.status_code == 302
    assert other_address.status_code == 302


def test_the_lock_ends_after_the_cool_off(client, lucia):
    fail(client, LOGIN, "lucia")
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )

    response = client.post(LOGIN, {"username": "lucia", "password": PASSWORD})

    assert response.status_code == 302
    assert signed_in(client)


def test_the_admin_sign_in_is_throttled_too(client, lucia):
    fail(client, ADMIN_LOGIN, "lucia")
    response = client.post(ADMIN_LOGIN, {"username": "lucia", "password": PASSWORD})

    assert response.status_code == 429
    assert not signed_in(client)


def test_wrong_one_time_codes_are_throttled_and_lock_the_right_code_out(client, leader):
    person = make_person("nueva", first_name="Nueva")
    code = sign_in_code_create(user=person, created_by=leader)
    for _attempt in range(LIMIT):
        client.post(CODE_LOGIN, {"username": "nueva", "code": "AAAA-BBBB"})

    response = client.post(CODE_LOGIN, {"username": "nueva", "code": code})

    assert response.status_code == 429
    assert spanish("Too many attempts") in response.content.decode()
    assert not signed_in(client)


# Two-step verification


def time_passes(user):
    """django-otp makes each wrong code double the wait before the next try (1 s,
    2 s, 4 s...): a person takes that long to type again."""
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user).update(
            throttling_failure_count=0, throttling_failure_timestamp=None
        )


def current_code(user, ahead=0):
    """The app's code now, or ``ahead`` 30-second steps later (a code once used
    is refused until the next step: no replay)."""
    device = TOTPDevice.objects.get(user=user)
    return f"{totp(device.bin_key, drift=ahead):06d}"


def activation_code(user):
    """What whoever leads ``user`` gives them to turn it on the first time
    (given through the council's admin page in the tests below)."""
    return sign_in_code_create(
        user=user, created_by=None, purpose=CodePurpose.TWO_FACTOR
    )


def set_up_two_factor(client, user):
    """Through the pages, as a person does: first an activation code when the
    account needs one, then the app's code; returns the recovery codes."""
    form = client.get(TWO_FACTOR).context["form"]
    if "activation" in form.fields:
        client.post(TWO_FACTOR, {"activation": activation_code(user)})
    client.setup_code = current_code(user)  # kept: replaying it must fail
    response = client.post(TWO_FACTOR, {"code": client.setup_code})
    assert response.status_code == 200
    return response.context["codes"]


@override_settings(REQUIRE_TWO_FACTOR=True)
def test_a_leader_sets_up_the_app_before_the_admin_opens(client, leader):
    client.force_login(leader)

    first = client.get("/admin/")
    assert first.status_code == 302
    assert first["Location"] == f"{TWO_FACTOR}?next=%2Fadmin%2F"
    asked = client.get(first["Location"]).content.decode()
    assert "<svg" not in asked and 'name="activation"' in asked  # no key yet
    client.post(TWO_FACTOR, {"activation": activation_code(leader)})
    setup = client.get(first["Location"]).content.decode()
    assert "<svg" in setup and "otpauth" not in setup  # a drawn code, no link
    wrong = client.post(TWO_FACTOR, {"code": "000000"})
    assert wrong.status_code == 200 and not TOTPDevice.objects.get().confirmed
    time_passes(leader)

    client.setup_code = current_code(leader)
    done = client.post(TWO_FACTOR, {"code": client.setup_code})
    codes = done.context["codes"]

    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/admin/").status_code == 200


@override_settings(REQUIRE_TWO_FACTOR=True)
def test_a_new_session_asks_for_the_code_and_a_recovery_code_works_once(leader):
    setup = Client()
    setup.force_login(leader)
    codes = set_up_two_factor(setup, leader)

    later = Client()
    later.force_login(leader)
    asked = later.get("/admin/pages/")
    assert asked["Location"] == f"{VERIFY}?next=%2Fadmin%2Fpages%2F"
    wrong = later.post(VERIFY, {"code": "123456", "next": "/admin/pages/"})
    assert wrong.status_code == 200
    time_passes(leader)
    used = later.post(VERIFY, {"code": codes[0], "next": "/admin/pages/"})
    assert used["Location"] == "/admin/pages/"
    assert later.get("/admin/").status_code == 200

    again = Client()
    again.force_login(leader)
    refused = again.post(VERIFY, {"code": codes[0]})
    assert refused.status_code == 200
    assert again.get("/admin/").status_code == 302
    time_passes(leader)
    # The code of setting up, already used: refused, even when a new 30-second
    # step has begun since (reading the current code then gave a fresh one).
    replayed = again.post(VERIFY, {"code": setup.setup_code, "next": "/admin/"})
    assert replayed.status_code == 200
    time_passes(leader)
    by_app = again.post(VERIFY, {"code": current_code(leader, 1), "next": "/admin/"})
    assert by_app["Location"] == "/admin/"


@override_settings(REQUIRE_TWO_FACTOR=True)
def test_private_documents_need_the_second_step_too(client, leader):
    client.force_login(leader)

    response = client.get("/documentos/1/acta.pdf")

    assert response.status_code == 302
    assert response["Location"].startswith(TWO_FACTOR)


@override_settings(REQUIRE_TWO_FACTOR=True)
def test_a_leader_cannot_turn_it_off(client, leader):
    client.force_login(leader)
    set_up_two_factor(client, leader)

    client.post("/cuenta/dos-pasos/desactivar/")

    assert TOTPDevice.objects.filter(user=leader, confirmed=True).exists()


@override_settings(REQUIRE_TWO_FACTOR=True)
def test_a_member_may_turn_it_on_and_off_and_is_never_forced(client, lucia):
    client.force_login(lucia)
    assert client.get("/mi-formacion/").status_code == 200

    set_up_two_factor(client, lucia)
    client.post("/cuenta/dos-pasos/desactivar/")

    assert not TOTPDevice.objects.filter(user=lucia).exists()


# Sessions


def test_changing_the_password_signs_out_every_other_session(lucia):
    phone, laptop = Client(), Client()
    for client in (phone, laptop):
        assert client.post(LOGIN, {"username": "lucia", "password": PASSWORD})

    response = phone.post(
        "/cuenta/mis-datos/contrasena/",
        {
            "old_password": PASSWORD,
            "new_password1": "otra-contraseña-larga-456",
            "new_password2": "otra-contraseña-larga-456",
        },
    )

    assert response.status_code == 302
    assert phone.get("/mi-formacion/").status_code == 200
    assert laptop.get("/mi-formacion/").status_code == 302


def test_a_wrong_current_password_changes_nothing(client, lucia):
    client.force_login(lucia)

    response = client.post(
        "/cuenta/mis-datos/contrasena/",
        {
            "old_password": "no-es-esta",
            "new_password1": "otra-contraseña-larga-456",
            "new_password2": "otra-contraseña-larga-456",
        },
    )

    assert response.status_code == 200
    lucia.refresh_from_db()
    assert lucia.check_password(PASSWORD)


def test_a_leader_s_session_lasts_a_working_day_a_member_s_two_weeks(lucia, leader):
    member, coordinator = Client(), Client()
    member.post(LOGIN, {"username": "lucia", "password": PASSWORD})
    coordinator.post(LOGIN, {"username": "coordinadora", "password": PASSWORD})

    assert coordinator.session.get_expiry_age() == 12 * 60 * 60
    assert member.session.get_expiry_age() == 14 * 24 * 60 * 60


def test_a_deleted_account_keeps_no_second_factor_or_code(client, lucia, leader):
    from members.models import SignInCode
    from members.services import account_delete

    client.force_login(lucia)
    set_up_two_factor(client, lucia)
    sign_in_code_create(user=lucia, created_by=leader)

    account_delete(user=lucia)

    assert not TOTPDevice.objects.filter(user=lucia).exists()
    assert not StaticDevice.objects.filter(user=lucia).exists()
    assert not SignInCode.objects.filter(user=lucia).exists()
